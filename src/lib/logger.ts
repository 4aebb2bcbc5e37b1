import { format } from "node:util";
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from "pino";
import { makeDeepRedactor, makeRedactor } from "./redact.js";

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

/**
 * Structured JSON logs with secrets masked in what each log call is given, before pino serializes it: the
 * message, every string of the merged object (nested, in arrays, in errors) and a child logger's bindings. The
 * finished line cannot be searched instead: JSON escaping respells a secret holding `"`, `\` or a control
 * character. Calls below the level never reach the hook, so a silenced debug line costs nothing.
 */
export function createLogger(options: LoggerOptions): Logger {
  const redact = makeRedactor(options.secrets);
  const redactDeep = makeDeepRedactor(options.secrets);
  const hasSecrets = options.secrets.some((s) => typeof s === "string" && s.length >= 4);
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      ...(hasSecrets && {
        hooks: {
          logMethod(args, method) {
            return method.apply(this, redactArgs(args as unknown[], redact, redactDeep) as Parameters<typeof method>);
          },
        },
      }),
    },
    options.destination ?? (options.pretty ? pino.transport({ target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss" } }) : pino.destination({ fd: 1, sync: false })),
  );
  if (hasSecrets) {
    // pino serializes a child's bindings once, when the child is made, and gives children no formatter for them.
    // Children inherit from their parent, so this one override covers grandchildren too.
    const makeChild = logger.child;
    logger.child = function (this: Logger, bindings, childOptions) {
      return makeChild.call(this, redactDeep(bindings), childOptions);
    } as Logger["child"];
  }
  return logger;
}

/** `log.x(obj?, msg?, ...interpolation)` with every argument redacted. */
function redactArgs(args: unknown[], redact: (text: string) => string, redactDeep: <T>(value: T) => T): unknown[] {
  const safe = args.map((arg) => redactDeep(arg));
  const at = typeof safe[0] === "string" ? 0 : 1;
  const template = safe[at];
  if (typeof template !== "string" || safe.length <= at + 1 || !template.includes("%")) return safe;
  // Interpolated here rather than by pino, so a secret split between the template and an argument is seen whole.
  return [...safe.slice(0, at), redact(format(template, ...safe.slice(at + 1)))];
}
