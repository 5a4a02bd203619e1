/**
 * Starts CrossGuard policy packs exactly as the Pulumi CLI does and speaks the Analyzer gRPC
 * protocol to them. The CLI runs `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack
 * <engine-address> .` with the pack directory as working directory and PULUMI_CONFIG /
 * PULUMI_NODEJS_{PROJECT,STACK,DRY_RUN} in the environment, then reads the port the pack prints
 * on stdout (sdk/go/common/resource/plugin/analyzer_plugin.go). We do the same, so a pack that
 * works here works unchanged under `pulumi preview --policy-pack`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fromPulumi, pulumiGrpc } from "./engine-server";
import { trackChild } from "./cleanup";
import { PreviewError, oneParagraph } from "./errors";
import type { PackConfig, PolicyInfoForConfig } from "./pack-config";
import type { PackTypeManifest } from "./pack-launcher";
import type { EnforcementLevel, PolicySummary } from "./types";

/* eslint-disable @typescript-eslint/no-require-imports -- generated protobuf modules are CommonJS */
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
export const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");
/* eslint-enable @typescript-eslint/no-require-imports */
const structProto = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const emptyProto = fromPulumi("google-protobuf/google/protobuf/empty_pb");

const LEVEL_BY_ENUM: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const ENUM_BY_LEVEL: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
const SEVERITIES = [undefined, "low", "medium", "high", "critical"] as const;

export function levelFromEnum(n: number): EnforcementLevel {
  return LEVEL_BY_ENUM[n] ?? "advisory";
}
export function severityFromEnum(n: number): "low" | "medium" | "high" | "critical" | undefined {
  return SEVERITIES[n];
}

/** Everything GetAnalyzerInfo told us. */
export interface PackInfo {
  name: string;
  version: string;
  policies: (PolicySummary & PolicyInfoForConfig)[];
  initialConfig: PackConfig;
}

/** Environment the CLI gives an analyzer plugin. */
export interface PackEnvironment {
  engineAddress: string;
  project: string;
  stack: string;
  organization?: string;
  config: Record<string, string>;
}

/** A running pack: its process and a connected AnalyzerClient. */
export interface RunningPack {
  dir: string;
  process: ChildProcess;
  client: any;
  /** The pack's stderr so far (for error messages). */
  stderr(): string;
  /** Settles when the pack's process exits. */
  exited: Promise<void>;
  /** Deadline of each call to the pack, in ms (see {@link DEFAULT_CALL_TIMEOUT_MS}). */
  callTimeoutMs: number;
  /** What the pack said it serves as it started (netseg's launcher only, see pack-launcher.ts). */
  served?: PackTypeManifest;
}

/**
 * V8 flags of a pack's process. A pack serves stack after stack (a fleet's lane sends each of
 * its stacks to one set of packs), and each analyzeStack of a large stack decodes every resource
 * once per stack policy: V8's default heap growth, sized on that churn, let netseg's conformance
 * pack reach 1.7 GB by the fifth 100-tenant shard of examples/tenant-fleet. A fixed growth factor
 * of 1.5 held it at 780 MB (the AWS pack 825 -> 400 MB) for about 10% more pack CPU, measured
 * over five shards in one lane. A growth factor never fails a run; a heap limit could.
 */
const PACK_V8_FLAGS = ["--heap-growing-percent=50"];

/** How long a pack may take to print its port (`--pack-start-timeout`). */
export const DEFAULT_START_TIMEOUT_MS = 120_000;
/**
 * How long one call to a pack may take (`--analyze-timeout`): GetAnalyzerInfo, Configure, one
 * resource's Remediate or Analyze, or AnalyzeStack. Generous: a call waits behind the others in
 * flight to the same pack, and AnalyzeStack reads every resource at once.
 */
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;

/** gRPC's DEADLINE_EXCEEDED status code. */
export const DEADLINE_EXCEEDED = 4;

function callOptions(timeoutMs: number | undefined): { deadline?: number } {
  return timeoutMs !== undefined && Number.isFinite(timeoutMs) ? { deadline: Date.now() + timeoutMs } : {};
}

/** True when `dir` holds a policy pack (a PulumiPolicy.yaml). */
export function isPackDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, "PulumiPolicy.yaml")) || fs.existsSync(path.join(dir, "PulumiPolicy.yml"));
}

/** Refuses a directory that is missing or holds no PulumiPolicy.yaml, naming it. */
export function checkPackDir(dir: string): void {
  if (!fs.existsSync(dir)) throw new PreviewError(`Policy pack directory ${dir} does not exist.`);
  if (!isPackDir(dir)) throw new PreviewError(`${dir} is not a policy pack: it has no PulumiPolicy.yaml.`);
}

/** The default packs: every `policy-packs/*` directory with a PulumiPolicy.yaml, sorted. */
export function discoverPacks(root: string): string[] {
  const base = path.join(root, "policy-packs");
  if (!fs.existsSync(base)) return [];
  return fs
    .readdirSync(base)
    .map((d) => path.join(base, d))
    .filter((d) => fs.statSync(d).isDirectory() && isPackDir(d))
    .sort();
}

/** Promisified unary call on the AnalyzerClient; past `timeoutMs` it fails with DEADLINE_EXCEEDED. */
export function unary<T>(client: any, method: string, request: unknown, timeoutMs?: number): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, callOptions(timeoutMs), (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp))),
  );
}

/**
 * A unary Analyze, Remediate or AnalyzeStack call with an already serialized request. The
 * engine sends the same request to every pack; serializing it once instead of once per pack
 * and call saves the driver most of its protobuf work (the bytes on the wire are identical).
 */
export function unarySerialized<T>(client: any, method: "analyze" | "remediate" | "analyzeStack", request: Uint8Array, timeoutMs?: number): Promise<T> {
  const def = analyzerRpc.AnalyzerService[method];
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      def.path,
      (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      def.responseDeserialize,
      request,
      callOptions(timeoutMs),
      (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp)),
    ),
  );
}

/** How to start a pack. */
export interface StartPackOptions {
  /** Give up when no port is printed within this many ms (default {@link DEFAULT_START_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Deadline of each later call to the pack, in ms (default {@link DEFAULT_CALL_TIMEOUT_MS}). */
  callTimeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The JavaScript file run-policy-pack should load instead of the pack directory (its
   * bundled sources, see pack-bundle.ts); the pack directory stays the working directory.
   */
  program?: string;
  /**
   * Start the pack with netseg's launcher (this JavaScript file, see pack-launcher.ts) instead
   * of the SDK's runner, which registers ts-node first: only for a pack that is JavaScript.
   */
  launcher?: string;
  /** With `launcher`: the file where the launcher records the policies the pack serves. */
  typesFile?: string;
}

let launcherScript: string | undefined;

/**
 * The launcher as a JavaScript file: compiled beside this module in the package (dist), or,
 * running from the TypeScript sources, transpiled once per process into `tmpDir` (a folder the
 * caller owns). Undefined when neither can be had: packs then start with the SDK's runner.
 */
export function packLauncher(tmpDir: string): string | undefined {
  const compiled = path.join(__dirname, "pack-launcher.js");
  if (fs.existsSync(compiled)) return compiled;
  if (launcherScript && fs.existsSync(launcherScript)) return launcherScript;
  try {
    // TypeScript's own transpiler runs in this process: esbuild's synchronous API would leave
    // its service process behind (a zombie nobody reaps where PID 1 does not).
    // A dev dependency, reached only from the sources (the package ships the compiled launcher).
    const devOnly = "typescript";
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only when running from the sources
    const ts = require(devOnly) as typeof import("typescript");
    // The launcher and the one module of netseg's it imports, side by side.
    for (const name of ["sdk-startup", "pack-launcher"]) {
      const source = path.join(__dirname, `${name}.ts`);
      const { outputText } = ts.transpileModule(fs.readFileSync(source, "utf8"), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: source,
      });
      fs.writeFileSync(path.join(tmpDir, `${name}.js`), outputText);
    }
    const out = path.join(tmpDir, "pack-launcher.js");
    launcherScript = out;
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Loaded into each pack's process ahead of the SDK's runner (`--import` of a data: URL, so no
 * file is needed; the pack itself runs exactly as before): when the preview's end of the pack's
 * stdin closes, which happens however the preview ends, even by SIGKILL that it cannot clean up
 * after, the pack kills itself. Unref'd, it never keeps a pack alive on its own. A pack blocked
 * in a loop cannot run it; the preview kills those on every exit it sees (cleanup.ts).
 */
const ORPHAN_GUARD = `data:text/javascript,${encodeURIComponent(
  'process.stdin.on("end", () => process.kill(process.pid, "SIGKILL")); process.stdin.on("error", () => {}); process.stdin.resume(); process.stdin.unref();',
)}`;

/** Spawn the pack and wait for the port it prints; a pack that does not start is a PreviewError. */
export async function startPack(dir: string, env: PackEnvironment, options: StartPackOptions = {}): Promise<RunningPack> {
  const { timeoutMs = DEFAULT_START_TIMEOUT_MS, callTimeoutMs = DEFAULT_CALL_TIMEOUT_MS, signal, program = ".", launcher, typesFile } = options;
  const packDir = path.resolve(dir);
  checkPackDir(packDir);
  let runner: string;
  try {
    // The CLI runs the SDK from the pack's own node_modules (node resolution walks up from the pack).
    runner = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [packDir] })), "cmd", "run-policy-pack");
  } catch {
    throw new PreviewError(`Policy pack ${packDir} cannot find @pulumi/pulumi; run npm install in the pack (or the repository).`);
  }
  if (signal?.aborted) throw new PreviewError(`Policy pack ${packDir} did not start: the preview was cancelled.`);
  const child = spawn(process.execPath, [...PACK_V8_FLAGS, "--import", ORPHAN_GUARD, launcher ?? runner, env.engineAddress, program], {
    cwd: packDir,
    env: {
      ...process.env,
      ...(launcher && typesFile ? { NETSEG_PACK_TYPES_FILE: typesFile } : {}),
      PULUMI_CONFIG: JSON.stringify(env.config),
      PULUMI_NODEJS_PROJECT: env.project,
      PULUMI_NODEJS_STACK: env.stack,
      PULUMI_NODEJS_DRY_RUN: "true",
      ...(env.organization ? { PULUMI_NODEJS_ORGANIZATION: env.organization } : {}),
    },
    // stdin: the orphan guard's lifeline (above); nothing is ever written to it.
    stdio: ["pipe", "pipe", "pipe"],
  });
  trackChild(child);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill();
      const detail = oneParagraph(stderr || out, 900);
      const bundled = program !== "." ? ` (It ran from a bundle of its TypeScript sources; --typecheck-packs starts the sources as the Pulumi CLI does.)` : "";
      reject(new PreviewError(`Policy pack ${packDir} did not start: ${why}${detail ? `: ${detail}` : "."}${bundled}`));
    };
    const timer = setTimeout(() => fail(`it printed no port within ${timeoutMs / 1000}s (--pack-start-timeout or NETSEG_PACK_START_TIMEOUT sets the limit)`), timeoutMs);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n")[0].trim();
      if (out.includes("\n")) {
        clearTimeout(timer);
        const n = Number(line);
        if (Number.isInteger(n) && n > 0) resolve(n);
        else fail(`its first line of output was '${line.slice(0, 200)}', not a port`);
      }
    });
    child.on("error", (err) => fail(err.message));
    child.on("exit", (code) => fail(`it exited with code ${code}`));
    signal?.addEventListener("abort", () => fail("the preview was cancelled"), { once: true });
  });
  child.removeAllListeners("exit");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdout!.resume();
  const { grpc } = pulumiGrpc();
  const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  return { dir: packDir, process: child, client, stderr: () => stderr, exited, callTimeoutMs, ...(launcher && typesFile ? servedBy(typesFile) : {}) };
}

/** The launcher's record of what the pack serves, written before the pack printed its port. */
function servedBy(file: string): { served?: PackTypeManifest } {
  try {
    const served = JSON.parse(fs.readFileSync(file, "utf8")) as PackTypeManifest;
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((t) => typeof t === "string");
    if (strings(served.policies) && (served.resourceTypes === null || strings(served.resourceTypes))) {
      // A manifest without stackTypes (an older launcher): every stack policy may apply.
      return { served: { ...served, stackTypes: served.stackTypes === null || strings(served.stackTypes) ? served.stackTypes : null } };
    }
  } catch {
    // none written: the pack served through another copy of @pulumi/policy, or not at all
  }
  return {};
}

/**
 * What a pack says about a policy beyond its name and level (PolicyInfo's severity,
 * remediation_steps, url and tags; @pulumi/policy sends each only when the policy sets it), for
 * the report: SARIF shows them beside each rule. Absent fields stay absent.
 */
function describedBy(p: any): Pick<PolicySummary, "severity" | "remediationSteps" | "url" | "tags"> {
  const severity = severityFromEnum(p.getSeverity?.() ?? 0);
  const remediationSteps: string = p.getRemediationSteps?.() ?? "";
  const url: string = p.getUrl?.() ?? "";
  const tags: string[] = p.getTagsList?.() ?? [];
  return {
    ...(severity ? { severity } : {}),
    ...(remediationSteps ? { remediationSteps } : {}),
    ...(url ? { url } : {}),
    ...(tags.length > 0 ? { tags: [...tags] } : {}),
  };
}

/** GetAnalyzerInfo, as plain data. */
export async function getPackInfo(pack: RunningPack): Promise<PackInfo> {
  const info = await unary<any>(pack.client, "getAnalyzerInfo", new emptyProto.Empty(), pack.callTimeoutMs);
  const policies = info.getPoliciesList().map((p: any) => {
    const schema = p.getConfigschema();
    const kind = p.getPolicyType() === 1 ? "resource" : p.getPolicyType() === 2 ? "stack" : "unknown";
    return {
      name: p.getName(),
      description: p.getDescription(),
      level: levelFromEnum(p.getEnforcementlevel()),
      enforcementLevel: levelFromEnum(p.getEnforcementlevel()),
      kind,
      ...describedBy(p),
      ...(schema
        ? { configSchema: { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } }
        : {}),
    };
  });
  const initialConfig: PackConfig = {};
  info.getInitialconfigMap().forEach((v: any, k: string) => {
    initialConfig[k] = { enforcementLevel: levelFromEnum(v.getEnforcementlevel()), properties: v.getProperties()?.toJavaScript() };
  });
  return { name: info.getName(), version: info.getVersion(), policies, initialConfig };
}

/** Configure (and ConfigureStack, as recent engines do) with the reconciled config. */
export async function configurePack(pack: RunningPack, config: PackConfig, env: PackEnvironment): Promise<void> {
  const stackReq = new analyzerProto.AnalyzerStackConfigureRequest();
  stackReq.setStack(env.stack);
  stackReq.setProject(env.project);
  stackReq.setOrganization(env.organization ?? "");
  stackReq.setDryRun(true);
  const cfg = stackReq.getConfigMap?.();
  for (const [k, v] of Object.entries(env.config)) cfg?.set(k, v);
  await unary(pack.client, "configureStack", stackReq, pack.callTimeoutMs).catch((err: { code?: number }) => {
    if (err.code !== 12 /* UNIMPLEMENTED */) throw err;
  });
  const req = new analyzerProto.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  for (const name of Object.keys(config).sort()) {
    const entry = config[name];
    const pc = new analyzerProto.PolicyConfig();
    pc.setEnforcementlevel(ENUM_BY_LEVEL[entry.enforcementLevel ?? "advisory"]);
    pc.setProperties(structProto.Struct.fromJavaScript(entry.properties ?? {}));
    map.set(name, pc);
  }
  await unary(pack.client, "configure", req, pack.callTimeoutMs);
}

/** Stop the pack process and close its channel. */
export function stopPack(pack: RunningPack): void {
  try {
    pack.client.close();
  } catch {
    // already closed
  }
  if (pack.process.exitCode === null) pack.process.kill();
}

export { structProto };
