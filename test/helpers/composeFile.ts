import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/**
 * Compose's variable substitution, as much of it as docker-compose.yml uses: `${VAR}`, `${VAR:-default}`,
 * `${VAR:?message}` (an empty value counts as missing, as in compose) and `$$` for a literal `$`.
 */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{(\w+)(?::([?-])([^}]*))?\}/g, (match, name: string, kind?: string, arg?: string) => {
    if (match === "$$") return "$";
    const value = env[name];
    if (value) return value;
    if (kind === "?") throw new Error(`${name}: ${arg}`);
    return kind === "-" ? arg! : (value ?? "");
  });
}

/** docker-compose.yml as compose would run it with these variables set; anchors and `<<:` merges resolved. */
export function loadCompose(env: Record<string, string | undefined>, path = "docker-compose.yml"): ComposeFile {
  return parse(interpolate(readFileSync(path, "utf8"), env), { merge: true }) as ComposeFile;
}

/** The services built from this repository (the app), as opposed to postgres and redis. */
export function appServices(compose: ComposeFile): Array<[string, ComposeService]> {
  return Object.entries(compose.services).filter(([, s]) => s.build !== undefined || s.image === "invite-monitor:local");
}

/** KEY=value lines of an env file, as compose and Node's --env-file read them (no quoting is used here). */
export function parseEnvFile(path: string): Record<string, string> {
  const entries = readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => /^\w+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const);
  return Object.fromEntries(entries);
}
