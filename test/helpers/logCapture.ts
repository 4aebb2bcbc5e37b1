import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/lib/logger.js";

export interface CapturedLogs {
  logger: Logger;
  /** Every raw line written, after redaction: what a log file would hold. */
  lines: string[];
  entries(): Array<Record<string, unknown> & { level: number; msg: string }>;
}

/** A real pino logger writing into memory, with the same secret redaction as production. */
export function captureLogs(secrets: ReadonlyArray<string | undefined> = [], level: "debug" | "info" = "debug"): CapturedLogs {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ level, secrets, destination });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as ReturnType<CapturedLogs["entries"]>[number]) };
}
