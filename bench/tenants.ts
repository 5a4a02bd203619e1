/**
 * Benchmark: a fleet of 200 tenants planned (pure) and registered as TenantVpcs under the Pulumi
 * mock runtime, with wall time and memory. Target: under 20 s on a 2-core machine.
 * Run: `npx tsx bench/tenants.ts` (writes bench/RESULTS-tenants.md).
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setupMocks, settle, recorded, resetRecorded } from "../test/mocks";
setupMocks();
import { parseIntent, type IntentInput } from "../core/intent";
import { planTenantRouting, tenantIntent } from "../core/tenants";
import { planAddresses } from "../core/addressing";
import { TenantVpcs } from "../components/aws/tenants";

export const BENCH_TENANTS = 200;

function fleetInput(n: number): IntentInput {
  return {
    name: "bench",
    addressSpace: "10.0.0.0/16",
    zones: [{ name: "ops" }],
    tenants: {
      pool: "10.128.0.0/10",
      blockPrefix: 20,
      availabilityZones: 2,
      zones: [{ name: "web" }, { name: "app" }, { name: "data", sensitive: true }],
      flows: [
        { from: "web", to: "app", ports: ["tcp/8080"] },
        { from: "app", to: "data", ports: ["tcp/5432"] },
      ],
      sharedServices: { addressSpace: "10.64.0.0/20", ports: ["tcp/443", "udp/53"] },
      members: Array.from({ length: n }, (_, i) => ({ name: `tenant-${String(i + 1).padStart(3, "0")}`, slot: i })),
    },
  };
}

const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;

export async function benchTenants(tenants = BENCH_TENANTS): Promise<object> {
  await settle();
  resetRecorded();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const intent = parseIntent(fleetInput(tenants));
  const routing = planTenantRouting(intent.tenants!);
  for (const m of intent.tenants!.members) planAddresses(tenantIntent(intent, m));
  const t1 = performance.now();
  new TenantVpcs("bench", { intent, availabilityZoneNames: ["us-east-1a", "us-east-1b"] });
  await settle();
  const t2 = performance.now();
  const mem = process.memoryUsage();
  const result = {
    tenants,
    routeTables: routing.routeTables.length,
    resourcesRegistered: recorded().length,
    planMs: Math.round(t1 - t0),
    registerMs: Math.round(t2 - t1),
    totalMs: Math.round(t2 - t0),
    heapUsedMB: mb(mem.heapUsed),
    rssMB: mb(mem.rss),
    rssGrowthMB: mb(mem.rss - rssBefore),
    cpus: os.cpus().length,
    loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10,
    node: process.version,
  };
  resetRecorded();
  return result;
}

function report(r: Record<string, unknown>): string {
  return [
    "# Benchmark: tenants",
    "",
    `\`npx tsx bench/tenants.ts\`: ${r.tenants} tenants (3 zones x 2 AZs each, plus shared services) planned and registered as one`,
    "TenantVpcs under the Pulumi mock runtime (test/mocks). Target: under 20 s on a 2-core machine.",
    "",
    "| measure | value |",
    "|---|---|",
    ...Object.entries(r).map(([k, v]) => `| ${k} | ${v} |`),
    "",
    `Measured ${new Date().toISOString().slice(0, 10)}. \`loadAverage1m\` is the machine's load when the run ended (other work shares the cores).`,
    "",
  ].join("\n");
}

if (require.main === module) {
  benchTenants().then(
    (r) => {
      const text = report(r as Record<string, unknown>);
      writeFileSync(path.join(__dirname, "RESULTS-tenants.md"), text);
      process.stdout.write(text);
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
