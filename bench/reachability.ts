/**
 * Benchmark: the reachability engine on generated stacks of 1k, 10k and 50k rules
 * (bench/reachability-gen.ts) for each platform, median of several runs. Targets: 50k rules
 * analysed in under 2 s on a 2-core machine, and 10x the rules costing at most 12x the time.
 * Also the preview's many-VPC shape, tenant fleets behind a transit gateway (every cross-VPC
 * pairing decided by the TGW tables), and examples/saas-tenants as the preview records it.
 * Run: `npx tsx bench/reachability.ts` (writes bench/RESULTS-reachability.md).
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyseReachability, type NetResource } from "../core/reachability";
import { runProgram } from "../cli/preview/program";
import { loadProject } from "../cli/preview/project";
import { generateAwsStack, generateGcpStack, generateK8sStack, generateManyVpcStack, generateTenantFleetStack } from "./reachability-gen";

export const SIZES = [1_000, 10_000, 50_000];
const RUNS = 5;

const PLATFORMS: Record<string, { generate: (rules: number) => NetResource[]; shape: string }> = {
  aws: { generate: generateAwsStack, shape: "64 zones in one VPC (subnet, security group, NACL each); 60% SG rules, 40% NACL entries" },
  gcp: { generate: generateGcpStack, shape: "64 zones (subnet, service account); firewall rules by account, tag-free, random priorities, 15% deny" },
  k8s: { generate: generateK8sStack, shape: "16 namespaces x 4 workloads, default deny each; rules in one policy per workload" },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Row {
  platform: string;
  rules: number;
  endpoints: number;
  pairs: number;
  pairsWithPath: number;
  medianMs: number;
  medianCpuMs: number;
  runsMs: number[];
}

export async function benchReachability(sizes: readonly number[] = SIZES, runs = RUNS): Promise<object> {
  const rows: Row[] = [];
  for (const [platform, { generate }] of Object.entries(PLATFORMS)) {
    for (const size of sizes) {
      const stack = generate(size);
      analyseReachability(stack); // warm-up: JIT and caches, not measured
      const wall: number[] = [];
      const cpu: number[] = [];
      let last = analyseReachability(stack);
      for (let i = 0; i < runs; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        last = analyseReachability(stack);
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      rows.push({
        platform,
        rules: size,
        endpoints: last.endpoints.length,
        pairs: last.pairs.length,
        pairsWithPath: last.pairs.filter((p) => !p.allowed.isEmpty()).length,
        medianMs: Math.round(median(wall)),
        medianCpuMs: Math.round(median(cpu)),
        runsMs: wall.map(Math.round),
      });
    }
  }
  const scaling = Object.keys(PLATFORMS).map((platform) => {
    const at = (n: number) => rows.find((r) => r.platform === platform && r.rules === n)?.medianMs;
    const r10 = at(10_000) && at(1_000) ? Math.round((at(10_000)! / at(1_000)!) * 100) / 100 : undefined;
    const r50 = at(50_000) && at(10_000) ? Math.round((at(50_000)! / at(10_000)!) * 100) / 100 : undefined;
    return { platform, tenKOverOneK: r10, fiftyKOverTenK: r50 };
  });
  // The preview benchmark's shape: a few zones spread over hundreds of VPCs, by resource count.
  const manyVpcs = [1_000, 2_000, 5_000].map((resources) => {
    const stack = generateManyVpcStack(resources);
    analyseReachability(stack);
    const wall: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      analyseReachability(stack);
      wall.push(performance.now() - t0);
    }
    return { resources, medianMs: Math.round(median(wall)) };
  });
  const timed = (stack: readonly NetResource[]) => {
    analyseReachability(stack);
    const wall: number[] = [];
    let last = analyseReachability(stack);
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      last = analyseReachability(stack);
      wall.push(performance.now() - t0);
    }
    return { endpoints: last.endpoints.length, pairs: last.pairs.length, pairsWithPath: last.pairs.filter((p) => !p.allowed.isEmpty()).length, medianMs: Math.round(median(wall)) };
  };
  // Tenant fleets behind a transit gateway, every cross-VPC pairing reaching the TGW leg.
  const tenantFleets = [50, 100, 200].map((tenants) => {
    const stack = generateTenantFleetStack(tenants);
    return { tenants, resources: stack.length, ...timed(stack) };
  });
  // The shipped 50-tenant example as the preview records it (recording not counted).
  const { resources } = await runProgram(loadProject(path.join(__dirname, "..", "examples", "saas-tenants"), "dev"));
  const saasTenants = { resources: resources.length, ...timed(resources) };
  return { rows, scaling, manyVpcs, tenantFleets, saasTenants, cpus: os.cpus().length, loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10, node: process.version };
}

function markdown(r: any): string {
  return [
    "# Benchmark: reachability",
    "",
    "`npx tsx bench/reachability.ts`: `analyseReachability` on generated stacks (bench/reachability-gen.ts), one per platform:",
    "",
    ...Object.entries(PLATFORMS).map(([p, { shape }]) => `- ${p}: ${shape}.`),
    "",
    `Median of ${RUNS} runs after one warm-up, in-process, generation not counted. Wall ms is what the targets are about;`,
    "CPU ms (user+system of the process, GC threads included) shows how much of it the shared machine let us have.",
    "Targets: 50k rules under 2 s on 2 cores; 10x rules at most 12x time.",
    "",
    "| platform | rules | endpoints | pairs | pairs with a path | median wall ms | median CPU ms | runs ms |",
    "|---|---|---|---|---|---|---|---|",
    ...r.rows.map((x: Row) => `| ${x.platform} | ${x.rules} | ${x.endpoints} | ${x.pairs} | ${x.pairsWithPath} | ${x.medianMs} | ${x.medianCpuMs} | ${x.runsMs.join(", ")} |`),
    "",
    "| platform | 10k / 1k time (10x rules) | 50k / 10k time (5x rules) |",
    "|---|---|---|",
    ...r.scaling.map((s: any) => `| ${s.platform} | ${s.tenKOverOneK}x | ${s.fiftyKOverTenK}x |`),
    "",
    "The preview benchmark's shape (bench/preview.ts: VPCs of 4 zone-tagged zones x 3 subnets and a security group, ids",
    "unknown), by resource count; subnet pairings across VPCs with no route out are counted into one path:",
    "",
    "| resources | median wall ms |",
    "|---|---|",
    ...r.manyVpcs.map((x: any) => `| ${x.resources} | ${x.medianMs} |`),
    "",
    "Beyond (measured by hand with the same generator, 2026-11-23, load 5-8, median of 3): 10,000 resources 134 ms,",
    "20,000 259 ms, 50,000 737 ms, 100,000 1,494 ms: linear, since a source that cannot leave its VPC now pairs only with",
    "its own VPC's groups (before, 50,000 took 22 s walking every cross-VPC pairing). What grows with the square is the",
    "number of endpoints (pairs = endpoints^2): Kubernetes, generateK8sStack with many workloads: 553 endpoints (306k pairs)",
    "1.4 s and 430 MB heap, 1,103 endpoints (1.2M pairs) 5.4 s and 2 GB, 2,200 endpoints out of memory. So the preview's",
    "safety net is 600 endpoints (cli/preview/reachability.ts), no longer 1,500 network resources.",
    "",
    "Transit gateways (bench/reachability-gen.ts `generateTenantFleetStack`): tenant VPCs and a shared-services VPC behind",
    "one gateway, one TGW table per tenant (shared services, pool blackhole), security groups open to 10.0.0.0/8 and",
    "every subnet routing it to the gateway, so every cross-VPC pairing is decided by the TGW tables (the worst case).",
    "Pairs grow with the square of the endpoints:",
    "",
    "| tenants | resources | endpoints | pairs | pairs with a path | median wall ms |",
    "|---|---|---|---|---|---|",
    ...r.tenantFleets.map((x: any) => `| ${x.tenants} | ${x.resources} | ${x.endpoints} | ${x.pairs} | ${x.pairsWithPath} | ${x.medianMs} |`),
    "",
    `examples/saas-tenants as the preview records it (50 tenants, ${r.saasTenants.resources} resources, ${r.saasTenants.endpoints} endpoints,`,
    `${r.saasTenants.pairs} pairs, ${r.saasTenants.pairsWithPath} with a path): median ${r.saasTenants.medianMs} ms per analysis (recording not counted).`,
    "",
    `Machine: ${r.cpus} CPUs, load average ${r.loadAverage1m} when the run ended (other work shares the cores), node ${r.node}.`,
    "",
    `Measured ${new Date().toISOString().slice(0, 10)}.`,
    "",
  ].join("\n");
}

if (require.main === module) {
  benchReachability().then((r) => {
    console.log(JSON.stringify(r, null, 2));
    writeFileSync(path.join(__dirname, "RESULTS-reachability.md"), markdown(r));
  });
}
