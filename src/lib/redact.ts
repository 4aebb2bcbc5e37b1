const MASK = "[redacted]";
/** What a property whose getter (or toJSON) throws is logged as. */
const UNREADABLE = "[unreadable]";

/**
 * Returns a function that replaces every occurrence of the given secrets with a mask. Overlapping
 * occurrences of different secrets are masked as one span, so no fragment of any secret survives.
 * Secrets shorter than 4 characters are ignored: masking them would mangle ordinary text.
 */
export function makeRedactor(secrets: ReadonlyArray<string | undefined | null>): (text: string) => string {
  const values = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length >= 4))];
  if (values.length === 0) return (text) => text;
  const shortest = Math.min(...values.map((v) => v.length));
  return (text) => {
    if (text.length < shortest) return text;
    // Most text holds no secret: allocate nothing until one is found.
    let spans: Array<[number, number]> | undefined;
    for (const secret of values) {
      for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) (spans ??= []).push([at, at + secret.length]);
    }
    if (spans === undefined) return text;
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

/**
 * Like {@link makeRedactor}, applied to every string a value would be serialized with: nested fields and keys,
 * array items, what `toJSON()` returns (a `URL` holding a password), and an Error's message, stack, cause and
 * own fields. It runs on values before they are serialized, because serializing changes how a secret is spelled
 * (JSON writes `"` as `\"`), so searching the finished text misses it.
 *
 * Copy-on-write: what holds no secret is returned as is (the same reference), so the common case allocates
 * nothing. A copy of an Error keeps its prototype, so it still serializes as that kind of error.
 */
export function makeDeepRedactor(secrets: ReadonlyArray<string | undefined | null>): <T>(value: T) => T {
  const redact = makeRedactor(secrets);
  // The objects being walked, outermost first: a short array is cheaper than a Set at the depths logged.
  const ancestors: object[] = [];

  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return redact(value);
    if (typeof value !== "object" || value === null || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
    // A cycle: the serializer writes "[Circular]" there, not the object's text again.
    if (ancestors.includes(value)) return value;
    ancestors.push(value);
    try {
      if (value instanceof Error) return walkError(value);
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
        const json: unknown = (value as { toJSON(): unknown }).toJSON();
        const redacted = walk(json);
        return redacted === json ? value : redacted;
      }
      if (Array.isArray(value)) return walkArray(value);
      return walkObject(value as Record<string, unknown>);
    } finally {
      ancestors.pop();
    }
  };

  // Set only while a value is walked again after a getter or toJSON() threw: each property is then read on its
  // own, and the one that throws is logged as a placeholder. The first walk has no try blocks, for speed.
  let careful = false;
  // What the last read() found before redaction, so that a getter runs once per walk.
  let lastRead: unknown;
  const read = (object: object, key: string): unknown => {
    if (!careful) {
      const value = (object as Record<string, unknown>)[key];
      const item = typeof value === "string" ? redact(value) : walk(value);
      lastRead = value;
      return item;
    }
    let value: unknown = UNREADABLE;
    let item: unknown = UNREADABLE;
    try {
      item = walk((value = (object as Record<string, unknown>)[key]));
    } catch {
      item = UNREADABLE;
    }
    lastRead = value;
    return item;
  };
  const unchanged = (item: unknown) => item === lastRead && item !== UNREADABLE;

  const walkArray = (array: unknown[]): unknown[] => {
    let copy: unknown[] | undefined;
    for (let i = 0; i < array.length; i++) {
      const item = walk(array[i]);
      if (item !== array[i]) (copy ??= array.slice())[i] = item;
    }
    return copy ?? array;
  };

  const walkObject = (object: Record<string, unknown>): Record<string, unknown> => {
    const keys = Object.keys(object);
    let copy: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const item = read(object, key);
      const safeKey = redact(key);
      if (copy === undefined) {
        if (safeKey === key && unchanged(item)) continue;
        // The first change: what came before is copied as is, in the original order.
        copy = {};
        for (let j = 0; j < i; j++) define(copy, keys[j]!, object[keys[j]!]);
      }
      define(copy, safeKey, item);
    }
    return copy ?? object;
  };

  const walkError = (error: Error): Error => {
    // message and stack are own but not enumerable; the serializers read them, and cause, directly.
    const names = Object.getOwnPropertyNames(error);
    let changed: Map<string, unknown> | undefined;
    for (const name of names) {
      const item = read(error, name);
      if (!unchanged(item)) (changed ??= new Map()).set(name, item);
    }
    if (changed === undefined) return error;
    const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
    for (const name of names) {
      const descriptor = Object.getOwnPropertyDescriptor(error, name)!;
      // A changed accessor becomes a plain value: the copy must not run the original getter again.
      Object.defineProperty(copy, name, changed.has(name) ? { value: changed.get(name), enumerable: descriptor.enumerable, writable: true, configurable: true } : descriptor);
    }
    return copy;
  };

  return <T>(value: T): T => {
    try {
      return walk(value) as T;
    } catch {
      ancestors.length = 0;
      careful = true;
      try {
        return walk(value) as T;
      } catch {
        // Only a value that throws as a whole (a Proxy, a toJSON() at the top) gets here; pino's own serializer
        // fails on it the same way, and writes a placeholder.
        return value;
      } finally {
        careful = false;
        ancestors.length = 0;
      }
    }
  };
}

/** An assignment that also works for a key named "__proto__" (JSON.parse makes such own keys). */
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
