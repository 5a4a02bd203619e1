/**
 * Benchmark: workload endpoints at scale (issue 12's target: 10,000 workloads in 200 subnets
 * analysed in under 5 s and 1.5 GB on 2 cores), on AWS and on GCP. bench/reachability-gen.ts
 * `generateWorkloadStack` builds application teams' AWS instances in 20 zones (three tiers of
 * security groups each, one in five with a fixed address, a NACL deny cutting one subnet per
 * zone); `generateGcpWorkloadStack` GCP instances and managed groups in 200 subnetworks of four
 * networks (tier tags, a db service account, fixed and external IPs, load balancers, Cloud NATs,
 * firewalls with priorities and a partial deny). Each size runs in a child process of its own, so
 * its peak memory (max RSS) is its own; median wall time of three runs.
 * Run: `npx tsx bench/workloads.ts [aws|gcp]` (writes bench/RESULTS-workloads.md; a platform not
 * run keeps its section of the file) or `npm run bench -- workloads`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyseReachability } from "../core/reachability";
import { generateGcpWorkloadStack, generateWorkloadStack } from "./reachability-gen";

type BenchPlatform = "aws" | "gcp";
const PLATFORMS: readonly BenchPlatform[] = ["aws", "gcp"];
const GENERATORS = { aws: generateWorkloadStack, gcp: generateGcpWorkloadStack } as const;
const SIZES = [1_000, 10_000, 20_000];
const SUBNETS = 200;
const RUNS = 3;

interface Row {
  platform: BenchPlatform;
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
function measure(platform: BenchPlatform, workloads: number): Row {
  const stack = GENERATORS[platform](workloads, SUBNETS);
  const runsMs: number[] = [];
  let last = analyseReachability(stack);
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    last = analyseReachability(stack);
    runsMs.push(Math.round(performance.now() - t0));
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  return {
    platform,
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

export async function benchWorkloads(sizes: readonly number[] = SIZES, platforms: readonly BenchPlatform[] = PLATFORMS): Promise<object> {
  const rows = platforms.flatMap((platform) =>
    sizes.map((n) => {
      const out = execFileSync(process.execPath, ["-r", "tsx/cjs", __filename, "--child", platform, String(n)], { encoding: "utf8", maxBuffer: 1 << 20 });
      return JSON.parse(out.trim().split("\n").pop()!) as Row;
    }),
  );
  return { rows, cpus: os.cpus().length, loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10, node: process.version };
}

const INTRO: Record<BenchPlatform, readonly string[]> = {
  aws: [
    "`analyseReachability` on `generateWorkloadStack(workloads, 200)` (bench/reachability-gen.ts):",
    "one VPC, 200 subnets in 20 zones, three application groups per zone admitting the tier before them by reference,",
    "instances spread at random, one in five with a fixed address, one NACL deny cutting a /26 of each zone's first subnet.",
  ],
  gcp: [
    "`analyseReachability` on `generateGcpWorkloadStack(workloads, 200)` (bench/reachability-gen.ts):",
    "four VPC networks, 200 subnetworks in 20 zones, one managed instance group per zone (behind an external load balancer",
    "in every fourth zone), the rest instances spread at random with a tier tag (web, api, db; sometimes `ssh` or a team tag",
    "no rule names), db servers under their own service account, one in five with a fixed `networkIp`, external IPs on the web",
    "servers of every fourth zone, Cloud NAT in two networks; firewalls per network: https from anywhere, api from web by",
    "source tag, db from api by target account, ssh from 10.0.0.0/8, a priority-900 deny of 5432 from a /26 of each zone's",
    "first subnetwork (a partial deny), an egress deny to 203.0.113.0/24 and a deny-all ingress at 65534.",
  ],
};

const TITLES: Record<BenchPlatform, string> = { aws: "## AWS", gcp: "## GCP" };

function section(platform: BenchPlatform, rows: readonly Row[], r: { cpus: number; loadAverage1m: number; node: string }): string {
  return [
    TITLES[platform],
    "",
    ...INTRO[platform],
    "",
    "| workloads | subnets | endpoints | judged | pairs | pairs with a path | median wall ms | runs ms | max RSS MB |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map((x) => `| ${x.workloads} | ${x.subnets} | ${x.endpoints} | ${x.judged} | ${x.pairs} | ${x.pairsWithPath} | ${x.medianMs} | ${x.runsMs.join(", ")} | ${x.maxRssMb} |`),
    "",
    `Machine: ${r.cpus} CPUs, load average ${r.loadAverage1m} when the run ended (other work shares the cores), node ${r.node}. Measured ${new Date().toISOString().slice(0, 10)}.`,
    "",
  ].join("\n");
}

/** A platform's section of a results file written before, to keep when that platform is not run. */
function previousSection(text: string, platform: BenchPlatform): string | undefined {
  const start = text.indexOf(`${TITLES[platform]}\n`);
  if (start < 0) return undefined;
  const next = PLATFORMS.map((p) => text.indexOf(`\n${TITLES[p]}\n`, start + 1)).filter((i) => i > start);
  return text.slice(start, next.length ? Math.min(...next) + 1 : undefined).trimEnd() + "\n";
}

function markdown(r: { rows: Row[]; cpus: number; loadAverage1m: number; node: string }, previous: string): string {
  const sections = PLATFORMS.map((p) => {
    const rows = r.rows.filter((x) => x.platform === p);
    return rows.length ? section(p, rows, r) : previousSection(previous, p);
  }).filter((x): x is string => x !== undefined);
  return [
    "# Benchmark: workload endpoints",
    "",
    "`npx tsx bench/workloads.ts [aws|gcp]`. Workloads every rule treats alike are judged once (equivalence classes);",
    "`judged` counts the endpoints judged (zones, load balancers, one workload per class), `pairs` the pairs judged.",
    `Each size in a child process (its max RSS is its own), median of ${RUNS} runs after one warm-up. Target: 10,000 workloads < 5 s and < 1.5 GB.`,
    "",
    sections.join("\n"),
  ].join("\n");
}

if (require.main === module) {
  const child = process.argv.indexOf("--child");
  if (child >= 0) process.stdout.write(`${JSON.stringify(measure(process.argv[child + 1] as BenchPlatform, Number(process.argv[child + 2])))}\n`);
  else {
    const only = process.argv.slice(2).filter((a): a is BenchPlatform => (PLATFORMS as readonly string[]).includes(a));
    const file = path.join(__dirname, "RESULTS-workloads.md");
    benchWorkloads(SIZES, only.length ? only : PLATFORMS).then((r) => {
      console.log(JSON.stringify(r, null, 2));
      writeFileSync(file, markdown(r as Parameters<typeof markdown>[0], existsSync(file) ? readFileSync(file, "utf8") : ""));
    });
  }
}
