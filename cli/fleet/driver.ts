/**
 * Runs `up`, `preview` or `refresh` over every stack of a tenant fleet (core/tenants/fleet.ts):
 * the transit stack first, since every shard reads its outputs, then the shards, at most
 * `parallelism` at a time. Every stack's result lands in the summary, failed ones with their
 * error; one shard failing does not stop the others. After a failed transit `up` the shards are
 * skipped (they would read outputs that are not there), and said to be.
 *
 * `up` and `preview` run with the given policy packs (the engine's `--policy-pack`), and the
 * policy violations the engine reports for each stack (its `policyEvent`s) land in that stack's
 * outcome: a stack the engine failed with mandatory violations is told apart from one that failed
 * for another reason. Cancelling (`signal`) passes the signal to the running operations (the
 * Automation API then stops the Pulumi CLI as Ctrl-C does, so no stack is left locked) and starts
 * no other stack: those are skipped, and said to be.
 *
 * For drift: `refresh` has up and preview read each stack's cloud state first, and
 * `expectNoChanges` fails a stack whose operation proposes any change; the changes the engine
 * counted (its summary event) land in the outcome as `unexpectedChanges`, so drift is told apart
 * from an error too.
 *
 * Stacks are opened through an injected factory, so the driver runs unchanged on the Pulumi
 * Automation API (`localWorkspaceStacks`, where the Pulumi CLI exists) and on a fake in tests.
 */
import type { EngineEvent, LocalWorkspace, OpMap, OpType, PreviewOptions, PulumiCommand, RefreshOptions, UpOptions } from "@pulumi/pulumi/automation";
import { PreviewError } from "../preview/errors";
import { loadPackConfigs } from "../preview/pack-config";
import { checkPackDir } from "../preview/packs";

export type FleetOperation = "up" | "preview" | "refresh";

export interface FleetStackSpec {
  /** The stack's name, e.g. `transit` or `shard-3`. */
  readonly name: string;
  readonly role: "transit" | "shard";
  /** The shard index (role `shard`); the program reads it from the stack's config. */
  readonly shard?: number;
}

/** The options the driver gives an operation: the Automation API's own, by their names. */
export type FleetUpOptions = Pick<UpOptions, "policyPacks" | "policyPackConfigs" | "refresh" | "expectNoChanges" | "onOutput" | "onError" | "onEvent" | "signal">;
export type FleetPreviewOptions = Pick<PreviewOptions, "policyPacks" | "policyPackConfigs" | "refresh" | "expectNoChanges" | "onOutput" | "onError" | "onEvent" | "signal">;
export type FleetRefreshOptions = Pick<RefreshOptions, "expectNoChanges" | "onOutput" | "onError" | "onEvent" | "signal">;

/** The part of an Automation API `Stack` the driver uses (its option and result shapes, field for field). */
export interface FleetStack {
  up(opts: FleetUpOptions): Promise<{ summary: { result: string; resourceChanges?: OpMap; message?: string } }>;
  preview(opts: FleetPreviewOptions): Promise<{ changeSummary: OpMap }>;
  refresh(opts: FleetRefreshOptions): Promise<{ summary: { result: string; resourceChanges?: OpMap; message?: string } }>;
}

export type OpenFleetStack = (spec: FleetStackSpec) => Promise<FleetStack>;

export interface FleetRunOptions {
  readonly operation: FleetOperation;
  readonly transit: FleetStackSpec;
  readonly shards: readonly FleetStackSpec[];
  /** Shard stacks run at once (default 4; at least 1). */
  readonly parallelism?: number;
  readonly open: OpenFleetStack;
  /**
   * Policy pack directories the engine runs on every `up` and `preview` (`--policy-pack`);
   * `refresh` runs no policies, so giving packs with it is an error.
   */
  readonly policyPacks?: readonly string[];
  /** Their config files, by position (`--policy-pack-config`): none, or one per pack. */
  readonly policyPackConfigs?: readonly string[];
  /** up and preview read each stack's cloud state first (`--refresh`); `refresh` always does. */
  readonly refresh?: boolean;
  /** A stack whose operation proposes any change fails (`--expect-no-changes`): drift detection. */
  readonly expectNoChanges?: boolean;
  /** What the Pulumi CLI prints for each stack on stdout and stderr, as it prints it (chunks, not lines). */
  readonly onOutput?: (stack: string, text: string, stream: "stdout" | "stderr") => void;
  /** Cancels the run: running operations get the signal, no other stack starts. */
  readonly signal?: AbortSignal;
  /** Called as each stack finishes. */
  readonly onStack?: (outcome: FleetStackOutcome) => void;
}

/** A policy violation as the engine reported it for a stack (its `policyEvent`). */
export interface FleetPolicyViolation {
  readonly policyPack: string;
  readonly policy: string;
  /** `mandatory`, or `advisory` for the engine's `warning`; any other level the engine names, as named. */
  readonly level: string;
  readonly message: string;
  readonly urn?: string;
}

export interface FleetPolicyVerdict {
  readonly mandatory: number;
  /** Every violation that is not mandatory. */
  readonly advisory: number;
  readonly violations: readonly FleetPolicyViolation[];
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
  /** `up` and `preview` with policy packs: what the engine reported of them (also when the stack failed). */
  readonly policy?: FleetPolicyVerdict;
  /** With `expectNoChanges`: the changes the engine proposed all the same (its summary event), by kind. */
  readonly unexpectedChanges?: OpMap;
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
  /** With policy packs: the stacks with a mandatory violation, and the violations summed. */
  readonly policy?: { readonly mandatory: number; readonly advisory: number; readonly failingStacks: readonly string[] };
  /** With `expectNoChanges`: the stacks whose operation proposed changes (drift). */
  readonly changedStacks?: readonly string[];
  /** The run was cancelled (`signal`): stacks not started are skipped. */
  readonly cancelled: boolean;
  /**
   * As `netseg fleet preview` exits: 0 when every stack succeeded; 1 when the stacks that did not
   * failed only for what they found (mandatory policy violations, changes where none were
   * expected); 2 when any stack failed for another reason or was skipped.
   */
  readonly exitCode: 0 | 1 | 2;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n").map((l) => l.trim()).filter(Boolean).slice(0, 6).join(" | ");

function violationOf(e: NonNullable<EngineEvent["policyEvent"]>): FleetPolicyViolation {
  return {
    policyPack: e.policyPackName,
    policy: e.policyName,
    level: e.enforcementLevel === "warning" ? "advisory" : String(e.enforcementLevel),
    message: e.message,
    ...(e.resourceUrn ? { urn: e.resourceUrn } : {}),
  };
}

/** The kinds of change in `changes` other than `same`, with their counts (none: empty). */
function proposed(changes: OpMap | undefined): OpMap {
  return Object.fromEntries(Object.entries(changes ?? {}).filter(([k, n]) => k !== "same" && (n ?? 0) > 0));
}

const opText = (changes: OpMap) =>
  Object.entries(changes)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");

function verdictOf(violations: readonly FleetPolicyViolation[]): FleetPolicyVerdict {
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  return { mandatory, advisory: violations.length - mandatory, violations };
}

/** A stack's name, role and shard, as its outcome gives them. */
const identity = (spec: FleetStackSpec) => ({ stack: spec.name, role: spec.role, ...(spec.shard !== undefined ? { shard: spec.shard } : {}) });

async function runOne(spec: FleetStackSpec, options: FleetRunOptions): Promise<FleetStackOutcome> {
  const { operation, open, signal } = options;
  const t0 = performance.now();
  const base = identity(spec);
  const violations: FleetPolicyViolation[] = [];
  let summary: OpMap | undefined;
  const withPacks = operation !== "refresh" && (options.policyPacks?.length ?? 0) > 0;
  const common = {
    onEvent: (e: EngineEvent) => {
      if (e.policyEvent) violations.push(violationOf(e.policyEvent));
      if (e.summaryEvent) summary = e.summaryEvent.resourceChanges;
    },
    ...(options.expectNoChanges ? { expectNoChanges: true } : {}),
    ...(options.onOutput
      ? { onOutput: (out: string) => options.onOutput!(spec.name, out, "stdout"), onError: (err: string) => options.onOutput!(spec.name, err, "stderr") }
      : {}),
    ...(signal ? { signal } : {}),
  };
  const refresh = options.refresh && operation !== "refresh" ? { refresh: true } : {};
  const packs = withPacks ? { policyPacks: [...options.policyPacks!], ...(options.policyPackConfigs?.length ? { policyPackConfigs: [...options.policyPackConfigs] } : {}) } : {};
  const policy = () => (withPacks ? { policy: verdictOf(violations) } : {});
  const ms = () => Math.round(performance.now() - t0);
  try {
    const stack = await open(spec);
    if (operation === "preview") {
      const r = await stack.preview({ ...common, ...refresh, ...packs });
      return { ...base, status: "succeeded", changes: { ...r.changeSummary }, ...policy(), ms: ms() };
    }
    const r = operation === "up" ? await stack.up({ ...common, ...refresh, ...packs }) : await stack.refresh(common);
    const ok = r.summary.result === "succeeded";
    return {
      ...base,
      status: ok ? "succeeded" : "failed",
      changes: { ...(r.summary.resourceChanges ?? {}) },
      ...(ok ? {} : { reason: `${operation} ended "${r.summary.result}"${r.summary.message ? `: ${r.summary.message}` : ""}` }),
      ...policy(),
      ms: ms(),
    };
  } catch (err) {
    // The engine fails an operation with mandatory violations, or with changes where none were
    // expected: say that, not its exit code.
    const mandatory = violations.filter((v) => v.level === "mandatory");
    const changed = options.expectNoChanges ? proposed(summary) : {};
    const unexpected = Object.keys(changed).length ? { unexpectedChanges: changed } : {};
    const found = [
      ...(mandatory.length ? [`${mandatory.length} mandatory policy violation(s): ${[...new Set(mandatory.map((v) => `${v.policyPack}/${v.policy}`))].join(", ")}`] : []),
      ...(unexpected.unexpectedChanges ? [`changes proposed where none were expected: ${opText(changed)}`] : []),
    ];
    const reason = found.length ? found.join("; ") : signal?.aborted ? `cancelled while running: ${message(err)}` : message(err);
    return { ...base, status: "failed", changes: { ...(summary ?? {}) }, reason, ...policy(), ...unexpected, ms: ms() };
  }
}

/**
 * Refuses, before any stack starts, what the engine would refuse only once it runs one: packs or
 * `refresh: true` with the `refresh` operation (it runs no policies, and refreshes already), a
 * pack directory that is missing or holds no PulumiPolicy.yaml, a config count that is not one per
 * pack, a config file that is missing or not in the CLI's format.
 */
export function checkRunOptions(options: Pick<FleetRunOptions, "operation" | "policyPacks" | "policyPackConfigs" | "refresh">): void {
  const { operation, policyPacks: packs = [], policyPackConfigs: configs = [] } = options;
  if (operation === "refresh" && options.refresh) throw new PreviewError("--refresh is for up and preview (refresh reads the cloud's state already); drop it.");
  if (operation === "refresh" && (packs.length || configs.length)) {
    throw new PreviewError("refresh runs no policy packs; drop --policy-pack and --policy-pack-config, or run preview or up to enforce them.");
  }
  for (const d of packs) checkPackDir(d);
  loadPackConfigs(configs, packs.length);
}

export async function runFleet(options: FleetRunOptions): Promise<FleetSummary> {
  checkRunOptions(options);
  const parallelism = Math.max(1, Math.floor(options.parallelism ?? 4));
  const outcomes: FleetStackOutcome[] = [];
  const done = (o: FleetStackOutcome) => {
    outcomes.push(o);
    options.onStack?.(o);
  };
  const skip = (s: FleetStackSpec, reason: string) => done({ ...identity(s), status: "skipped", changes: {}, reason, ms: 0 });
  const cancelled = () => options.signal?.aborted === true;
  const shards = [...options.shards].sort((a, b) => (a.shard ?? 0) - (b.shard ?? 0));
  if (cancelled()) skip(options.transit, "cancelled before it started");
  else done(await runOne(options.transit, options));
  const transit = outcomes[0];
  if (transit.status === "failed" && options.operation === "up") {
    for (const s of shards) skip(s, `transit stack ${transit.stack} failed to update; shards read its outputs`);
  } else {
    let next = 0;
    const worker = async () => {
      while (next < shards.length) {
        const spec = shards[next++];
        if (cancelled()) skip(spec, "cancelled before it started");
        else done(await runOne(spec, options));
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallelism, shards.length) }, worker));
  }
  const order = new Map([options.transit, ...shards].map((s, i) => [s.name, i]));
  const stacks = outcomes.sort((a, b) => order.get(a.stack)! - order.get(b.stack)!);
  const changes: OpMap = {};
  for (const o of stacks) for (const [k, v] of Object.entries(o.changes)) changes[k as OpType] = (changes[k as OpType] ?? 0) + (v ?? 0);
  const count = (s: FleetStackOutcome["status"]) => stacks.filter((o) => o.status === s).length;
  const judged = stacks.filter((o) => o.policy);
  const failingStacks = judged.filter((o) => o.policy!.mandatory > 0).map((o) => o.stack);
  const policy = judged.length
    ? { mandatory: judged.reduce((n, o) => n + o.policy!.mandatory, 0), advisory: judged.reduce((n, o) => n + o.policy!.advisory, 0), failingStacks }
    : undefined;
  const ok = stacks.every((o) => o.status === "succeeded");
  // A stack that failed with mandatory violations or unexpected changes failed for what it found;
  // any other failure, or a skip, is an error.
  const foundSomething = (o: FleetStackOutcome) => (o.policy?.mandatory ?? 0) > 0 || o.unexpectedChanges !== undefined;
  const otherFailure = stacks.some((o) => o.status === "skipped" || (o.status === "failed" && !foundSomething(o)));
  const exitCode = otherFailure ? 2 : ok && failingStacks.length === 0 ? 0 : 1;
  return {
    operation: options.operation,
    ok,
    stacks,
    counts: { succeeded: count("succeeded"), failed: count("failed"), skipped: count("skipped") },
    changes,
    ...(policy ? { policy } : {}),
    ...(options.expectNoChanges ? { changedStacks: stacks.filter((o) => o.unexpectedChanges).map((o) => o.stack) } : {}),
    cancelled: cancelled(),
    exitCode,
  };
}

/** The fleet's stacks from its plan: `transit` and one `shard-<i>` per non-empty shard. */
export function fleetStacks(shardIndexes: readonly number[], transitName = "transit"): { transit: FleetStackSpec; shards: FleetStackSpec[] } {
  return { transit: { name: transitName, role: "transit" }, shards: shardIndexes.map((i) => ({ name: `shard-${i}`, role: "shard", shard: i })) };
}

/** The part of the Automation API that `localWorkspaceStacks` uses (injected by tests). */
export interface AutomationApi {
  readonly LocalWorkspace: Pick<typeof LocalWorkspace, "createOrSelectStack">;
  readonly PulumiCommand: Pick<typeof PulumiCommand, "get">;
}

function automationApi(): AutomationApi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only where the Automation API is used (it needs the Pulumi CLI)
  return require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
}

/**
 * The Pulumi CLI, as the Automation API finds it (on PATH, at least the version it needs). Without
 * it this fails saying what to do instead, so a command can check once before any stack starts.
 */
export async function findPulumiCli(automation: AutomationApi = automationApi()): Promise<PulumiCommand> {
  try {
    return await automation.PulumiCommand.get();
  } catch (err) {
    throw new PreviewError(
      `netseg fleet run drives the Pulumi CLI, which was not found or could not run (${message(err)}). ` +
        "Install it (https://www.pulumi.com/docs/install/) and put it on PATH, or preview the fleet offline without it: netseg fleet preview.",
    );
  }
}

/**
 * Opens fleet stacks with the Automation API's LocalWorkspace on the program in `workDir`: selects
 * or creates the stack and sets `shard` in a shard's config (the program chooses its shard from it;
 * the transit stack has none). The Pulumi CLI is looked up once for all the stacks (`findPulumiCli`).
 */
export function localWorkspaceStacks(workDir: string, configKey = "shard", automation: AutomationApi = automationApi()): OpenFleetStack {
  let cli: Promise<PulumiCommand> | undefined;
  return async (spec) => {
    const pulumiCommand = await (cli ??= findPulumiCli(automation));
    const stack = await automation.LocalWorkspace.createOrSelectStack({ stackName: spec.name, workDir }, { pulumiCommand });
    if (spec.role === "shard") await stack.setConfig(configKey, { value: String(spec.shard) });
    return {
      up: (opts) => stack.up(opts),
      preview: (opts) => stack.preview(opts),
      refresh: (opts) => stack.refresh(opts),
    };
  };
}
