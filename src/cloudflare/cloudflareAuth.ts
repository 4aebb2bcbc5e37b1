/** How we authenticate to Cloudflare: an API token, or the legacy global key with its account email. */
export type CloudflareAuth =
  | { kind: "token"; token: string }
  | { kind: "key"; email: string; key: string };
