import { describe, expect, it } from "vitest";
import { confirmationBurst } from "../../src/scheduling/confirmationBurst.js";

const base = { wanted: 25, windowShare: 300, spentInWindow: 10, inFlight: 16, ledgerCoversWindow: true };

describe("confirmationBurst", () => {
  it.each([
    { name: "an idle window: every confirmation at once", input: base, expected: 25 },
    { name: "nothing wanted", input: { ...base, wanted: 0 }, expected: 0 },
    { name: "the window nearly spent: only what is left", input: { ...base, spentInWindow: 270 }, expected: 14 },
    { name: "exactly spent", input: { ...base, spentInWindow: 284 }, expected: 0 },
    { name: "overspent (a ledger that lags): none, never negative", input: { ...base, spentInWindow: 400 }, expected: 0 },
    { name: "a fraction of a request left rounds down", input: { ...base, windowShare: 50.9, spentInWindow: 10, inFlight: 16 }, expected: 24 },
    { name: "the workers' slots count as spent", input: { ...base, windowShare: 30, spentInWindow: 0, inFlight: 16 }, expected: 14 },
    { name: "a ledger shorter than the window: nothing is borrowed", input: { ...base, ledgerCoversWindow: false }, expected: 0 },
    { name: "a tiny share", input: { ...base, windowShare: 1, spentInWindow: 0, inFlight: 0 }, expected: 1 },
  ])("$name", ({ input, expected }) => {
    expect(confirmationBurst(input)).toBe(expected);
  });
});
