import { describe, expect, it } from "vitest";
import { compareCheck, describeCheck } from "../../src/cli/describeCheck.js";
import { readProgressText, writeProgressText } from "../../src/cli/progress.js";
import { routingText } from "../../src/cli/commands/track.js";

const ID = "4f5f0c14a2a41d5063dd301b2f829f04";
const NOW = new Date("2026-11-28T12:00:00Z");
const base = {
  effectiveStatus: "pending" as string | null,
  notVisible: false,
  consecutiveFailures: 0,
  lastCheckedAt: new Date("2026-11-28T11:45:00Z") as Date | null,
  lastError: null as string | null,
  expiresOn: new Date("2026-12-04T12:00:00Z") as Date | null,
  nextCheckAt: new Date("2026-11-28T12:00:00Z") as Date | null,
  snapshots: [{ id: "1", observedAt: new Date("2026-11-27T12:00:00Z"), effectiveStatus: "pending", apiStatus: "pending", first: true, changes: [] }],
};
const checked = { lastCheckedAt: NOW, nextCheckAt: new Date("2026-11-28T12:15:00Z") };
const accepted = { id: "2", observedAt: NOW, effectiveStatus: "accepted", apiStatus: "accepted", first: false, changes: [{ field: "apiStatus", old: "pending", new: "accepted" }, { field: "effectiveStatus", old: "pending", new: "accepted" }] };

describe("compareCheck and describeCheck", () => {
  it.each([
    {
      name: "nothing changed",
      before: base,
      after: { ...base, ...checked },
      lines: [`${ID}: still pending, expires 2026-12-04 12:00Z (in 6 days); nothing changed`, "  next check: 2026-11-28 12:15Z (in 15 minutes)"],
    },
    {
      name: "the first observation",
      before: { ...base, effectiveStatus: null, lastCheckedAt: null, snapshots: [] },
      after: { ...base, ...checked },
      lines: [`${ID}: first observation: pending, expires 2026-12-04 12:00Z (in 6 days)`, "  next check: 2026-11-28 12:15Z (in 15 minutes)"],
    },
    {
      name: "accepted",
      before: base,
      after: { ...base, effectiveStatus: "accepted", lastCheckedAt: NOW, nextCheckAt: null, snapshots: [...base.snapshots, accepted] },
      lines: [`${ID}: accepted`, "  changed: API status: pending → accepted; status: pending → accepted", "  no longer polled: accepted is final"],
    },
    {
      name: "a changed expiry, shown as a time",
      before: base,
      after: { ...base, ...checked, snapshots: [...base.snapshots, { ...accepted, effectiveStatus: "pending", changes: [{ field: "expiresOn", old: "2026-12-04T12:00:00.000Z", new: "2026-12-11T12:00:00.000Z" }] }] },
      lines: [`${ID}: pending, expires 2026-12-04 12:00Z (in 6 days)`, "  changed: expires on: 2026-12-04 12:00Z → 2026-12-11 12:00Z", "  next check: 2026-11-28 12:15Z (in 15 minutes)"],
    },
    {
      name: "a failure",
      before: base,
      after: { ...base, ...checked, consecutiveFailures: 1, lastError: "HTTP 502: Bad Gateway" },
      lines: [`${ID}: the poll failed (1 in a row): HTTP 502: Bad Gateway`, "  next check: 2026-11-28 12:15Z (in 15 minutes)"],
    },
    {
      name: "a second failure at the same instant (a fixed clock)",
      before: { ...base, consecutiveFailures: 1, lastError: "x", lastCheckedAt: NOW },
      after: { ...base, ...checked, consecutiveFailures: 2, lastError: "timeout" },
      lines: [`${ID}: the poll failed (2 in a row): timeout`, "  next check: 2026-11-28 12:15Z (in 15 minutes)"],
    },
    {
      name: "not visible",
      before: { ...base, effectiveStatus: null, snapshots: [] },
      after: { ...base, ...checked, effectiveStatus: null, notVisible: true, snapshots: [], consecutiveFailures: 1, lastError: "HTTP 404; not visible" },
      lines: [`${ID}: the poll failed (1 in a row): HTTP 404; not visible`, "  next check: 2026-11-28 12:15Z (in 15 minutes)"],
    },
  ])("$name", ({ before, after, lines }) => {
    expect(describeCheck(compareCheck(ID, "invite", before, after), NOW)).toEqual(lines);
  });
});

describe("track's progress and routing lines", () => {
  it.each([
    { p: { source: "ids.txt", bytesRead: 1048576, totalBytes: 4194304, ids: 31000, done: false }, expected: "reading ids.txt: 1.0 of 4.0 MiB (25%), 31000 ids" },
    { p: { source: "stdin", bytesRead: 3145728, totalBytes: null, ids: 95000, done: false }, expected: "reading stdin: 3.0 MiB, 95000 ids" },
    { p: { source: "a", bytesRead: 10, totalBytes: 10, ids: 1, done: true }, expected: "reading a: 0.0 of 0.0 MiB (100%), 1 ids" },
  ])("$expected", ({ p, expected }) => {
    expect(readProgressText(p)).toBe(expected);
  });

  it("writing progress never reads more than 100%", () => {
    expect([writeProgressText(5000, 100000), writeProgressText(99999, 100000), writeProgressText(100000, 100000)]).toEqual([
      "writing: 5000 of 100000 invites (5%)", "writing: 99999 of 100000 invites (99%)", "writing: 100000 of 100000 invites (100%)",
    ]);
  });

  it.each([
    { entries: [{}, {}], expected: null },
    { entries: [{ channel: "C0123ABCD" }, {}, { channel: "C0123ABCD" }], expected: "Slack cards: 2 to C0123ABCD." },
    { entries: [{ channel: null }, { channel: "G0PRIVATE1" }], expected: "Slack cards: 1 to SLACK_CHANNEL, 1 to G0PRIVATE1." },
  ])("routing $expected", ({ entries, expected }) => {
    expect(routingText(entries)).toBe(expected);
  });
});
