import { describe, expect, it } from "vitest";
import { groupCommit } from "../../src/lib/groupCommit.js";

/** A write the test releases by hand, recording the batches it was given. */
function controlledWrite(fail: (item: string) => boolean = () => false) {
  const batches: string[][] = [];
  const pending: Array<() => void> = [];
  const write = (items: string[]) => {
    batches.push(items);
    return new Promise<string[]>((resolve, reject) => {
      pending.push(() => (items.some(fail) ? reject(new Error(`refused ${items.filter(fail).join(",")}`)) : resolve(items.map((i) => `wrote ${i}`))));
    });
  };
  const releaseNext = async () => {
    while (pending.length === 0) await new Promise((r) => setImmediate(r));
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { batches, write, releaseNext };
}

describe("groupCommit", () => {
  it("writes a lone call at once, and the calls made meanwhile together in the next write", async () => {
    const w = controlledWrite();
    const record = groupCommit(w.write, { maxBatch: 10, maxConcurrent: 1 });
    const first = record("a");
    const later = ["b", "c", "d"].map((item) => record(item));
    expect(w.batches).toEqual([["a"]]);
    await w.releaseNext();
    await w.releaseNext();
    expect(w.batches).toEqual([["a"], ["b", "c", "d"]]);
    expect(await first).toBe("wrote a");
    expect(await Promise.all(later)).toEqual(["wrote b", "wrote c", "wrote d"]);
  });

  it("never puts more than maxBatch calls in one write", async () => {
    const w = controlledWrite();
    const record = groupCommit(w.write, { maxBatch: 2, maxConcurrent: 1 });
    const all = ["a", "b", "c", "d", "e"].map((item) => record(item));
    for (let i = 0; i < 3; i++) await w.releaseNext();
    expect(w.batches).toEqual([["a"], ["b", "c"], ["d", "e"]]);
    expect(await Promise.all(all)).toHaveLength(5);
  });

  it("retries a failed batch one call at a time: only the refused call fails, with its own error", async () => {
    const w = controlledWrite((item) => item === "bad");
    const record = groupCommit(w.write, { maxBatch: 10, maxConcurrent: 1 });
    const first = record("a");
    const rest = ["b", "bad", "c"].map((item) => record(item).then((r) => r, (e: Error) => e.message));
    await w.releaseNext(); // [a]
    await w.releaseNext(); // [b, bad, c] fails as a whole
    for (let i = 0; i < 3; i++) await w.releaseNext(); // then one by one
    expect(await first).toBe("wrote a");
    expect(await Promise.all(rest)).toEqual(["wrote b", "refused bad", "wrote c"]);
    expect(w.batches).toEqual([["a"], ["b", "bad", "c"], ["b"], ["bad"], ["c"]]);
  });

  it("keeps working after a failed write", async () => {
    const w = controlledWrite((item) => item === "bad");
    const record = groupCommit(w.write, { maxBatch: 10, maxConcurrent: 1 });
    const bad = record("bad").catch((e: Error) => e.message);
    await w.releaseNext();
    expect(await bad).toBe("refused bad");
    const next = record("ok");
    await w.releaseNext();
    expect(await next).toBe("wrote ok");
  });

  it("keeps up to maxConcurrent writes in flight, and batches what comes in behind them", async () => {
    const w = controlledWrite();
    const record = groupCommit(w.write, { maxBatch: 10, maxConcurrent: 2 });
    const all = ["a", "b", "c", "d", "e"].map((item) => record(item));
    expect(w.batches).toEqual([["a"], ["b"]]);
    for (let i = 0; i < 3; i++) await w.releaseNext();
    expect(w.batches).toEqual([["a"], ["b"], ["c", "d", "e"]]);
    expect(await Promise.all(all)).toEqual(["wrote a", "wrote b", "wrote c", "wrote d", "wrote e"]);
  });
});

describe("groupCommit with a key", () => {
  it("never puts two calls of one key in a write, and keeps their order", async () => {
    const writes: string[][] = [];
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const write = async (items: string[]) => {
      writes.push(items);
      if (writes.length === 1) await blocked;
      return items.map((i) => `${i}!`);
    };
    const record = groupCommit(write, { maxBatch: 10, maxConcurrent: 1, key: (item: string) => item.split(":")[0]! });
    const first = record("a:1");
    const rest = [record("a:2"), record("b:1"), record("a:3"), record("c:1")];
    release();
    expect(await Promise.all([first, ...rest])).toEqual(["a:1!", "a:2!", "b:1!", "a:3!", "c:1!"]);
    expect(writes).toEqual([["a:1"], ["a:2", "b:1", "c:1"], ["a:3"]]);
  });
});
