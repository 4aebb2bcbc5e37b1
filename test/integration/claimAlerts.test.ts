// Storage claims what the notifier asks for: how many alerts make the next message is the notifier's decision
// (the digest rule), not the claim's.
import { afterEach, describe, expect, it } from "vitest";
import { credentialsAlert } from "../../src/alerts/decideAlerts.js";
import { claimAlerts, readyAlerts } from "../../src/storage/claimAlerts.js";
import { insertAlerts } from "../../src/storage/alertRows.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";

let database: TestDatabase;
afterEach(async () => database?.drop());

const NOW = new Date("2026-11-28T12:00:00.000Z");
const LEASE = new Date(NOW.getTime() + 21_000);

async function raise(count: number): Promise<number[]> {
  for (let i = 0; i < count; i++) {
    // One second apart, so "oldest first" has a meaning.
    const at = new Date(NOW.getTime() - (count - i) * 1_000);
    await insertAlerts(database.sql, [credentialsAlert("credentials_rejected", `incident-${i}`, `alert ${i}`, at)], at);
  }
  return (await database.db.alert.findMany({ orderBy: { createdAt: "asc" } })).map((r) => r.id);
}

describe("claimAlerts", () => {
  it("claims exactly as many as asked, oldest first, even a few fresh ones the digest rule would send one by one", async () => {
    database = await createTestDatabase();
    const ids = await raise(10);

    expect(await readyAlerts(database.db, NOW, 6)).toEqual({ ready: 6, oldestCreatedAt: new Date(NOW.getTime() - 10_000) });
    expect((await claimAlerts(database.db, NOW, LEASE, 3)).map((a) => a.id)).toEqual(ids.slice(0, 3));
    // Claimed rows are hidden until the lease ends.
    expect(await readyAlerts(database.db, NOW, 100)).toEqual({ ready: 7, oldestCreatedAt: new Date(NOW.getTime() - 7_000) });
    expect((await claimAlerts(database.db, NOW, LEASE, 100)).map((a) => a.id)).toEqual(ids.slice(3));
    expect(await claimAlerts(database.db, NOW, LEASE, 100)).toEqual([]);
    expect(await readyAlerts(database.db, NOW, 100)).toEqual({ ready: 0, oldestCreatedAt: null });
    expect((await claimAlerts(database.db, LEASE, new Date(LEASE.getTime() + 21_000), 2)).map((a) => a.id)).toEqual(ids.slice(0, 2));
  });

  it("claims nothing when asked for none", async () => {
    database = await createTestDatabase();
    await raise(2);
    expect(await claimAlerts(database.db, NOW, LEASE, 0)).toEqual([]);
    expect(await database.db.alert.count({ where: { nextAttemptAt: { lte: NOW } } })).toBe(2);
  });
});
