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
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const intent = parseIntent(fleetInput(tenants));
  const routing = planTenantRouting(intent.tenants!);
  for (const m of intent.tenants!.members) planAddresses(tenantIntent(intent, m));
  const t1 = performance.now();
  new TenantVpcs("bench", { intent, availabilityZoneNames: ["us-east-1a", "us-east-1b"] });
  await settle();
  const t2 = performance.now();
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage(cpu0);
  const result = {
    tenants,
    routeTables: routing.routeTables.length,
    resourcesRegistered: recorded().length,
    planMs: Math.round(t1 - t0),
    registerMs: Math.round(t2 - t1),
    totalMs: Math.round(t2 - t0),
    cpuUserMs: Math.round(cpu.user / 1000),
    cpuSystemMs: Math.round(cpu.system / 1000),
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
    `Measured ${new Date().toISOString().slice(0, 10)}. \`loadAverage1m\` is the machine's load when the run ended (other work shares the cores),`,
    "so wall time overstates the cost; `cpuUserMs` is this process's own CPU.",
    "",
    "## Where the time goes",
    "",
    "- Planning is cheap: the routing plan and 200 tenant address plans take well under a second.",
    "- Registration dominates, and it is the SDK's per-resource cost under mocks (~4-5 ms CPU each,",
    "  about 59 resources per tenant: the tenant's SegmentedVpc with subnets, route tables, NACLs,",
    "  security-group rules and flow logs, plus transit subnets, attachment, TGW table, routes).",
    "  A CPU profile of 20 tenants shows the largest single cost in `@pulumi/pulumi/runtime/debuggable.js`",
    "  (`debuggablePromise` captures `new Error().stack` for every promise), made worse by source-map",
    "  stack formatting under tsx, then garbage collection. Heap grows with those captured stacks.",
    "- The 20 s target is therefore not met at 200 tenants on this machine. Ways to meet it, not done",
    "  yet: a lean tenant layout (one route table per tenant instead of per zone and AZ, no per-tenant",
    "  flow-log role), or registering tenants in several stacks (one per tenant shard), which is also",
    "  how a 200-tenant fleet would be run in practice.",
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
