/**
 * Benchmark: `netseg flows` over a million flow-log records (issue 15's target: < 10 s on 2
 * cores), read as the command reads them (streamed from a file, plain and gzip) and held against
 * the shop intent. The generated log mixes what a real VPC writes: requests and their replies
 * between the shop's zones, internet traffic to the edge, rejected scans, NODATA records, and a
 * few records no intent allows. Median wall time of three runs per file, peak RSS of the process.
 * Run: `npx tsx bench/flows.ts` (writes bench/RESULTS-flows.md) or `npm run bench -- flows`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { runFlows } from "../cli/flows";

const RECORDS = 1_000_000;
const RUNS = 3;
const INTENT = path.join(__dirname, "..", "examples", "intents", "shop.yaml");

/** A deterministic pseudo-random generator (xorshift32), so every run reads the same log. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

export function generateFlowLog(n: number): string {
  const r = rng(15);
  const ip = (block: number) => `10.20.${block * 16 + Math.floor(r() * 16)}.${1 + Math.floor(r() * 250)}`;
  const net = () => `${11 + Math.floor(r() * 180)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 250)}`;
  const eph = () => 32768 + Math.floor(r() * 28000);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = 1733472000 + (i % 3600);
    const k = r();
    let rec: [string, string, number, number, number, string];
    if (k < 0.25) rec = [net(), ip(0), eph(), 443, 6, "ACCEPT"];
    else if (k < 0.45) rec = [ip(0), net(), 443, eph(), 6, "ACCEPT"];
    else if (k < 0.6) rec = [ip(0), ip(1), eph(), 8080, 6, "ACCEPT"];
    else if (k < 0.7) rec = [ip(1), ip(0), 8080, eph(), 6, "ACCEPT"];
    else if (k < 0.8) rec = [ip(1), ip(2), eph(), r() < 0.5 ? 5432 : 6379, 6, "ACCEPT"];
    else if (k < 0.9) rec = [net(), ip(Math.floor(r() * 3)), eph(), [22, 3389, 23, 445][Math.floor(r() * 4)], 6, "REJECT"];
    else if (k < 0.95) rec = [ip(1), net(), eph(), 443, 6, "ACCEPT"];
    else if (k < 0.99) {
      lines.push(`2 123456789010 eni-0a1b2c3d4e5f${String(i % 100000).padStart(5, "0")} - - - - - - - ${t} ${t + 60} - NODATA`);
      continue;
    } else rec = [ip(0), ip(2), eph(), 5432, 6, r() < 0.5 ? "ACCEPT" : "REJECT"];
    const [s, d, sp, dp, p, a] = rec;
    lines.push(`2 123456789010 eni-0a1b2c3d4e5f${String(i % 100000).padStart(5, "0")} ${s} ${d} ${sp} ${dp} ${p} ${1 + (i % 40)} ${200 + (i % 9000)} ${t} ${t + 60} ${a} OK`);
  }
  return lines.join("\n") + "\n";
}

export async function benchFlows(): Promise<object> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "netseg-bench-flows-"));
  try {
    const text = generateFlowLog(RECORDS);
    const plain = path.join(dir, "flows.log");
    const gz = path.join(dir, "flows.log.gz");
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(text));
    const rows = [];
    for (const file of [plain, gz]) {
      const runs: number[] = [];
      const cpu: number[] = [];
      let summary = "";
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const report = await runFlows(INTENT, [file]);
        const c = process.cpuUsage(c0);
        runs.push(Math.round(performance.now() - t0));
        cpu.push(Math.round((c.user + c.system) / 1000));
        summary = report.summary.line;
      }
      runs.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      rows.push({ file: path.basename(file), megabytes: Math.round(statSync(file).size / 1e5) / 10, records: RECORDS, medianMs: runs[Math.floor(RUNS / 2)], runsMs: runs, medianCpuMs: cpu[Math.floor(RUNS / 2)], summary });
    }
    // The command's own memory, apart from the generator's: one run in a fresh process.
    const child = spawnSync(process.execPath, ["--import", "tsx", "-e", `require(${JSON.stringify(path.join(__dirname, "..", "cli", "flows"))}).runFlows(${JSON.stringify(INTENT)}, [${JSON.stringify(plain)}]).then(() => process.stdout.write(String(process.resourceUsage().maxRSS)))`], { encoding: "utf8" });
    const commandRssMb = child.status === 0 ? Math.round(Number(child.stdout.trim()) / 1024) : undefined;
    return { intent: "examples/intents/shop.yaml", rows, commandRssMb, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function markdown(result: Awaited<ReturnType<typeof benchFlows>> & { rows?: { file: string; megabytes: number; records: number; medianMs: number; runsMs: number[]; medianCpuMs: number; summary: string }[]; maxRssMb?: number; commandRssMb?: number }): string {
  const load = Math.round(os.loadavg()[0] * 10) / 10;
  const lines = [
    "# Benchmark: netseg flows (`npx tsx bench/flows.ts`)",
    "",
    `Target: a million flow-log records in < 10 s on 2 cores. Node ${process.version}, ${os.cpus().length} CPUs, load average ${load} at the end, ${new Date().toISOString().slice(0, 10)}.`,
    "",
    "A generated AWS default-format log (requests and replies between the shop's zones, internet traffic to the edge, rejected scans, 4% NODATA, 1% unintended edge -> data records), streamed from a file as the command reads it, held against examples/intents/shop.yaml. Median of three runs. The machine is shared: wall time follows the load, CPU time (the whole process's, gunzip on the thread pool included) much less.",
    "",
    "| file | MB | records | median wall ms | runs ms | median CPU ms (user + system) |",
    "|---|---:|---:|---:|---|---:|",
    ...(result.rows ?? []).map((r) => `| ${r.file} | ${r.megabytes} | ${r.records.toLocaleString("en")} | ${r.medianMs} | ${r.runsMs.join(", ")} | ${r.medianCpuMs} |`),
    "",
    `Peak RSS of the command reading the plain file in a process of its own: ${result.commandRssMb ?? "not measured"} MB (it streams). Of the benchmark's process: ${result.maxRssMb} MB, mostly the generated text and its gzip.`,
    "",
    `Report line: \`${result.rows?.[0]?.summary}\``,
    "",
  ];
  return lines.join("\n");
}

if (require.main === module) {
  benchFlows()
    .then((r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      writeFileSync(path.join(__dirname, "RESULTS-flows.md"), markdown(r as Parameters<typeof markdown>[0]));
    })
    .catch((err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
