import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A page a misconfigured URL may redirect to: it answers 200 HTML to anything, and counts who came. */
export interface LoginPage {
  readonly url: string;
  visits(): number;
  close(): Promise<void>;
}

export async function startLoginPage(): Promise<LoginPage> {
  let visits = 0;
  const server = createServer((_req, res) => {
    visits++;
    res.writeHead(200, { "content-type": "text/html" }).end("<html>Sign in</html>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/login`,
    visits: () => visits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
