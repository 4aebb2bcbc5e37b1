import { createServer, connect, type Socket } from "node:net";

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, to break the way to it without touching the server:
 * `refuse()` drops every connection and refuses new ones (the server is down); `freeze()` keeps connections open
 * but passes no more bytes either way (a half-open connection after a network cut); `heal()` undoes both.
 */
export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  through(url: string): string;
  refuse(): void;
  freeze(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: "forward" | "refuse" | "freeze" = "forward";
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    if (mode === "refuse") return void client.destroy();
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const forget = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (chunk) => void (mode === "forward" && upstream.write(chunk)));
    upstream.on("data", (chunk) => void (mode === "forward" && client.write(chunk)));
    client.on("close", forget).on("error", forget);
    upstream.on("close", forget).on("error", forget);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const proxy: TcpProxy = {
    port,
    through(url) {
      const parsed = new URL(url);
      parsed.hostname = "127.0.0.1";
      parsed.port = String(port);
      return parsed.toString();
    },
    refuse() {
      mode = "refuse";
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
    },
    freeze() {
      mode = "freeze";
    },
    heal() {
      mode = "forward";
    },
    async close() {
      proxy.refuse();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
