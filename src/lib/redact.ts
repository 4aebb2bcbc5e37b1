const MASK = "[redacted]";

/**
 * Returns a function that replaces every occurrence of the given secrets with a mask.
 * Secrets shorter than 4 characters are ignored: masking them would mangle ordinary text.
 */
export function makeRedactor(secrets: ReadonlyArray<string | undefined | null>): (text: string) => string {
  const values = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length >= 4))]
    // Longest first, so a secret that contains another is masked whole.
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of values) out = out.split(secret).join(MASK);
    return out;
  };
}
