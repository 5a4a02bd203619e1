/**
 * `netseg preview` as a function: run the program under mocks while the policy packs start,
 * drive the packs over gRPC (each resource as soon as it registers and the packs are up, the
 * stack once the program is done), run the analyses, build the report. Every failure of the program,
 * a pack or an input is a PreviewError (exit 2); the report's exit code is 0 or 1.
 */
import * as path from "node:path";
import type { AnalysisProvider } from "./analysis";
import { registeredAnalyses, runAnalyses, type WorkloadDisplay } from "./analysis";
import { intentsOf, reachabilityAnalysis } from "./reachability";
import { analyzeResources, analyzeStack, type EnforcementResult } from "./enforce";
import { openPacks, type PackSession } from "./pack-session";
import { configurePack, discoverPacks, type PackEnvironment } from "./packs";
import { runProgram } from "./program";
import { loadProject } from "./project";
import { Progress } from "./progress";
import { AsyncQueue } from "./queue";
import { buildReport, managedResources, type PreviewReport } from "./report";
import { PreviewError } from "./errors";
import type { PackSummary, RecordedResource } from "./types";
import type { EphemeralPorts } from "../../core/reachability";

export interface PreviewOptions {
  /** Directory holding the program's Pulumi.yaml (default: the current directory). */
  programDir?: string;
  stack?: string;
  /**
   * Config set over the stack file's, in PULUMI_CONFIG form (`<namespace>:<key>` -> string), as
   * `pulumi config set` would before the preview; `netseg fleet preview` hands each shard the
   * transit stack's ids this way.
   */
  config?: Readonly<Record<string, string>>;
  /** Pack directories; default: every `policy-packs/*` with a PulumiPolicy.yaml under `packRoot`. */
  policyPacks?: string[];
  /** `--policy-pack-config` files, matched with `policyPacks` by position. */
  policyPackConfigs?: string[];
  /**
   * Start TypeScript packs from their sources with ts-node's type-check, exactly as the Pulumi
   * CLI does (2-4 s of CPU more per pack). Default: from an esbuild bundle of the same sources.
   */
  typecheckPacks?: boolean;
  /** JSON file of extra provider-function answers. */
  mockCalls?: string;
  /** Intent files to hold the reachability matrix against (default: the intents in the stack). */
  intentFiles?: string[];
  /** The clients' ephemeral ports for the reachability matrix (default 1024-65535). */
  ephemeralPorts?: EphemeralPorts;
  /** Cloud workloads in the matrix and diagram: under their zone, folded into it, or by their number (default). */
  workloads?: WorkloadDisplay;
  /** Analyses to run (default: core/reachability's matrix, then the registered ones). */
  analyses?: AnalysisProvider[];
  /**
   * Packs already started and configured (`openPacks`) to use instead of starting a set for this
   * preview: each is told this stack (ConfigureStack, Configure) and left running; the caller
   * closes the session. A pack process keeps the environment of the stack it was started for
   * (PULUMI_CONFIG, PULUMI_NODEJS_STACK), so share only packs that read nothing of the stack from
   * it, as netseg's own (`netseg fleet preview` passes the stacks of one lane through one set).
   */
  packSession?: PackSession;
  /** Where default packs are looked for (default: the netseg package root). */
  packRoot?: string;
  progress?: Progress;
  /** Deadlines, in ms: the program's run, a pack's start, one call to a pack (see program.ts, packs.ts). */
  programTimeoutMs?: number;
  packStartTimeoutMs?: number;
  packCallTimeoutMs?: number;
  /**
   * Accept a stack that declares no resource (nothing to check). Default: refuse it (exit 2),
   * since a preview that checked nothing must not read as a pass (see refuseEmpty).
   */
  allowEmpty?: boolean;
}

export interface PreviewOutcome {
  report: PreviewReport;
  /** Messages packs logged through the engine service. */
  packLogs: { severity: string; message: string; urn?: string }[];
  /** What the program registered and exported (for callers that analyse several stacks together). */
  resources: readonly RecordedResource[];
  outputs: Record<string, unknown>;
}

/** The netseg package root (the directory holding cli/). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/**
 * A stack that declares no resource a deployment would create: nothing was checked, by any pack
 * or analysis. That is a failure (exit 2), not a quiet pass, because it is almost always a wrong
 * directory, stack or config (a program that creates everything behind a config flag) and a
 * pull-request check that analysed nothing must not look clean. `--allow-empty` accepts it.
 */
function refuseEmpty(main: string, stack: string, resources: readonly RecordedResource[]): void {
  if (managedResources(resources).length > 0) return;
  const others = resources.length > 1 ? ` (only ${resources.length} components, providers or reads)` : "";
  throw new PreviewError(
    `The Pulumi program ${main} declared no resource for stack '${stack}'${others}, so the preview checked nothing. ` +
      `Check the program directory, --stack and its config; if the stack is meant to be empty, pass --allow-empty.`,
  );
}

export async function runPreview(options: PreviewOptions = {}): Promise<PreviewOutcome> {
  const progress = options.progress ?? new Progress(false);
  const t0 = Date.now();
  const loaded = loadProject(options.programDir ?? ".", options.stack);
  const project = options.config ? { ...loaded, config: { ...loaded.config, ...options.config } } : loaded;
  // A bad --intent file is bad input: refuse it before anything is spawned.
  if (options.intentFiles?.length) intentsOf([], options.intentFiles);
  const packRoot = options.packRoot ?? PACKAGE_ROOT;
  const packDirs = (options.policyPacks?.length ? options.policyPacks : discoverPacks(packRoot)).map((d) => path.resolve(d));
  // No pack given and none found: nothing would check the stack's resources, which is no pass.
  if (packDirs.length === 0) {
    throw new PreviewError(
      `No policy pack to run: none was given and ${path.join(packRoot, "policy-packs")} holds no directory with a PulumiPolicy.yaml. Pass --policy-pack <dir> (repeatable).`,
    );
  }
  const env = { project: project.name, stack: project.stack, config: project.config };

  // A shared session's engine keeps every stack's logs: this preview's are those after this point.
  const logsBefore = options.packSession?.engine.logs.length ?? 0;
  let registered = 0;
  let analyzed = 0;
  let packsReady = false;
  const status = () =>
    `preview: ${registered} resources registered; ${packDirs.length} polic${packDirs.length === 1 ? "y pack" : "y packs"} ${packsReady ? `ready, ${analyzed} resources analyzed` : "starting"}`;
  // Resources flow from the running program straight to the packs, as the engine analyzes each
  // registration when the program makes it; analyzeStack waits for the finished program.
  const recorded = new AsyncQueue<RecordedResource>();
  // A pack that fails (to start, or mid-run) fails the preview: stop the program at once.
  const stopProgram = new AbortController();
  let packFailure: unknown;
  const programRun = runProgram(project, {
    callsFile: options.mockCalls,
    timeoutMs: options.programTimeoutMs,
    signal: stopProgram.signal,
    onProgress: (n) => {
      registered = n;
      progress.update(status());
    },
    onRecorded: (batch) => recorded.push(...batch),
  });
  programRun.then(
    () => recorded.close(),
    (err) => recorded.fail(err),
  );
  // Packs start while the program runs; if the program fails, pending pack starts are cancelled.
  const abort = new AbortController();
  const shared = options.packSession;
  const sessionStart: Promise<PackSession> = (
    shared
      ? reconfigurePacks(shared, env)
      : openPacks(packDirs, options.policyPackConfigs ?? [], env, {
          signal: abort.signal,
          typecheckPacks: options.typecheckPacks,
          startTimeoutMs: options.packStartTimeoutMs,
          callTimeoutMs: options.packCallTimeoutMs,
        })
  ).then((s) => {
    packsReady = true;
    progress.update(status(), true);
    return s;
  });
  const resourcePass: Promise<EnforcementResult> = sessionStart.then((s) =>
    analyzeResources(recorded, s.packs, (n) => {
      analyzed = n;
      if (n % 100 === 0) progress.update(status());
    }),
  );
  // A pack's failure stops the program and is the error reported (the program's own is then only "stopped").
  const onPackFailure = (err: unknown) => {
    packFailure ??= err;
    stopProgram.abort();
  };
  sessionStart.catch(onPackFailure);
  resourcePass.catch(onPackFailure);
  let session: PackSession | undefined;
  try {
    const programResult = await programRun.catch(async (err) => {
      // Read before cancelling the pack starts, whose own failure ("cancelled") comes after.
      const stoppedForPack = stopProgram.signal.aborted;
      abort.abort();
      if (!shared) await sessionStart.then((s) => s.close(), () => undefined);
      else await sessionStart.catch(() => undefined);
      throw stoppedForPack && packFailure !== undefined ? packFailure : err;
    });
    const tProgram = Date.now();
    session = await sessionStart;
    const { resources, outputs, logs: programLogs } = programResult;
    if (!options.allowEmpty) refuseEmpty(project.main, project.stack, resources);
    progress.update(status(), true);
    const pass = await resourcePass;
    const enforcement: EnforcementResult = { ...pass, violations: [...pass.violations, ...(await analyzeStack(resources, session.packs, pass.remediatedInputs))] };
    const tPacks = Date.now();
    const analyses = await runAnalyses(options.analyses ?? [reachabilityAnalysis, ...registeredAnalyses()], resources, {
      project: project.name,
      stack: project.stack,
      programDir: project.dir,
      outputs,
      intentFiles: options.intentFiles,
      ephemeralPorts: options.ephemeralPorts,
      workloads: options.workloads,
    });
    const packs: PackSummary[] = session.packs.map((cp) => ({
      name: cp.info.name,
      version: cp.info.version,
      dir: cp.pack.dir,
      policies: cp.info.policies.map((p) => ({
        name: p.name,
        description: p.description,
        kind: p.kind,
        level: cp.config[p.name]?.enforcementLevel ?? p.level,
        ...(p.severity ? { severity: p.severity } : {}),
        ...(p.remediationSteps ? { remediationSteps: p.remediationSteps } : {}),
        ...(p.url ? { url: p.url } : {}),
        ...(p.tags ? { tags: p.tags } : {}),
      })),
    }));
    const report = buildReport({
      project: project.name,
      stack: project.stack,
      programDir: project.dir,
      programEntry: project.main,
      resources,
      packs,
      violations: enforcement.violations,
      remediations: enforcement.remediations,
      analyses,
      programLogs,
    });
    report.timingsMs = { program: tProgram - t0, packs: tPacks - tProgram, report: Date.now() - tPacks };
    return { report, packLogs: session.engine.logs.slice(logsBefore), resources, outputs };
  } finally {
    progress.done();
    if (!shared) await session?.close();
  }
}

/** A started session told another stack: its name, project and config (see PreviewOptions.packSession). */
async function reconfigurePacks(session: PackSession, env: Omit<PackEnvironment, "engineAddress">): Promise<PackSession> {
  const full: PackEnvironment = { ...env, engineAddress: session.engine.address };
  await Promise.all(session.packs.map((cp) => configurePack(cp.pack, cp.config, full)));
  return session;
}
