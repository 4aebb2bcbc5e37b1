const MASK = "[redacted]";

/**
 * Returns a function that replaces every occurrence of the given secrets with a mask. Overlapping
 * occurrences of different secrets are masked as one span, so no fragment of any secret survives.
 * Secrets shorter than 4 characters are ignored: masking them would mangle ordinary text.
 */
export function makeRedactor(secrets: ReadonlyArray<string | undefined | null>): (text: string) => string {
  const values = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length >= 4))];
  if (values.length === 0) return (text) => text;
  return (text) => {
    const spans: Array<[number, number]> = [];
    for (const secret of values) {
      for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) spans.push([at, at + secret.length]);
    }
    if (spans.length === 0) return text;
    spans.sort((a, b) => a[0] - b[0]);
    let out = "";
    let cursor = 0;
    let [start, end] = spans[0]!;
    for (const [s, e] of spans.slice(1)) {
      if (s < end) end = Math.max(end, e);
      else {
        out += text.slice(cursor, start) + MASK;
        cursor = end;
        [start, end] = [s, e];
      }
    }
    return out + text.slice(cursor, start) + MASK + text.slice(end);
  };
}
