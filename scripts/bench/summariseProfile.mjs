// Sums a .cpuprofile's self time by package (node_modules/<pkg>) and by function: where a poll's CPU goes.
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";

const dir = process.argv[2] ?? "/tmp/prof";
// A tsx run writes one profile per thread (its loader runs in a worker): take the busiest.
const profiles = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => JSON.parse(readFileSync(`${dir}/${f}`, "utf8")));
const busy = (p) => p.samples.length - p.samples.filter((id) => p.nodes.find((n) => n.id === id)?.callFrame.functionName === "(idle)").length;
const profile = profiles.sort((a, b) => busy(b) - busy(a))[0];
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const byPackage = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  total += ms;
  const { url, functionName } = nodes.get(id).callFrame;
  const pkg = url.includes("node_modules/") ? url.split("node_modules/")[1].split("/").slice(0, url.includes("/@") ? 2 : 1).join("/") : url.startsWith("node:") ? "node (core)" : url.includes("/src/") ? "invite-monitor src" : functionName.startsWith("(") ? functionName : url.startsWith("wasm") ? "wasm" : "other";
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
});
for (const [pkg, ms] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 14)) {
  process.stdout.write(`${(ms / total * 100).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(6)} ms  ${pkg}\n`);
}
const byFunction = new Map();
profile.samples.forEach((id, i) => {
  const { url, functionName, lineNumber } = nodes.get(id).callFrame;
  const key = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^.*\/src\//, "src/")}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
});
process.stdout.write("\ntop functions (self time):\n");
for (const [fn, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  process.stdout.write(`${(ms / total * 100).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(6)} ms  ${fn}\n`);
}
