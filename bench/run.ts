/**
 * `npm run bench`: every benchmark in turn, each writing its own bench/RESULTS-<name>.md, and a
 * summary in bench/RESULTS.md. Speed is measured here, never in the test suite. Run on a quiet
 * machine: the figures record the load average at the time, since 2 shared cores swing them.
 * `npm run bench -- reachability tenants` runs a subset.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

type Bench = { name: string; target: string; run: () => Promise<object> };

const BENCHES: Bench[] = [
  { name: "reachability", target: "50k rules < 2 s; 10x rules <= 12x time", run: async () => (await import("./reachability")).benchReachability() },
  { name: "preview", target: "5,000-resource stack < 15 s", run: async () => (await import("./preview")).benchPreview() },
  {
    name: "tenants",
    target: "200 tenants < 20 s; < 1 GB peak RSS (issue 17), each way in its own process: `new TenantVpcs` and `TenantVpcs.create`",
    run: async () => ({ variants: (await import("./tenants")).benchTenantVariants(["standard", "create"]) }),
  },
  { name: "audit", target: "20,000-record inventory < 10 s", run: async () => (await import("./audit")).benchAudit() },
  { name: "flows", target: "1,000,000 flow-log records < 10 s", run: async () => (await import("./flows")).benchFlows() },
  { name: "fleet", target: "1,000 tenants in 11 stacks previewed offline (four packs per stack, isolation across shards) < 60 s on 2 cores, < 1.5 GB per process", run: async () => (await import("./fleet")).benchFleet() },
  { name: "workloads", target: "10,000 workloads in 200 subnets < 5 s and < 1.5 GB", run: async () => (await import("./workloads")).benchWorkloads() },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const chosen = only.length ? BENCHES.filter((b) => only.includes(b.name)) : BENCHES;
  if (only.length && chosen.length !== only.length) {
    throw new Error(`unknown benchmark in ${only.join(", ")}; known: ${BENCHES.map((b) => b.name).join(", ")}`);
  }
  const lines = ["# Benchmarks (`npm run bench`)", "", `Node ${process.version}, ${os.cpus().length} CPUs, ${new Date().toISOString().slice(0, 10)}. Each benchmark's own file (RESULTS-<name>.md) explains its set-up; \`npx tsx bench/<name>.ts\` rewrites it.`, ""];
  for (const b of chosen) {
    const load = Math.round(os.loadavg()[0] * 10) / 10;
    process.stderr.write(`bench ${b.name}...\n`);
    const t0 = performance.now();
    const result = await b.run();
    const ms = Math.round(performance.now() - t0);
    process.stdout.write(`${b.name}: ${JSON.stringify(result)}\n`);
    lines.push(`## ${b.name}`, "", `Target: ${b.target}. Load average when it started: ${load}. Wall time in all: ${ms} ms.`, "", "```json", JSON.stringify(result, null, 2), "```", "");
  }
  if (!only.length) writeFileSync(path.join(__dirname, "RESULTS.md"), lines.join("\n") + "\n");
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
