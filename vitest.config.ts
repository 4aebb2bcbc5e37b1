import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fault-injection suite has its own config and runs as npm run test:faults.
    exclude: ["test/faults/**", "node_modules/**"],
    globalSetup: ["test/setup/globalSetup.ts"],
    // Integration tests wait on real queues and real HTTP; generous limits keep a slow machine from failing them.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: more parallel files would only make every timing-sensitive test slower.
    maxWorkers: 2,
  },
});
