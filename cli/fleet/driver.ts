/**
 * Runs `up`, `preview` or `refresh` over every stack of a tenant fleet (core/tenants/fleet.ts):
 * the transit stack first, since every shard reads its outputs, then the shards, at most
 * `parallelism` at a time. Every stack's result lands in the summary, failed ones with their
 * error; one shard failing does not stop the others. After a failed transit `up` the shards are
 * skipped (they would read outputs that are not there), and said to be.
 *
 * Stacks are opened through an injected factory, so the driver runs unchanged on the Pulumi
 * Automation API (`localWorkspaceStacks`, where the Pulumi CLI exists) and on a fake in tests.
 */
import type { OpMap, OpType } from "@pulumi/pulumi/automation";

export type FleetOperation = "up" | "preview" | "refresh";

export interface FleetStackSpec {
  /** The stack's name, e.g. `transit` or `shard-3`. */
  readonly name: string;
  readonly role: "transit" | "shard";
  /** The shard index (role `shard`); the program reads it from the stack's config. */
  readonly shard?: number;
}

/** The part of an Automation API `Stack` the driver uses (its result shapes, field for field). */
export interface FleetStack {
  up(): Promise<{ summary: { result: string; resourceChanges?: OpMap; message?: string } }>;
  preview(): Promise<{ changeSummary: OpMap }>;
  refresh(): Promise<{ summary: { result: string; resourceChanges?: OpMap; message?: string } }>;
}

export type OpenFleetStack = (spec: FleetStackSpec) => Promise<FleetStack>;

export interface FleetRunOptions {
  readonly operation: FleetOperation;
  readonly transit: FleetStackSpec;
  readonly shards: readonly FleetStackSpec[];
  /** Shard stacks run at once (default 4; at least 1). */
  readonly parallelism?: number;
  readonly open: OpenFleetStack;
  /** Called as each stack finishes. */
  readonly onStack?: (outcome: FleetStackOutcome) => void;
}

export interface FleetStackOutcome {
  readonly stack: string;
  readonly role: "transit" | "shard";
  readonly shard?: number;
  readonly status: "succeeded" | "failed" | "skipped";
  /** Resource operations by kind, as the engine counted them. */
  readonly changes: OpMap;
  /** Why it failed or was skipped. */
  readonly reason?: string;
  readonly ms: number;
}

export interface FleetSummary {
  readonly operation: FleetOperation;
  /** True when every stack succeeded. */
  readonly ok: boolean;
  /** Transit first, then shards by index. */
  readonly stacks: readonly FleetStackOutcome[];
  readonly counts: { readonly succeeded: number; readonly failed: number; readonly skipped: number };
  /** Resource operations summed over the stacks. */
  readonly changes: OpMap;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n").filter((l) => l.trim()).slice(0, 6).join(" | ");

async function runOne(spec: FleetStackSpec, operation: FleetOperation, open: OpenFleetStack): Promise<FleetStackOutcome> {
  const t0 = performance.now();
  const base = { stack: spec.name, role: spec.role, ...(spec.shard !== undefined ? { shard: spec.shard } : {}) };
  try {
    const stack = await open(spec);
    if (operation === "preview") {
      const r = await stack.preview();
      return { ...base, status: "succeeded", changes: { ...r.changeSummary }, ms: Math.round(performance.now() - t0) };
    }
    const r = operation === "up" ? await stack.up() : await stack.refresh();
    const ok = r.summary.result === "succeeded";
    return {
      ...base,
      status: ok ? "succeeded" : "failed",
      changes: { ...(r.summary.resourceChanges ?? {}) },
      ...(ok ? {} : { reason: `${operation} ended "${r.summary.result}"${r.summary.message ? `: ${r.summary.message}` : ""}` }),
      ms: Math.round(performance.now() - t0),
    };
  } catch (err) {
    return { ...base, status: "failed", changes: {}, reason: message(err), ms: Math.round(performance.now() - t0) };
  }
}

export async function runFleet(options: FleetRunOptions): Promise<FleetSummary> {
  const parallelism = Math.max(1, Math.floor(options.parallelism ?? 4));
  const outcomes: FleetStackOutcome[] = [];
  const done = (o: FleetStackOutcome) => {
    outcomes.push(o);
    options.onStack?.(o);
  };
  const transit = await runOne(options.transit, options.operation, options.open);
  done(transit);
  const shards = [...options.shards].sort((a, b) => (a.shard ?? 0) - (b.shard ?? 0));
  if (transit.status === "failed" && options.operation === "up") {
    for (const s of shards) done({ stack: s.name, role: s.role, ...(s.shard !== undefined ? { shard: s.shard } : {}), status: "skipped", changes: {}, reason: `transit stack ${transit.stack} failed to update; shards read its outputs`, ms: 0 });
  } else {
    let next = 0;
    const worker = async () => {
      while (next < shards.length) done(await runOne(shards[next++], options.operation, options.open));
    };
    await Promise.all(Array.from({ length: Math.min(parallelism, shards.length) }, worker));
  }
  const order = new Map([options.transit, ...shards].map((s, i) => [s.name, i]));
  const stacks = outcomes.sort((a, b) => order.get(a.stack)! - order.get(b.stack)!);
  const changes: OpMap = {};
  for (const o of stacks) for (const [k, v] of Object.entries(o.changes)) changes[k as OpType] = (changes[k as OpType] ?? 0) + (v ?? 0);
  const count = (s: FleetStackOutcome["status"]) => stacks.filter((o) => o.status === s).length;
  return { operation: options.operation, ok: stacks.every((o) => o.status === "succeeded"), stacks, counts: { succeeded: count("succeeded"), failed: count("failed"), skipped: count("skipped") }, changes };
}

/** The fleet's stacks from its plan: `transit` and one `shard-<i>` per non-empty shard. */
export function fleetStacks(shardIndexes: readonly number[], transitName = "transit"): { transit: FleetStackSpec; shards: FleetStackSpec[] } {
  return { transit: { name: transitName, role: "transit" }, shards: shardIndexes.map((i) => ({ name: `shard-${i}`, role: "shard", shard: i })) };
}

/**
 * Opens fleet stacks with the Automation API's LocalWorkspace on the program in `workDir` (the
 * Pulumi CLI must be installed): selects or creates the stack and sets `shard` in a shard's config
 * (the program chooses its shard from it; the transit stack has none).
 */
export function localWorkspaceStacks(workDir: string, configKey = "shard"): OpenFleetStack {
  return async (spec) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only where the Automation API is used (it needs the Pulumi CLI)
    const { LocalWorkspace } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: spec.name, workDir });
    if (spec.role === "shard") await stack.setConfig(configKey, { value: String(spec.shard) });
    return {
      up: () => stack.up(),
      preview: () => stack.preview(),
      refresh: () => stack.refresh(),
    };
  };
}
