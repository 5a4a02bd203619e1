#!/usr/bin/env node
// In a checkout the TypeScript sources run through tsx (a dev dependency), so a stale build can
// never answer; the published package ships only the compiled CLI under dist/.
// Whatever fails, even loading the CLI, prints one paragraph and exits 2 (cli/faults.ts); the
// stack trace only with --debug or NETSEG_DEBUG=1.
const path = require("node:path");
const fs = require("node:fs");

function debugAsked() {
  const flag = (process.env.NETSEG_DEBUG || "").trim().toLowerCase();
  return process.argv.includes("--debug") || (flag !== "" && flag !== "0" && flag !== "false");
}

function fail(err) {
  const text = String((err && err.message) || err || "(no message)")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^at\s/.test(l))
    .join(" ");
  process.stderr.write(`error: netseg could not start: ${text}\n`);
  if (debugAsked() && err && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exitCode = 2;
}

try {
  const source = path.join(__dirname, "..", "cli", "main.ts");
  let cli;
  if (fs.existsSync(source)) {
    // tsx compiles with esbuild's synchronous API; by default that keeps an esbuild service
    // process which would outlive the CLI. Without worker threads each compile is one run, waited for.
    if (process.env.ESBUILD_WORKER_THREADS === undefined) process.env.ESBUILD_WORKER_THREADS = "0";
    require("tsx/cjs");
    cli = require(source);
  } else {
    cli = require(path.join(__dirname, "..", "dist", "cli", "main.js"));
  }
  cli.runCli(process.argv).catch(fail);
} catch (err) {
  fail(err);
}
