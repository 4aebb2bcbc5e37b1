import { describe, expect, it } from "vitest";
import { confirmationBurst } from "../../src/scheduling/confirmationBurst.js";

const base = { wanted: 25, windowShare: 300, spentInWindow: 10, inFlight: 16, ledgerCoversWindow: true, maxBurst: 60 };

describe("confirmationBurst", () => {
  it.each([
    { name: "an idle window: every confirmation at once", input: base, expected: 25 },
    { name: "nothing wanted", input: { ...base, wanted: 0 }, expected: 0 },
    { name: "the window nearly spent: only what is left, less one poll that may start meanwhile", input: { ...base, spentInWindow: 270 }, expected: 13 },
    { name: "spent", input: { ...base, spentInWindow: 283 }, expected: 0 },
    { name: "overspent (a ledger that lags): none, never negative", input: { ...base, spentInWindow: 400 }, expected: 0 },
    { name: "a fraction of a request left rounds down", input: { ...base, windowShare: 50.9 }, expected: 23 },
    { name: "the workers' slots count as spent", input: { ...base, windowShare: 30, spentInWindow: 0 }, expected: 13 },
    { name: "a ledger shorter than the window: nothing is borrowed", input: { ...base, ledgerCoversWindow: false }, expected: 0 },
    { name: "a share of one request is never borrowed whole", input: { ...base, windowShare: 1, spentInWindow: 0, inFlight: 0 }, expected: 0 },
    { name: "a share of two", input: { ...base, windowShare: 2, spentInWindow: 0, inFlight: 0 }, expected: 1 },
    { name: "a mass change: no more than the hold allows", input: { ...base, wanted: 250 }, expected: 60 },
  ])("$name", ({ input, expected }) => {
    expect(confirmationBurst(input)).toBe(expected);
  });
});
