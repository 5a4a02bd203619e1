/**
 * Benchmark: workload endpoints at scale (issue 12's target: 10,000 workloads in 200 subnets
 * analysed in under 5 s and 1.5 GB on 2 cores). bench/reachability-gen.ts `generateWorkloadStack`
 * builds application teams' instances in 20 zones (three tiers of security groups each, one in
 * five with a fixed address, a NACL deny cutting one subnet per zone). Each size runs in a child
 * process of its own, so its peak memory (max RSS) is its own; median wall time of three runs.
 * Run: `npx tsx bench/workloads.ts` (writes bench/RESULTS-workloads.md) or `npm run bench -- workloads`.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyseReachability } from "../core/reachability";
import { generateWorkloadStack } from "./reachability-gen";

const SIZES = [1_000, 10_000, 20_000];
const SUBNETS = 200;
const RUNS = 3;

interface Row {
  workloads: number;
  subnets: number;
  endpoints: number;
  judged: number;
  pairs: number;
  pairsWithPath: number;
  medianMs: number;
  runsMs: number[];
  maxRssMb: number;
}

/** One size, measured in this process (the child's job). */
function measure(workloads: number): Row {
  const stack = generateWorkloadStack(workloads, SUBNETS);
  const runsMs: number[] = [];
  let last = analyseReachability(stack);
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    last = analyseReachability(stack);
    runsMs.push(Math.round(performance.now() - t0));
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  return {
    workloads,
    subnets: SUBNETS,
    endpoints: last.endpoints.length,
    judged: last.endpoints.filter((e) => !e.sameAs).length,
    pairs: last.pairs.length,
    pairsWithPath: last.pairs.filter((p) => !p.allowed.isEmpty()).length,
    medianMs: sorted[Math.floor(sorted.length / 2)],
    runsMs,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

export async function benchWorkloads(sizes: readonly number[] = SIZES): Promise<object> {
  const rows = sizes.map((n) => {
    const out = execFileSync(process.execPath, ["-r", "tsx/cjs", __filename, "--child", String(n)], { encoding: "utf8", maxBuffer: 1 << 20 });
    return JSON.parse(out.trim().split("\n").pop()!) as Row;
  });
  return { rows, cpus: os.cpus().length, loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10, node: process.version };
}

function markdown(r: { rows: Row[]; cpus: number; loadAverage1m: number; node: string }): string {
  return [
    "# Benchmark: workload endpoints",
    "",
    "`npx tsx bench/workloads.ts`: `analyseReachability` on `generateWorkloadStack(workloads, 200)` (bench/reachability-gen.ts):",
    "one VPC, 200 subnets in 20 zones, three application groups per zone admitting the tier before them by reference,",
    "instances spread at random, one in five with a fixed address, one NACL deny cutting a /26 of each zone's first subnet.",
    "Workloads every rule treats alike are judged once (equivalence classes); `judged` counts zones and classes.",
    `Each size in a child process (its max RSS is its own), median of ${RUNS} runs after one warm-up. Target: 10,000 workloads < 5 s and < 1.5 GB.`,
    "",
    "| workloads | subnets | endpoints | judged | pairs | pairs with a path | median wall ms | runs ms | max RSS MB |",
    "|---|---|---|---|---|---|---|---|---|",
    ...r.rows.map((x) => `| ${x.workloads} | ${x.subnets} | ${x.endpoints} | ${x.judged} | ${x.pairs} | ${x.pairsWithPath} | ${x.medianMs} | ${x.runsMs.join(", ")} | ${x.maxRssMb} |`),
    "",
    `Machine: ${r.cpus} CPUs, load average ${r.loadAverage1m} when the run ended (other work shares the cores), node ${r.node}.`,
    "",
    `Measured ${new Date().toISOString().slice(0, 10)}.`,
    "",
  ].join("\n");
}

if (require.main === module) {
  const child = process.argv.indexOf("--child");
  if (child >= 0) process.stdout.write(`${JSON.stringify(measure(Number(process.argv[child + 1])))}\n`);
  else
    benchWorkloads().then((r) => {
      console.log(JSON.stringify(r, null, 2));
      writeFileSync(path.join(__dirname, "RESULTS-workloads.md"), markdown(r as Parameters<typeof markdown>[0]));
    });
}
