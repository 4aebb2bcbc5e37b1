import type { z } from "zod";

/** "roles.0: expected string; expires_on: invalid ISO datetime", capped so one reply cannot flood a column. */
export function describeIssues(error: z.ZodError): string {
  const text = error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
  return error.issues.length > 5 ? `${text}; and ${error.issues.length - 5} more` : text;
}
