import { pino, type DestinationStream, type Logger, type LevelWithSilent } from "pino";
import { makeRedactor } from "./redact.js";

export type { Logger };

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Every value listed here is masked in every line written, whatever field or message it hides in. */
  secrets: ReadonlyArray<string | undefined | null>;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  /** Human-readable colored lines (pino-pretty) instead of JSON. */
  pretty?: boolean;
}

/** Structured JSON logs with secrets scrubbed from the serialized line, so no code path can leak one. */
export function createLogger(options: LoggerOptions): Logger {
  const redact = makeRedactor(options.secrets);
  return pino(
    {
      level: options.level,
      base: undefined,
      hooks: { streamWrite: (line) => redact(line) },
    },
    options.destination ?? (options.pretty ? pino.transport({ target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss" } }) : pino.destination({ fd: 1, sync: false })),
  );
}
