/** Answers that confirm; anything else (an empty line, the end of input) declines. */
const YES = new Set(["y", "yes"]);

/** The most read while waiting for an answer: a line, not whatever a stream may hold. */
const MAX_ANSWER_BYTES = 1024;

/**
 * Asks a yes/no question on a terminal: the prompt on stderr (stdout holds results only), the answer read as one
 * line of stdin. Resolves false on anything but "y" or "yes", and when the input ends first.
 */
export async function confirm(io: { stderr: (text: string) => void; stdin: NodeJS.ReadableStream }, question: string): Promise<boolean> {
  io.stderr(`${question} [y/N] `);
  const answer = await readLine(io.stdin);
  return YES.has(answer.trim().toLowerCase());
}

function readLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const finish = (value: string) => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const end = text.search(/\r|\n/);
      if (end >= 0) finish(text.slice(0, end));
      else if (text.length > MAX_ANSWER_BYTES) finish("");
    };
    const onEnd = () => finish(text);
    const onError = (error: unknown) => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("error", onError);
  });
}
