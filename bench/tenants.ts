/**
 * Benchmark: a fleet of 200 tenants planned (pure) and registered as TenantVpcs under the Pulumi
 * mock runtime, with wall time and memory. Target: under 20 s on a 2-core machine.
 *
 * `npx tsx bench/tenants.ts` runs three variants, each in its own process (the SDK's runtime
 * state is global), and writes bench/RESULTS-tenants.md:
 * - `sdk-stacks`: the SDK as it comes, capturing stack traces (the original measurement);
 * - `standard`: stack capture and the SDK's promise leak detector off, as `netseg preview` runs
 *   programs (cli/preview/program.ts);
 * - `lean`: as `standard`, with TenantVpcs `layout: "lean"`;
 * - `shard-100`: as `standard`, 100 tenants: one shard of a TenantFleet in shards of 100;
 * - `create`: as `standard`, built with `await TenantVpcs.create(...)` (default window of tenants
 *   registering at once) instead of `new TenantVpcs(...)`: the same resources, registered in windows.
 * Each child runs with `--expose-gc`, to report the live heap right after the fleet is constructed
 * (every registration still pending) and after it settled, beside the process's peak RSS.
 * One variant alone: `npx tsx bench/tenants.ts --variant lean [--tenants 200]` (prints JSON).
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { setupMocks, settle, recorded, resetRecorded } from "../test/mocks";
setupMocks();
import { parseIntent } from "../core/intent";
import { fleetInput } from "../test/core/tenants/fixtures";
import { planTenantRouting, tenantIntent } from "../core/tenants";
import { planAddresses } from "../core/addressing";
import { TenantVpcs } from "../components/aws/tenants";

export const BENCH_TENANTS = 200;


const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;

export type Variant = "sdk-stacks" | "standard" | "lean" | "shard-100" | "create";
export const VARIANTS: readonly Variant[] = ["sdk-stacks", "standard", "lean", "shard-100", "create"];

/**
 * The SDK records, for every resource, a full source-mapped stack trace (sent to the engine as
 * source positions) and, for every internal promise, `new Error().stack` (debuggable.js, for
 * leak reports). It has no setting to skip either. Under mocks neither reaches anything, so,
 * like `netseg preview`, the benchmark turns both off: no callsites, no stack frames.
 */
export function skipSdkStackCapture(): void {
  (pulumi.Resource as unknown as { callsites: () => unknown[] }).callsites = () => [];
  Error.stackTraceLimit = 0;
  // And, as `netseg preview` does, the leak detector: it wraps every internal promise in two more
  // and keeps it in a set until it settles. A heap snapshot taken right after 20 tenants are
  // constructed holds 73,118 of them (60 per resource: 35% of the live heap).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal module, replaced through its exports object as the SDK calls it
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <T>(p: Promise<T>) => Promise<T> };
  debuggable.debuggablePromise = (p) => p;
}

const gc = (globalThis as { gc?: () => void }).gc;
/** The heap still reachable now (a full collection first), in MB; undefined without --expose-gc. */
function liveHeapMB(): number | undefined {
  if (!gc) return undefined;
  gc();
  return mb(process.memoryUsage().heapUsed);
}

export async function benchTenants(tenants = BENCH_TENANTS, variant: Variant = "standard"): Promise<Record<string, unknown>> {
  if (variant !== "sdk-stacks") skipSdkStackCapture();
  if (variant === "shard-100") tenants = 100;
  await settle();
  resetRecorded();
  const rssBefore = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // The tenant tests' fleet (3 zones x 2 AZs, shared services), every slot pinned, in a /10 pool.
  const intent = parseIntent(fleetInput(tenants, { pin: true, pool: "10.128.0.0/10" }));
  const routing = planTenantRouting(intent.tenants!);
  for (const m of intent.tenants!.members) planAddresses(tenantIntent(intent, m));
  const t1 = performance.now();
  const args = { intent, availabilityZoneNames: ["us-east-1a", "us-east-1b"], layout: variant === "lean" ? ("lean" as const) : ("standard" as const) };
  // `create` resolves once every tenant is registered: there is no moment when all are pending.
  if (variant === "create") await TenantVpcs.create("bench", args);
  else new TenantVpcs("bench", args);
  const g0 = performance.now();
  const liveAfterConstructMB = variant === "create" ? undefined : liveHeapMB();
  const gcMs = performance.now() - g0;
  await settle();
  const t2 = performance.now() - gcMs;
  const peakRssMB = mb(process.resourceUsage().maxRSS * 1024);
  const liveAfterSettleMB = liveHeapMB();
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage(cpu0);
  const result = {
    variant,
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
    peakRssMB,
    // Issue 17: 200 tenants as one TenantVpcs must peak below 1 GB of RSS.
    memoryTarget1GB: peakRssMB < 1024 ? "met" : "not met",
    liveAfterConstructMB: liveAfterConstructMB ?? "n/a",
    liveAfterSettleMB: liveAfterSettleMB ?? "n/a",
    cpus: os.cpus().length,
    loadAverage1mAtEnd: Math.round(os.loadavg()[0] * 10) / 10,
    node: process.version,
  };
  resetRecorded();
  return result;
}

/**
 * Each variant in a process of its own (the SDK's runtime state is global, and a process's peak
 * RSS must be the variant's alone): what `npm run bench` reports for issue 17's memory target.
 */
export function benchTenantVariants(variants: readonly Variant[], tenants = BENCH_TENANTS): Record<string, unknown>[] {
  return variants.map((v) => {
    const out = execFileSync(process.execPath, ["--expose-gc", ...process.execArgv, __filename, "--variant", v, "--tenants", String(tenants)], { encoding: "utf8", maxBuffer: 1 << 24 });
    const r = JSON.parse(out.trim().split("\n").pop()!) as Record<string, unknown>;
    process.stderr.write(`${v}: ${r.totalMs} ms, peak ${r.peakRssMB} MB\n`);
    return r;
  });
}

function report(runs: readonly Record<string, unknown>[], loadBefore: number[]): string {
  const keys = Object.keys(runs[0]).filter((k) => k !== "variant");
  return [
    "# Benchmark: tenants",
    "",
    `\`npx tsx bench/tenants.ts\`: ${runs[0].tenants} tenants (3 zones x 2 AZs each, plus shared services) planned and registered as one`,
    "TenantVpcs under the Pulumi mock runtime (test/mocks), each variant in its own process. Target: under 20 s on a 2-core machine.",
    "",
    `| measure | ${runs.map((r) => r.variant).join(" | ")} |`,
    `|---|${runs.map(() => "---|").join("")}`,
    ...keys.map((k) => `| ${k} | ${runs.map((r) => r[k]).join(" | ")} |`),
    "",
    `Measured ${new Date().toISOString().slice(0, 10)}. The machine's 2 cores are shared with other work: its load average was`,
    `${loadBefore.map((l) => l.toFixed(1)).join(" / ")} (1 / 5 / 15 min) when the runs started, so wall times overstate the cost;`,
    "`cpuUserMs` is each process's own CPU during planning and registration.",
    "",
    "Variants: `sdk-stacks` is the SDK as shipped; `standard` turns off the SDK's stack capture and promise leak detector",
    "(as `netseg preview` does, see `skipSdkStackCapture`); `lean` also uses TenantVpcs `layout: \"lean\"` (one route table",
    "per zone, one flow-log bucket for the fleet); `shard-100` is `standard` with 100 tenants, the size of one",
    "TenantFleetShard of examples/tenant-fleet; `create` is `standard` built by `await TenantVpcs.create(...)` (the same",
    "resources, at most 10 tenants registering at once). `peakRssMB` is the process's peak; `live*MB` the heap reachable after a full GC.",
    "",
  ].join("\n");
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const ANALYSIS = [
  "## Where the memory goes (issue 17)",
  "",
  "Measured with `--expose-gc`, `process.resourceUsage().maxRSS` and V8 heap snapshots (closures grouped by their",
  "source location) of the fleet right after `new TenantVpcs(...)` returns, when every registration is still pending.",
  "",
  "- Nearly all of the peak is the SDK's state for registrations in flight, not netseg's data: the heap still reachable",
  "  after the run settles is 9-12% of the live heap at construction (`liveAfterSettleMB` vs `liveAfterConstructMB`).",
  "  The constructor runs synchronously, so all ~11,800 resources are pending at once, each with its outputs (16 per",
  "  resource on average: 12 closures and 6-8 promises each, `output.js` lines 86-120) and its property resolvers",
  "  (`runtime/rpc.js` line 80).",
  "- Snapshot of 20 tenants (1,210 resources) with stack capture off, as `netseg preview` ran before this change:",
  "  220.6 MB; closures 42.0 MB (749,538), promise reactions 18.5 MB (385,931), promises 18.2 MB (378,938), contexts",
  "  16.3 MB, concatenated strings 14.5 MB (451,588). By site: `runtime/debuggable.js` lines 120 and 124 (the leak",
  "  detector's `then`/`catch` wrappers), 73,118 closures each, 60 per resource, plus the label strings; then the",
  "  Output closures (about 20,000 per line).",
  "- Cut: the leak detector off under mocks (`skipSdkStackCapture`, as `netseg preview` already does in its program",
  "  child): 176.1 MB for the same snapshot; closures 603,250, promises 232,687, concatenated strings 55,247.",
  "  At 200 tenants: live heap at construction 1,829 MB (SDK as shipped) -> 824 MB; peak RSS 2,339 MB (stack capture",
  "  off, leak detector on; before) -> 1,818 MB (after).",
  "- Cut: SegmentedVpc registered its whole `plan` as a component output, which the SDK serialised property by",
  "  property for every VPC; it now registers its `intent` (what the conformance pack and `netseg preview` read; `plan`",
  "  stays a plain in-process property). 200 tenants, `standard`: heap after settling 210 -> 104 MB, peak RSS",
  "  1,813 -> 1,701 MB, CPU (user+sys) 32.8 -> 23.2 s; the live heap at construction is unchanged (824 MB): the",
  "  outputs are serialised after construction.",
  "- Baseline, the SDK alone: 11,830 `new aws.ec2.Subnet(...)` with plain inputs under the same mocks (no netseg)",
  "  hold 1,218 MB live at construction (105 KB per pending resource) and peak at 2,155 MB RSS, more than the fleet",
  "  (824 MB live, 70 KB per resource). What netseg adds per resource is small beside the SDK's own pending state.",
  "- Not a cut of the SDK's cost, a way around it: `new TenantVpcs(...)` is synchronous, so all ~11,800 resources",
  "  wait for the engine at once. `await TenantVpcs.create(...)` (components/aws/tenants/registration.ts) builds the",
  "  same component but adds a tenant only while fewer than `tenantsInFlight` tenants have registrations outstanding",
  "  (each tenant's resources collected by a transformation, each awaited by its URN). Same registrations, tested",
  "  name for name and input for input. The `create` column above: peak RSS 1,712 -> 801 MB, CPU 24.9 -> 17.6 s.",
  "- `--max-old-space-size=960` on `new` (a flag a user's process would need too) gave 1,070 MB at 70% more CPU;",
  "  `create` needs no flag and costs less CPU than `new`, since the young generation no longer promotes every",
  "  pending promise. The part of its peak above the 104 MB still live after settling is garbage V8 has not yet",
  "  collected, so the window mostly decides the allocation rate, not the live set (window sweep below).",
  "",
  "### The window (`tenantsInFlight`), 200 tenants, `create` (2026-12-06, one run each, load average 1-3)",
  "",
  "| tenantsInFlight | 1 | 2 | 3 | 5 | 10 (default) | 20 | 40 | `new` |",
  "|---|---|---|---|---|---|---|---|---|",
  "| peak RSS (MB) | 516 / 527 | 806 | 807 | 842 | 797 / 852 | 1,003 | 1,148 | 1,704 |",
  "| CPU user+sys (s) | 9.9 / 11.8 | 15.2 | 14.0 | 16.2 | 13.4 / 17.6 | 20.2 | 22.1 | 23.5 |",
  "",
  "Under mocks a window of 1 is leanest: the mock answers at once and a window buys no parallelism. Under `pulumi up`",
  "a tenant's slot frees only when its resources exist, so the window is how many tenants deploy in parallel; 10 is",
  "the default as the middle of the two.",
  "",
].join("\n");

if (require.main === module) {
  const tenants = Number(arg("--tenants") ?? BENCH_TENANTS);
  const variant = arg("--variant") as Variant | undefined;
  if (variant !== undefined) {
    if (!VARIANTS.includes(variant)) throw new Error(`--variant must be one of ${VARIANTS.join(", ")}`);
    benchTenants(tenants, variant).then(
      (r) => {
        process.stdout.write(JSON.stringify(r) + "\n");
        process.exit(0);
      },
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  } else {
    const loadBefore = os.loadavg();
    const runs = benchTenantVariants(VARIANTS, tenants);
    const text = report(runs, loadBefore);
    writeFileSync(path.join(__dirname, "RESULTS-tenants.md"), text + ANALYSIS);
    process.stdout.write(text);
  }
}
