#!/usr/bin/env node
import { systemClock } from "../lib/clock.js";
import { runCli } from "./program.js";

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
  stdoutIsTTY: process.stdout.isTTY === true,
  env: process.env,
  clock: systemClock,
});
process.exitCode = code;
