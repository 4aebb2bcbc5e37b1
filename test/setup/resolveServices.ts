import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Socket } from "node:net";

/** Where the tests find Postgres and Redis, and who must stop them afterwards. */
export interface TestServices {
  databaseUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

const LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test";
const LOCAL_REDIS = "redis://127.0.0.1:6379";

/**
 * In order: TEST_DATABASE_URL/TEST_REDIS_URL, then DATABASE_URL/REDIS_URL, then containers when a Docker engine
 * answers, then the standard local ports. Otherwise it fails saying exactly what to set.
 */
export async function resolveServices(env: NodeJS.ProcessEnv): Promise<TestServices> {
  const databaseUrl = env.TEST_DATABASE_URL || env.DATABASE_URL;
  const redisUrl = env.TEST_REDIS_URL || env.REDIS_URL;
  if (databaseUrl && redisUrl) return { databaseUrl, redisUrl, stop: async () => {} };

  if (dockerEngineReachable(env)) return startContainers(databaseUrl, redisUrl);

  const [pgUp, redisUp] = await Promise.all([portOpen(5432), portOpen(6379)]);
  if ((databaseUrl || pgUp) && (redisUrl || redisUp)) {
    return { databaseUrl: databaseUrl ?? LOCAL_POSTGRES, redisUrl: redisUrl ?? LOCAL_REDIS, stop: async () => {} };
  }
  throw new Error(
    [
      "The tests need a real Postgres and a real Redis, and found neither configured nor running.",
      "Set both, for example:",
      `  export TEST_DATABASE_URL=${LOCAL_POSTGRES}   # a database the tests may create databases next to`,
      `  export TEST_REDIS_URL=${LOCAL_REDIS}`,
      "or start a Docker engine (the tests then run Postgres and Redis in containers),",
      "or start local services on 127.0.0.1:5432 and 127.0.0.1:6379 (docker compose up -d postgres redis).",
    ].join("\n"),
  );
}

function dockerEngineReachable(env: NodeJS.ProcessEnv): boolean {
  if (!env.DOCKER_HOST && !existsSync("/var/run/docker.sock")) return false;
  try {
    execFileSync("docker", ["info", "--format", "{{.ServerVersion}}"], { stdio: "ignore", timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

async function startContainers(databaseUrl: string | undefined, redisUrl: string | undefined): Promise<TestServices> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const started: Array<{ stop(): Promise<unknown> }> = [];
  let db = databaseUrl;
  let redis = redisUrl;
  if (!db) {
    const pg = await new GenericContainer("postgres:16-alpine")
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: "trust", POSTGRES_DB: "test" })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    started.push(pg);
    db = `postgresql://postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/test`;
  }
  if (!redis) {
    const r = await new GenericContainer("redis:7-alpine").withExposedPorts(6379).start();
    started.push(r);
    redis = `redis://${r.getHost()}:${r.getMappedPort(6379)}`;
  }
  return { databaseUrl: db, redisUrl: redis, stop: async () => void (await Promise.all(started.map((c) => c.stop()))) };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1_000);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(false));
    socket.connect(port, "127.0.0.1");
  });
}
