/**
 * Runs a Pulumi program under the SDK's mock runtime and records every resource it registers.
 *
 * Why a child process: the SDK keeps its runtime state (monitor, stack resource, config, RPC
 * queue) in one process-wide store and programs land in the require cache, so two programs in
 * one process would see each other; a program may also throw from a callback, leave a rejected
 * promise unhandled or call `process.exit`. A forked child isolates all of that: whatever the
 * program does, the CLI gets either a list of resources or one clear error (exit code 2). It
 * also lets policy packs start while the program runs. `recordProgram` is the in-process core
 * the child calls; it is exported for callers that manage isolation themselves.
 *
 * When is a program done? Exactly as for the SDK's own language host: the program runs inside
 * `runInPulumiStack` (the root `pulumi:pulumi:Stack` component, whose outputs settle only after
 * the program's exports do), then `waitForRPCs` drains the SDK's RPC keep-alive chain, which
 * every registration, invoke and output registration extends. We repeat the drain until a
 * turn of the event loop adds no registration, to catch resources created inside `apply`.
 */
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { trackChild } from "./cleanup";
import { PreviewError, errorText, oneParagraph } from "./errors";
import type { CallAnswer, MockContext } from "./mocks";
import { DEFAULT_CALLS, UnknownCallError, answerCall, mockState } from "./mocks";
import type { PulumiProject } from "./project";
import { captureProgramLogs } from "./program-logs";
import { Recorder } from "./recorder";
import type { ProgramLog, RecordedResource } from "./types";

export interface RecordOptions {
  project: PulumiProject;
  /** Extra or replacement provider-function answers (merged over DEFAULT_CALLS). */
  calls?: Record<string, CallAnswer>;
  /** Called as registrations complete. */
  onProgress?: (registered: number) => void;
  /** Called with each resource as the program registers it (see RecorderHooks.onRecorded). */
  onRecorded?: (resource: RecordedResource) => void;
}

export interface ProgramResult {
  resources: RecordedResource[];
  /** The stack's exported outputs, as plain data. */
  outputs: Record<string, unknown>;
  /** What the program logged at warn or error level (see program-logs.ts), in the order logged. */
  logs: ProgramLog[];
}

function isTypeScriptEntry(main: string): boolean {
  if (/\.[cm]?tsx?$/.test(main)) return true;
  if (fs.existsSync(main) && fs.statSync(main).isDirectory()) {
    const pkgFile = path.join(main, "package.json");
    const pkgMain = fs.existsSync(pkgFile) ? (JSON.parse(fs.readFileSync(pkgFile, "utf8")).main as string | undefined) : undefined;
    if (pkgMain) return /\.[cm]?tsx?$/.test(pkgMain);
    return fs.existsSync(path.join(main, "index.ts")) && !fs.existsSync(path.join(main, "index.js"));
  }
  return false;
}

function plain(value: unknown): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(value ?? {}, (_k, v) => (typeof v === "bigint" ? String(v) : v)));
  } catch {
    return {};
  }
}

/**
 * In-process: run the program once under mocks and return what it registered. Must run in a
 * fresh process (see module comment); the child entry `program-child.ts` does exactly that.
 */
export async function recordProgram(options: RecordOptions): Promise<ProgramResult> {
  const { project } = options;
  const ctx: MockContext = { project: project.name, stack: project.stack, config: project.config };
  const calls = { ...DEFAULT_CALLS, ...(options.calls ?? {}) };
  const unknownCalls: string[] = [];
  const escaped: unknown[] = [];
  const onEscaped = (err: unknown) => escaped.push(err);
  process.on("unhandledRejection", onEscaped);
  process.on("uncaughtException", onEscaped);

  // Same environment the language host gives a program.
  process.env.PULUMI_CONFIG = JSON.stringify(project.config);
  process.env.PULUMI_NODEJS_PROJECT = project.name;
  process.env.PULUMI_NODEJS_STACK = project.stack;
  process.env.PULUMI_NODEJS_DRY_RUN = "true";
  process.chdir(project.dir);

  // Use the SDK copy the program itself will load, so the mocks and the program share state.
  const pulumiPath = require.resolve("@pulumi/pulumi", { paths: [project.dir, __dirname] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program's own SDK copy, resolved at run time
  const pulumi = require(pulumiPath) as typeof import("@pulumi/pulumi");
  // The SDK's own drain of outstanding RPCs (marked @internal, so absent from its typings).
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs;
  pulumi.runtime.setAllConfig(project.config);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => mockState(args.type, args.name, args.inputs, ctx, args.custom !== false),
      call: (args) => {
        try {
          return answerCall(calls, args.token, args.inputs, ctx);
        } catch (err) {
          if (err instanceof UnknownCallError) unknownCalls.push(err.token);
          throw err;
        }
      },
    },
    project.name,
    project.stack,
    true,
  );
  // The SDK captures a full, source-mapped stack trace for every resource (sent to the engine
  // as source positions) and a short one for every internal promise; at thousands of resources
  // that dominates the run. Neither reaches an analyzer or the report (errors are shown by
  // message only), so the preview turns both off.
  (pulumi.Resource as unknown as { callsites: () => unknown[] }).callsites = () => [];
  Error.stackTraceLimit = 0;
  // Likewise the SDK's leak detector: it tags every internal promise with three non-enumerable
  // properties (slow, dictionary-mode objects) and wraps it in two more, to print leaked promises
  // when the language host exits. The preview never exits through it (completion is judged by
  // `waitForRPCs` below), and at thousands of resources the wrapping and the garbage it makes
  // were a third of the program's time. The SDK calls it through its module object, so this
  // replaces it everywhere; the promise itself settles exactly as before.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program's own SDK copy, resolved at run time
  const debuggable = require(require.resolve("@pulumi/pulumi/runtime/debuggable", { paths: [project.dir, __dirname] })) as {
    debuggablePromise: <T>(p: Promise<T>, ctx?: unknown) => Promise<T>;
  };
  debuggable.debuggablePromise = (p) => p;
  const recorder = new Recorder(project.stack, project.name, project.config, { onRegistered: options.onProgress, onRecorded: options.onRecorded });
  recorder.attach(pulumi.runtime.getMonitor() as any);

  if (isTypeScriptEntry(project.main)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads TypeScript entries as the CLI's ts-node would
    const tsx = require("tsx/cjs/api") as { register: () => unknown };
    tsx.register();
  }

  const capture = captureProgramLogs(pulumi.log as unknown as Parameters<typeof captureProgramLogs>[0]);
  let outputs: Record<string, unknown> = {};
  let logs: ProgramLog[] = [];
  let failure: unknown;
  try {
    const result = await pulumi.runtime.runInPulumiStack(async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the language host loads programs with require
      const mod = require(project.main);
      const exported = mod && typeof mod === "object" && "default" in mod && Object.keys(mod).length === 1 ? mod.default : mod;
      return typeof exported === "function" ? await exported() : exported;
    });
    outputs = plain(result);
    let seen = -1;
    while (seen !== recorder.resources().length) {
      seen = recorder.resources().length;
      await waitForRPCs();
      await new Promise((resolve) => setImmediate(resolve));
    }
    logs = await capture.logs();
  } catch (err) {
    failure = err;
  } finally {
    capture.restore();
    process.off("unhandledRejection", onEscaped);
    process.off("uncaughtException", onEscaped);
  }
  const firstError = failure ?? escaped[0];
  if (unknownCalls.length > 0) {
    throw new PreviewError(new UnknownCallError(unknownCalls[0]).message);
  }
  if (firstError !== undefined) {
    const resourceUrn = (firstError as { resource?: { urn?: unknown } })?.resource ? " (raised by a resource; see the message)" : "";
    // What it logged as errors first is often the explanation (log, then throw); it must not be lost.
    const logged = capture.loggedErrors();
    const reason = oneParagraph(errorText(firstError), 4000);
    const before = logged.length > 0 ? `${/[.!?]$/.test(reason) ? "" : "."} Before failing it logged ${logged.length === 1 ? "an error" : `${logged.length} errors`}: ${logged.map((m) => oneParagraph(m, 600)).join("; ")}` : "";
    throw new PreviewError(
      `The Pulumi program ${project.main} failed under the offline preview${resourceUrn}: ${reason}${before}`,
    );
  }
  return { resources: recorder.resources(), outputs, logs };
}

/**
 * What a resource's record gains after it was streamed: the id and state the registration
 * answered, or the outputs a component registered later. Everything else is fixed when the
 * record is made.
 */
export interface RecordedState {
  id?: string;
  outputs: Record<string, unknown>;
}

/** Messages the child sends back over IPC. */
export type ChildMessage =
  | { kind: "progress"; registered: number }
  | { kind: "recorded"; resources: RecordedResource[] }
  | { kind: "done"; result: ProgramResult }
  /** The end of a streamed run: every record was sent as "recorded"; here only their final states, in the same order. */
  | { kind: "done-streamed"; states: RecordedState[]; outputs: ProgramResult["outputs"]; logs: ProgramResult["logs"] }
  | { kind: "error"; message: string };

/** The finished records of a streamed run: each streamed record with its final id and state. */
export function finishStreamed(streamed: readonly RecordedResource[], states: readonly RecordedState[]): RecordedResource[] {
  if (states.length !== streamed.length) {
    throw new PreviewError(
      `The preview runner sent ${streamed.length} resources as they registered but ${states.length} final states: the records cannot be matched. This is a bug in netseg; please report it.`,
    );
  }
  return streamed.map((r, i) => ({ ...r, id: states[i].id, outputs: states[i].outputs }));
}

/** What the parent sends the child to start. */
export interface ChildRequest {
  project: PulumiProject;
  callsFile?: string;
  /** Send resources as they register ("recorded" messages), not only at the end. */
  stream?: boolean;
}

/** Load a `--mock-calls` JSON file: { "<token>": { ...result... } }. */
export function loadCallsFile(file: string): Record<string, CallAnswer> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new PreviewError(`Could not read the mock-calls file ${file}: ${errorText(err)}. It must be JSON: {"<function token>": {<result>}}.`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new PreviewError(`The mock-calls file ${file} must hold a JSON object mapping function tokens to results.`);
  }
  for (const [token, result] of Object.entries(parsed)) {
    if (result === null || typeof result !== "object" || Array.isArray(result)) {
      throw new PreviewError(`In ${file}, the answer for '${token}' must be an object of result fields.`);
    }
  }
  return parsed as Record<string, CallAnswer>;
}

export interface RunProgramOptions {
  callsFile?: string;
  onProgress?: (registered: number) => void;
  /**
   * Receives resources in registration order as the program registers them, in batches, so
   * the caller can analyze them while the program runs. Their ids and outputs are not final:
   * the resolved result holds the finished records.
   */
  onRecorded?: (resources: RecordedResource[]) => void;
  /** Give up (and kill the program) after this many ms; default {@link DEFAULT_PROGRAM_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Stop the program early (e.g. when a pack failed and the preview cannot pass anyway). */
  signal?: AbortSignal;
}

/**
 * How long a program may run under mocks (`--program-timeout`). Generous: the largest stacks
 * measured (thousands of resources) finish in well under a minute; a program past this waits on
 * something that never comes (a promise that never settles, a loop).
 */
export const DEFAULT_PROGRAM_TIMEOUT_MS = 300_000;

/**
 * Run the program in a forked child (see module comment) and return its recorded resources.
 * Errors (program throws, unknown provider function, child crash) become a PreviewError (exit 2).
 */
export function runProgram(project: PulumiProject, opts: RunProgramOptions = {}): Promise<ProgramResult> {
  const { timeoutMs = DEFAULT_PROGRAM_TIMEOUT_MS, signal } = opts;
  if (signal?.aborted) return Promise.reject(new PreviewError(`The Pulumi program ${project.main} was not run: the preview was cancelled.`));
  const ts = __filename.endsWith(".ts");
  const entry = path.join(__dirname, ts ? "program-child.ts" : "program-child.js");
  const child = fork(entry, [], {
    execArgv: ts ? ["--require", require.resolve("tsx/cjs")] : [],
    // tsx compiles with esbuild's synchronous API, which by default keeps an esbuild service
    // process that outlives this child (a zombie in the preview's process group where PID 1 does
    // not reap); without worker threads each compile is one esbuild run, waited for.
    env: { ...process.env, ESBUILD_WORKER_THREADS: process.env.ESBUILD_WORKER_THREADS ?? "0" },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "advanced",
  });
  trackChild(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  // A program's console output is not the report's; keep it off stdout.
  child.stdout?.on("data", (d: Buffer) => process.stderr.isTTY && process.stderr.write(d));
  return new Promise<ProgramResult>((resolve, reject) => {
    let settled = false;
    let registered = 0;
    // A streamed run's records, completed by the final message (which carries only their states).
    const streamed: RecordedResource[] = [];
    // SIGKILL: a program stuck in a loop never runs a SIGTERM handler.
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      outcome();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(
            new PreviewError(
              `The Pulumi program ${project.main} did not finish within ${timeoutMs / 1000}s under the offline preview ` +
                `(it had registered ${Math.max(registered, streamed.length)} resources): it waits on something that never comes (a promise that never settles, a loop, ` +
                `a network call the mocks do not answer). If it is only slow, raise --program-timeout or NETSEG_PROGRAM_TIMEOUT.`,
            ),
          ),
        ),
      timeoutMs,
    );
    const onAbort = () => settle(() => reject(new PreviewError(`The Pulumi program ${project.main} was stopped: the preview was cancelled.`)));
    signal?.addEventListener("abort", onAbort, { once: true });
    child.on("message", (msg: ChildMessage) => {
      if (settled) return;
      if (msg.kind === "progress") {
        registered = msg.registered;
        opts.onProgress?.(msg.registered);
      } else if (msg.kind === "recorded") {
        for (const r of msg.resources) streamed.push(r);
        opts.onRecorded?.(msg.resources);
      } else if (msg.kind === "done") settle(() => resolve(msg.result));
      else if (msg.kind === "done-streamed") {
        settle(() => {
          try {
            resolve({ resources: finishStreamed(streamed, msg.states), outputs: msg.outputs, logs: msg.logs });
          } catch (err) {
            reject(err);
          }
        });
      }
      else if (msg.kind === "error") settle(() => reject(new PreviewError(msg.message)));
    });
    child.on("exit", (code, exitSignal) => {
      settle(() =>
        reject(
          new PreviewError(
            `The Pulumi program ${project.main} stopped the preview runner (exit ${code ?? exitSignal}) before it finished` +
              (stderr ? `: ${oneParagraph(stderr, 600)}` : ". A program must not call process.exit."),
          ),
        ),
      );
    });
    child.send({ project, callsFile: opts.callsFile, stream: opts.onRecorded !== undefined } satisfies ChildRequest);
  });
}
