import { Redis } from "ioredis";

/** A Redis connection as BullMQ needs it: commands wait through reconnects instead of failing. */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}
