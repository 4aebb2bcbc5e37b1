import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { InviteMonitorError } from "../lib/errors.js";

/** One readiness check: resolves when healthy, throws (or times out) when not. */
export type ReadinessCheck = () => Promise<void>;

export interface HttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A check that has not answered in this long counts as failed: a hung Redis must not hang /readyz. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * /healthz (the process is alive), /readyz (Postgres, Redis and Cloudflare answer, and polling keeps up) and /metrics
 * (Prometheus text). Binds 127.0.0.1 unless told otherwise.
 */
export interface HttpServerOptions {
  host: string;
  port: number;
  registry: Registry;
  checks: Record<string, ReadinessCheck>;
  /** Checks whose failure alone makes the monitor "degraded" (still 503) rather than "not ready". */
  degradable?: readonly string[];
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD" }).end();
      } else if (path === "/healthz") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
      } else if (path === "/readyz") {
        const results = await runChecks(options.checks);
        const failing = Object.keys(results).filter((name) => results[name] !== "ok");
        const status = failing.length === 0 ? "ready" : failing.every((name) => options.degradable?.includes(name)) ? "degraded" : "not ready";
        res.writeHead(failing.length === 0 ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status, checks: results }));
      } else if (path === "/metrics") {
        try {
          const body = await options.registry.metrics();
          res.writeHead(200, { "content-type": options.registry.contentType }).end(body);
        } catch (error) {
          res.writeHead(503, { "content-type": "text/plain" }).end(`metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`);
        }
      } else {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /healthz, /readyz or /metrics\n");
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new InviteMonitorError(
          "SERVICE_UNAVAILABLE",
          `cannot listen on ${options.host}:${options.port} (${error.code ?? error.message}); set HTTP_HOST/HTTP_PORT (HTTP_PORT=0 picks a free port)`,
          { cause: error },
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function runChecks(checks: Record<string, ReadinessCheck>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS)))]);
        return [name, "ok"] as const;
      } catch (error) {
        return [name, error instanceof Error ? error.message : String(error)] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}
