// Sums a .cpuprofile's self time by package (node_modules/<pkg>) and by function: where a poll's CPU goes.
import { readFileSync } from "node:fs";
import process from "node:process";

// profilePipeline.ts writes one profile of the measured part: <dir>/pipeline.cpuprofile.
const dir = process.argv[2] ?? "/tmp/prof";
const profile = JSON.parse(readFileSync(`${dir}/pipeline.cpuprofile`, "utf8"));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));

const packageOf = ({ url, functionName }) =>
  url.includes("node_modules/") ? url.split("node_modules/")[1].split("/").slice(0, url.includes("/@") ? 2 : 1).join("/")
  : url.startsWith("node:") ? "node (core)"
  : url.includes("/src/") ? "invite-monitor src"
  : functionName.startsWith("(") ? functionName
  : url.startsWith("wasm") ? "wasm"
  : "other";
const functionOf = ({ url, functionName, lineNumber }) =>
  `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^.*\/src\//, "src/")}:${lineNumber + 1}`;

const byPackage = new Map();
const byFunction = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  const frame = nodes.get(id).callFrame;
  total += ms;
  byPackage.set(packageOf(frame), (byPackage.get(packageOf(frame)) ?? 0) + ms);
  byFunction.set(functionOf(frame), (byFunction.get(functionOf(frame)) ?? 0) + ms);
});

const printTop = (sums, count) => {
  for (const [name, ms] of [...sums].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    process.stdout.write(`${(ms / total * 100).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(6)} ms  ${name}\n`);
  }
};
printTop(byPackage, 14);
process.stdout.write("\ntop functions (self time):\n");
printTop(byFunction, 25);
