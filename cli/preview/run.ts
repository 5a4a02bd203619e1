/**
 * `netseg preview` as a function: run the program under mocks while the policy packs start,
 * drive the packs over gRPC (each resource as soon as it registers and the packs are up, the
 * stack once the program is done), run the analyses, build the report. Every failure of the program,
 * a pack or an input is a PreviewError (exit 2); the report's exit code is 0 or 1.
 */
import * as path from "node:path";
import type { AnalysisProvider } from "./analysis";
import { registeredAnalyses, runAnalyses } from "./analysis";
import { intentsOf, reachabilityAnalysis } from "./reachability";
import { analyzeResources, analyzeStack, type EnforcementResult } from "./enforce";
import { openPacks, type PackSession } from "./pack-session";
import { discoverPacks } from "./packs";
import { runProgram } from "./program";
import { loadProject } from "./project";
import { Progress } from "./progress";
import { AsyncQueue } from "./queue";
import { buildReport, type PreviewReport } from "./report";
import type { PackSummary, RecordedResource } from "./types";

export interface PreviewOptions {
  /** Directory holding the program's Pulumi.yaml (default: the current directory). */
  programDir?: string;
  stack?: string;
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
  /** Analyses to run (default: core/reachability's matrix, then the registered ones). */
  analyses?: AnalysisProvider[];
  /** Where default packs are looked for (default: the netseg package root). */
  packRoot?: string;
  progress?: Progress;
}

export interface PreviewOutcome {
  report: PreviewReport;
  /** Messages packs logged through the engine service. */
  packLogs: { severity: string; message: string; urn?: string }[];
}

/** The netseg package root (the directory holding cli/). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

export async function runPreview(options: PreviewOptions = {}): Promise<PreviewOutcome> {
  const progress = options.progress ?? new Progress(false);
  const t0 = Date.now();
  const project = loadProject(options.programDir ?? ".", options.stack);
  // A bad --intent file is bad input: refuse it before anything is spawned.
  if (options.intentFiles?.length) intentsOf([], options.intentFiles);
  const packDirs = (options.policyPacks?.length ? options.policyPacks : discoverPacks(options.packRoot ?? PACKAGE_ROOT)).map((d) => path.resolve(d));
  const env = { project: project.name, stack: project.stack, config: project.config };

  let registered = 0;
  let analyzed = 0;
  let packsReady = packDirs.length === 0;
  const status = () =>
    `preview: ${registered} resources registered; ${packDirs.length} polic${packDirs.length === 1 ? "y pack" : "y packs"} ${packsReady ? `ready, ${analyzed} resources analyzed` : "starting"}`;
  // Resources flow from the running program straight to the packs, as the engine analyzes each
  // registration when the program makes it; analyzeStack waits for the finished program.
  const recorded = new AsyncQueue<RecordedResource>();
  const programRun = runProgram(project, {
    callsFile: options.mockCalls,
    onProgress: (n) => {
      registered = n;
      progress.update(status());
    },
    onRecorded: packDirs.length ? (batch) => recorded.push(...batch) : undefined,
  });
  programRun.then(
    () => recorded.close(),
    (err) => recorded.fail(err),
  );
  // Packs start while the program runs; if the program fails, pending pack starts are cancelled.
  const abort = new AbortController();
  const sessionStart: Promise<PackSession | undefined> = packDirs.length
    ? openPacks(packDirs, options.policyPackConfigs ?? [], env, { signal: abort.signal, typecheckPacks: options.typecheckPacks }).then((s) => {
        packsReady = true;
        progress.update(status(), true);
        return s;
      })
    : Promise.resolve(undefined);
  const noFindings: EnforcementResult = { violations: [], remediations: [], remediatedInputs: {} };
  const resourcePass: Promise<EnforcementResult> = sessionStart.then((s) =>
    s
      ? analyzeResources(recorded, s.packs, (n) => {
          analyzed = n;
          if (n % 100 === 0) progress.update(status());
        })
      : noFindings,
  );
  // Their failures are reported once the program is done; until then they must not count as unhandled.
  sessionStart.catch(() => undefined);
  resourcePass.catch(() => undefined);
  let session: PackSession | undefined;
  try {
    const programResult = await programRun.catch(async (err) => {
      abort.abort();
      await sessionStart.then((s) => s?.close(), () => undefined);
      throw err;
    });
    const tProgram = Date.now();
    session = await sessionStart;
    const { resources, outputs } = programResult;
    const configured = session?.packs ?? [];
    progress.update(status(), true);
    const pass = await resourcePass;
    const enforcement: EnforcementResult = session
      ? { ...pass, violations: [...pass.violations, ...(await analyzeStack(resources, configured, pass.remediatedInputs))] }
      : noFindings;
    const tPacks = Date.now();
    const analyses = await runAnalyses(options.analyses ?? [reachabilityAnalysis, ...registeredAnalyses()], resources, {
      project: project.name,
      stack: project.stack,
      programDir: project.dir,
      outputs,
      intentFiles: options.intentFiles,
    });
    const packs: PackSummary[] = (session?.packs ?? []).map((cp) => ({
      name: cp.info.name,
      version: cp.info.version,
      dir: cp.pack.dir,
      policies: cp.info.policies.map((p) => ({ name: p.name, description: p.description, kind: p.kind, level: cp.config[p.name]?.enforcementLevel ?? p.level })),
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
    });
    report.timingsMs = { program: tProgram - t0, packs: tPacks - tProgram, report: Date.now() - tPacks };
    return { report, packLogs: session?.engine.logs ?? [] };
  } finally {
    progress.done();
    await session?.close();
  }
}
