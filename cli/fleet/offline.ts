/**
 * Every stack of a tenant fleet previewed offline in one command, then checked as one fleet.
 *
 * The transit stack runs first, as `netseg preview` runs a stack (cli/preview's `runPreview`: the
 * program in a child process under the preview's mocks, netseg's policy packs on its resources;
 * with `packs: false` the program only); its exported ids are what a shard's StackReference
 * would read, so each shard runs with them in its `transit` config (see `fleetTransit`), shards in
 * parallel up to `parallelism` (default: the machine's cores). The recorded stacks are joined
 * (joinFleetStacks) and analysed as one: a path between tenants of different shards is found if a
 * route opens it. A fleet too large for one analysis is split by core/tenants/fleet-isolation: the
 * transit gateway tables clear the pairs no route joins, the engine judges the rest pair by pair;
 * what neither can judge is said to be (`notAnalysed`), never passed.
 */
import * as fs from "node:fs";
import os from "node:os";
import { analyseReachability, type Matrix, type NetResource } from "../../core/reachability";
import { joinFleetStacks, type JoinedFleet } from "../../core/tenants";
import { analyseFleetIsolation } from "../../core/tenants/fleet-isolation";
import { runProgram } from "../preview/program";
import { loadProject } from "../preview/project";
import { openPacks, type PackSession } from "../preview/pack-session";
import { discoverPacks } from "../preview/packs";
import { PACKAGE_ROOT, runPreview } from "../preview/run";
import type { RecordedResource, Violation } from "../preview/types";

const TRANSIT_KEYS = ["transitGatewayId", "sharedRouteTableId", "sharedAttachmentId"] as const;

export interface OfflineFleetOptions {
  readonly programDir: string;
  /** Default `transit`. */
  readonly transitStack?: string;
  /** Default: every other stack with a Pulumi.<stack>.yaml in the program directory, sorted. */
  readonly shardStacks?: readonly string[];
  /** Shard programs run at once (default: the number of cores). */
  readonly parallelism?: number;
  /** Analyse tenant isolation across the stacks (default true) up to this many endpoints (default 600). */
  readonly analyse?: boolean;
  readonly maxEndpoints?: number;
  /**
   * A fleet above `maxEndpoints` is checked pair by pair: the transit gateway tables clear the
   * tenant pairs no route joins, the engine judges the others (default true; false: not analysed).
   */
  readonly precheck?: boolean;
  /** Cleared pairs the engine judges too, to cross-check the pre-check (default 0). */
  readonly crossCheck?: number;
  /** Run the policy packs on every stack, as `netseg preview` does (default true). */
  readonly packs?: boolean;
  /** Pack directories and their config files, as `netseg preview --policy-pack/--policy-pack-config` (default: netseg's packs). */
  readonly policyPacks?: readonly string[];
  readonly policyPackConfigs?: readonly string[];
  readonly onStack?: (stack: string, resources: number, ms: number) => void;
}

/** What the policy packs found in one stack. */
export interface StackPackVerdict {
  readonly packs: readonly string[];
  readonly mandatory: number;
  readonly advisory: number;
  /** `netseg preview`'s own exit code for the stack: 1 on a mandatory violation or a program error. */
  readonly exitCode: 0 | 1;
  readonly violations: readonly Pick<Violation, "policyPack" | "policy" | "level" | "urn" | "message">[];
}

export interface OfflineStackResult {
  readonly stack: string;
  readonly resources: readonly RecordedResource[];
  readonly outputs: Record<string, unknown>;
  readonly ms: number;
  /** Absent when the packs were not run (`packs: false`). */
  readonly verdict?: StackPackVerdict;
}

export interface OfflineFleetResult {
  readonly stacks: readonly OfflineStackResult[];
  /** Stacks whose program failed, with the preview's error. */
  readonly failures: readonly { readonly stack: string; readonly error: string }[];
  readonly joined?: JoinedFleet;
  readonly matrix?: Matrix;
  /** Pairs of zones of different tenants with any possible traffic, `from -> to`. */
  readonly crossTenantPaths?: readonly string[];
  /** How the pre-check split the fleet, when the fleet was too large for one engine run. */
  readonly precheck?: { readonly tenants: number; readonly clearedPairs: number; readonly openPairs: number; readonly engineRuns: number; readonly crossChecked: number; readonly disagreements: number; readonly fallback?: string };
  /** Time of the isolation analysis across the fleet (join excluded). */
  readonly isolationMs?: number;
  /** Why the isolation was not analysed, when it was not. */
  readonly notAnalysed?: string;
}

export function fleetStackNames(programDir: string, transitStack = "transit"): string[] {
  return fs
    .readdirSync(programDir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && s !== transitStack)
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

export async function previewFleetOffline(options: OfflineFleetOptions): Promise<OfflineFleetResult> {
  const transitStack = options.transitStack ?? "transit";
  const shards = options.shardStacks ?? fleetStackNames(options.programDir, transitStack);
  const parallelism = Math.max(1, Math.floor(options.parallelism ?? os.cpus().length));
  const stacks: OfflineStackResult[] = [];
  const failures: { stack: string; error: string }[] = [];
  // netseg's own packs read nothing of a stack from their process environment (a test checks
  // their sources), so each lane of stacks goes through one set of pack processes, told each
  // stack in turn: 4 pack starts per lane instead of 4 per stack. Packs given by the user start
  // for every stack, as `pulumi preview --policy-pack` starts them.
  const shareable = options.packs !== false && !options.policyPacks?.length;
  const sessions: (PackSession | undefined)[] = [];
  const sessionOf = async (lane: number, stack: string): Promise<PackSession | undefined> => {
    if (!shareable) return undefined;
    if (!sessions[lane]) {
      const project = loadProject(options.programDir, stack);
      sessions[lane] = await openPacks(discoverPacks(PACKAGE_ROOT), [...(options.policyPackConfigs ?? [])], { project: project.name, stack, config: project.config });
    }
    return sessions[lane];
  };
  try {
    return await previewLanes(options, shards, transitStack, parallelism, stacks, failures, sessionOf);
  } finally {
    await Promise.all(sessions.map((s) => s?.close()));
  }
}

async function previewLanes(
  options: OfflineFleetOptions,
  shards: readonly string[],
  transitStack: string,
  parallelism: number,
  stacks: OfflineStackResult[],
  failures: { stack: string; error: string }[],
  sessionOf: (lane: number, stack: string) => Promise<PackSession | undefined>,
): Promise<OfflineFleetResult> {
  const run = async (stack: string, extraConfig: Record<string, string> = {}, lane = 0) => {
    const t0 = performance.now();
    try {
      const project = loadProject(options.programDir, stack);
      const config = Object.fromEntries(Object.entries(extraConfig).map(([k, v]) => [`${project.name}:${k}`, v]));
      let r: { resources: readonly RecordedResource[]; outputs: Record<string, unknown> };
      let verdict: StackPackVerdict | undefined;
      if (options.packs === false) r = await runProgram({ ...project, config: { ...project.config, ...config } });
      else {
        // The packs only: the fleet's isolation (below) stands for each stack's own matrix.
        const packSession = await sessionOf(lane, stack);
        const o = await runPreview({
          programDir: options.programDir,
          stack,
          config,
          analyses: [],
          ...(packSession ? { packSession } : {}),
          ...(options.policyPacks ? { policyPacks: [...options.policyPacks] } : {}),
          ...(options.policyPackConfigs ? { policyPackConfigs: [...options.policyPackConfigs] } : {}),
        });
        r = o;
        const v = o.report.violations;
        verdict = {
          packs: o.report.packs.map((p) => p.name),
          mandatory: o.report.summary.mandatory,
          advisory: o.report.summary.advisory,
          exitCode: o.report.summary.exitCode,
          violations: [...v.mandatory, ...v.advisory].map(({ policyPack, policy, level, urn, message }) => ({ policyPack, policy, level, urn, message })),
        };
      }
      const ms = Math.round(performance.now() - t0);
      stacks.push({ stack, resources: r.resources, outputs: r.outputs, ms, ...(verdict ? { verdict } : {}) });
      options.onStack?.(stack, r.resources.length, ms);
      return r;
    } catch (err) {
      failures.push({ stack, error: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  };
  const transit = await run(transitStack);
  if (!transit) return { stacks, failures, notAnalysed: `the transit stack ${transitStack} failed, so no shard could read its ids` };
  const missing = TRANSIT_KEYS.filter((k) => typeof transit.outputs[k] !== "string");
  if (missing.length) {
    failures.push({ stack: transitStack, error: `the transit stack exports no ${missing.join(", ")}; export them (TenantFleetTransit's ids) under these names` });
    return { stacks, failures, notAnalysed: "the transit stack's ids are missing" };
  }
  const ids = JSON.stringify(Object.fromEntries(TRANSIT_KEYS.map((k) => [k, transit.outputs[k]])));
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallelism, shards.length) }, async (_, lane) => {
      while (next < shards.length) await run(shards[next++], { transit: ids }, lane);
    }),
  );
  const order = new Map([transitStack, ...shards].map((s, i) => [s, i]));
  stacks.sort((a, b) => order.get(a.stack)! - order.get(b.stack)!);
  if (options.analyse === false) return { stacks, failures };
  if (failures.length) return { stacks, failures, notAnalysed: `${failures.length} stack(s) failed (${failures.map((f) => f.stack).join(", ")}); a fleet with a stack missing is not judged` };
  const joined = joinFleetStacks(stacks.map((s) => ({ stack: s.stack, resources: s.resources as readonly NetResource[] })));
  const t0 = performance.now();
  const result = isolationOf(joined, options);
  return { stacks, failures, joined, ...result, isolationMs: Math.round(performance.now() - t0) };
}

function isolationOf(joined: JoinedFleet, options: OfflineFleetOptions): Pick<OfflineFleetResult, "matrix" | "precheck" | "crossTenantPaths" | "notAnalysed"> {
  const maxEndpoints = options.maxEndpoints ?? 600;
  const matrix = analyseReachability(joined.resources, { maxEndpoints });
  const skipped = (matrix as { skipped?: string }).skipped;
  if (skipped === undefined) return { matrix, crossTenantPaths: crossTenantPathsOf(matrix) };
  if (options.precheck === false) return { matrix, notAnalysed: `${skipped} (raise maxEndpoints, or check fewer shards at once)` };
  // Too large for one run: the TGW tables clear what they can, the engine judges the rest pair by pair.
  // The skipped matrix's endpoints are those the engine sees: the fleet model is not built a third time for them.
  const isolation = analyseFleetIsolation(joined.resources, { maxEndpoints, crossCheck: options.crossCheck, endpoints: matrix.endpoints });
  const precheck = { tenants: isolation.precheck.tenants.length, clearedPairs: isolation.precheck.cleared.length, openPairs: isolation.precheck.open.length, engineRuns: isolation.engineRuns, crossChecked: isolation.crossChecked, disagreements: isolation.disagreements.length, ...(isolation.precheck.fallback ? { fallback: isolation.precheck.fallback } : {}) };
  if (isolation.notAnalysed !== undefined) return { precheck, notAnalysed: isolation.notAnalysed };
  return { precheck, crossTenantPaths: isolation.crossTenantPaths };
}

function crossTenantPathsOf(matrix: Matrix): string[] {
  const by = new Map(matrix.endpoints.map((e) => [e.id, e]));
  return matrix.pairs
    .filter((p) => {
      const a = by.get(p.from)?.tenant;
      const b = by.get(p.to)?.tenant;
      return a !== undefined && b !== undefined && a !== b && !p.possible.isEmpty();
    })
    .map((p) => `${p.from} -> ${p.to}`);
}
