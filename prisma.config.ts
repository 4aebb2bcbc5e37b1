import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// The Prisma 6 CLI only runs offline through the JS engine and a driver adapter (see ../shared/ENVIRONMENT.md).
// Without a DATABASE_URL it would fall back to downloading a native engine, so give it the local default.
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/invite_monitor";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { seed: "tsx prisma/seed.ts" },
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }),
});
