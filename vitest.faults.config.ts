import { defineConfig } from "vitest/config";

// The fault-injection suite: each test owns its redis-server, Postgres cluster and daemon processes, and breaks
// them on purpose. Kept out of `npm test`; `.ci/run` runs it as `npm run test:faults`.
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
