/** The code that says where a request failed: a timeout by its name, a socket error by the first code in its causes. */
export function transportCode(error: unknown): string | null {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return error.name;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    // Several addresses tried (happy eyeballs): they all failed alike, the first one speaks for them.
    if (e instanceof AggregateError && e.errors[0] instanceof Error) {
      const inner = (e.errors[0] as { code?: unknown }).code;
      if (typeof inner === "string") return inner;
    }
  }
  return null;
}

/** A transport error in one line: its message, and its cause's. */
export function describeTransportError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
