/**
 * Benchmark: the reachability engine on generated AWS stacks of 1k, 10k and 50k rules over 64
 * zones (bench/reachability-gen.ts), median of several runs each. Targets: 50k rules analysed
 * in under 2 s on a 2-core machine, and 10x the rules costing at most 12x the time.
 * Run: `npx tsx bench/reachability.ts` (writes bench/RESULTS-reachability.md).
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyseReachability } from "../core/reachability";
import { countRules, generateAwsStack } from "./reachability-gen";

export const SIZES = [1_000, 10_000, 50_000];
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchReachability(sizes: readonly number[] = SIZES, runs = RUNS): Promise<object> {
  const rows: { rules: number; endpoints: number; pairs: number; allowedPairs: number; medianMs: number; runsMs: number[] }[] = [];
  for (const size of sizes) {
    const stack = generateAwsStack(size);
    const times: number[] = [];
    let endpoints = 0;
    let pairs = 0;
    let allowedPairs = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const m = analyseReachability(stack);
      times.push(performance.now() - t0);
      endpoints = m.endpoints.length;
      pairs = m.pairs.length;
      allowedPairs = m.pairs.filter((p) => !p.allowed.isEmpty()).length;
    }
    rows.push({ rules: countRules(stack), endpoints, pairs, allowedPairs, medianMs: Math.round(median(times)), runsMs: times.map(Math.round) });
  }
  const at = (n: number) => rows.find((r) => r.rules === n)?.medianMs;
  const ratio = at(10_000) && at(1_000) ? Math.round((at(10_000)! / at(1_000)!) * 100) / 100 : undefined;
  const ratio50 = at(50_000) && at(10_000) ? Math.round(((at(50_000)! / at(10_000)!) / 5) * 100) / 100 : undefined;
  return {
    rows,
    scaling10x: ratio,
    /** Time per rule at 50k over time per rule at 10k: 1 means linear. */
    perRule50kVs10k: ratio50,
    cpus: os.cpus().length,
    loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10,
    node: process.version,
  };
}

function markdown(r: any): string {
  const lines = [
    "# Benchmark: reachability",
    "",
    "`npx tsx bench/reachability.ts`: `analyseReachability` on generated AWS stacks (bench/reachability-gen.ts): 64 zones in one VPC,",
    "each a /24 subnet with its own security group and NACL; the rules spread evenly over them, 60% security-group rules",
    "(another zone's CIDR, another zone's group, or the internet) and 40% NACL entries (allow/deny, request and ephemeral ports).",
    `Median of ${RUNS} runs, in-process, after generation. Targets: 50k rules under 2 s on 2 cores; 10x rules at most 12x time.`,
    "",
    "| rules | endpoints | pairs | pairs with a path | median ms | runs ms |",
    "|---|---|---|---|---|---|",
    ...r.rows.map((x: any) => `| ${x.rules} | ${x.endpoints} | ${x.pairs} | ${x.allowedPairs} | ${x.medianMs} | ${x.runsMs.join(", ")} |`),
    "",
    `- 10x scaling (10k / 1k): **${r.scaling10x}x** time for 10x rules.`,
    `- Per-rule cost at 50k vs 10k: ${r.perRule50kVs10k} (1 = linear).`,
    `- Machine: ${r.cpus} CPUs, load average ${r.loadAverage1m} when the run ended (other work shares the cores), node ${r.node}.`,
    "",
    `Measured ${new Date().toISOString().slice(0, 10)}.`,
    "",
  ];
  return lines.join("\n");
}

if (require.main === module) {
  benchReachability().then((r) => {
    console.log(JSON.stringify(r, null, 2));
    writeFileSync(path.join(__dirname, "RESULTS-reachability.md"), markdown(r));
  });
}
