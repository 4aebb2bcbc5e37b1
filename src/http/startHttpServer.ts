import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { InviteMonitorError } from "../lib/errors.js";
import { createStatusPage, type StatusPageDeps } from "./statusPage/createStatusPage.js";

/** One readiness check: resolves when healthy, throws (or times out) when not. */
export type ReadinessCheck = () => Promise<void>;

export interface HttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A check that has not answered in this long counts as failed: a hung Redis must not hang /readyz. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * /healthz (the process is alive), /readyz (Postgres, Redis and Cloudflare answer, and polling keeps up), /metrics
 * (Prometheus text) and, when given its sources (STATUS_PAGE=on), the read-only status page at / (see
 * statusPage/createStatusPage.ts). Binds 127.0.0.1 unless told otherwise.
 */
export interface HttpServerOptions {
  host: string;
  port: number;
  registry: Registry;
  checks: Record<string, ReadinessCheck>;
  /** Checks whose failure alone makes the monitor "degraded" (still 503) rather than "not ready". */
  degradable?: readonly string[];
  /** The status page's sources; without them (STATUS_PAGE off) there is no page and `/` is a 404. */
  statusPage?: StatusPageDeps;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const statusPage = options.statusPage ? createStatusPage(options.statusPage) : null;
  const server: Server = createServer((req, res) => {
    void (async () => {
      // Appended, not resolved: a request for "//host/x" is a path here, never another origin.
      const url = new URL(`http://localhost${(req.url ?? "/").startsWith("/") ? req.url : "/"}`);
      const path = url.pathname;
      if (statusPage && (await statusPage(req, res, url).catch((error: unknown) => failed(res, error)))) return;
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
        const page = statusPage ? ", or the status page at /" : path === "/" ? " (the status page is off: set STATUS_PAGE=on)" : "";
        res.writeHead(404, { "content-type": "text/plain" }).end(`not found: try /healthz, /readyz or /metrics${page}\n`);
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

/** A status page request that failed outside its own error handling: answered, never left hanging. */
function failed(res: ServerResponse, error: unknown): true {
  if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
  res.end(`internal error: ${error instanceof Error ? error.name : "unknown"}\n`);
  return true;
}
