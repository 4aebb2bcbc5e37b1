/** Stable codes: callers branch on these, never on message text. */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "INPUT_INVALID"
  | "INVITE_NOT_TRACKED"
  | "SERVICE_UNAVAILABLE"
  | "MIGRATIONS_PENDING"
  /** An observation's invite kept changing under the write, round after round. */
  | "WRITE_CONFLICT";

/** The base error of invite-monitor: a code to branch on, a message safe to show, and an optional cause. */
export class InviteMonitorError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InviteMonitorError";
    this.code = code;
  }
}
