import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { poolConfig } from "./sqlPool.js";

export type Db = PrismaClient;

/**
 * Opens Prisma on Postgres through the pg driver adapter (the offline-capable engine). Given a pool, Prisma shares
 * it with the hot path's plain pg; given a URL (the CLI), it opens a small pool of its own with the same limits.
 * `$disconnect()` never ends a pool it was given: its owner does.
 */
export function createDb(source: string | pg.Pool): Db {
  return new PrismaClient({ adapter: new PrismaPg(typeof source === "string" ? poolConfig(source, 5) : source) });
}
