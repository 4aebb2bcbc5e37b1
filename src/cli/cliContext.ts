import { loadConfig, type Config } from "../config/loadConfig.js";
import type { Clock } from "../lib/clock.js";
import { createDb, type Db } from "../storage/db.js";

/** What a command may touch. main.ts passes the real process; tests pass their own streams, env and clock. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  clock: Clock;
}

/** Config and database opened on first use and closed once the command is done. */
export class CliContext {
  private config?: Config;
  private db?: Db;

  constructor(readonly io: CliIo) {}

  /** The config, if a command has loaded it (and it was valid). */
  get loadedConfig(): Config | undefined {
    return this.config;
  }

  getConfig(): Config {
    this.config ??= loadConfig(this.io.env);
    return this.config;
  }

  getDb(): Db {
    this.db ??= createDb(this.getConfig().databaseUrl);
    return this.db;
  }

  async close(): Promise<void> {
    await this.db?.$disconnect();
  }
}
