/**
 * Brings a set of policy packs to the point the engine reaches before the first resource:
 * engine service up, every pack started (in parallel; TypeScript packs from their bundled
 * sources unless `typecheckPacks`, see pack-bundle.ts), GetAnalyzerInfo read, configuration
 * reconciled and sent. `close()` kills every pack we started, stops the engine service and
 * removes the bundles; it is safe to call on any path, including after a failure.
 */
import * as os from "node:os";
import * as path from "node:path";
import { makeTempFolder, releaseFolder } from "./cleanup";
import { startEngineServer, type EngineServer } from "./engine-server";
import type { ConfiguredPack } from "./enforce";
import { PreviewError, oneParagraph } from "./errors";
import { loadPackConfigs, reconcilePackConfig } from "./pack-config";
import type { PackEnvironment, RunningPack } from "./packs";
import { bundlePack, isTypeScriptPack } from "./pack-bundle";
import { DEADLINE_EXCEEDED, configurePack, getPackInfo, packLauncher, startPack, stopPack, type PackInfo } from "./packs";

export interface PackSession {
  packs: ConfiguredPack[];
  engine: EngineServer;
  close(): Promise<void>;
}

export interface OpenPacksOptions {
  /** Cancels pending starts. */
  signal?: AbortSignal;
  /**
   * Start TypeScript packs from their sources, type-checked by ts-node, exactly as the Pulumi
   * CLI does (slower). Default: start them from an esbuild bundle of their sources.
   */
  typecheckPacks?: boolean;
  /** How long a pack may take to print its port, in ms. */
  startTimeoutMs?: number;
  /** Deadline of each call to a pack, in ms. */
  callTimeoutMs?: number;
}

/**
 * The resource types whose analyze and remediate calls can matter to the pack, and those without
 * which none of its stack policies applies: each known only when the launcher saw the pack serve
 * policies that all declare them (netseg's rules do), and the pack's GetAnalyzerInfo lists
 * exactly the policies the launcher saw. NETSEG_PACK_ALL_RESOURCES=1 sends every pack every
 * resource regardless.
 */
function resourceTypesOf(pack: RunningPack, info: PackInfo): { resourceTypes?: ReadonlySet<string>; stackTypes?: ReadonlySet<string> } {
  const served = pack.served;
  if (!served || process.env.NETSEG_PACK_ALL_RESOURCES === "1") return {};
  const names = (list: readonly string[]) => [...list].sort().join("\n");
  if (names(served.policies) !== names(info.policies.map((p) => p.name))) return {};
  return {
    ...(served.resourceTypes !== null ? { resourceTypes: new Set(served.resourceTypes) } : {}),
    ...(served.stackTypes !== null ? { stackTypes: new Set(served.stackTypes) } : {}),
  };
}

/** How long a stopped pack may take to exit before it is killed. */
const PACK_STOP_GRACE_MS = 3000;

function packExited(pack: RunningPack, graceMs: number): Promise<void> {
  const child = pack.process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Start `dirs` with their config files (matched by position, as the Pulumi CLI matches
 * `--policy-pack` with `--policy-pack-config`).
 */
export async function openPacks(
  dirs: string[],
  configFiles: string[],
  env: Omit<PackEnvironment, "engineAddress">,
  options: OpenPacksOptions = {},
): Promise<PackSession> {
  const { signal, typecheckPacks = false, startTimeoutMs, callTimeoutMs } = options;
  const givenConfigs = loadPackConfigs(configFiles, dirs.length);
  const engine = await startEngineServer();
  const started: RunningPack[] = [];
  /** The session's temp folder: bundles, the launcher when running from sources, what packs serve. */
  let bundles: string | undefined;
  const tmp = () => (bundles ??= makeTempFolder(os.tmpdir(), "netseg-packs-"));
  const close = async () => {
    for (const p of started) stopPack(p);
    // Wait until each pack has exited (and Node has reaped it): a CLI that exits first leaves
    // them dying, or as zombies, behind it. One that ignores its stop is killed.
    await Promise.all(started.map((p) => packExited(p, PACK_STOP_GRACE_MS)));
    await engine.close();
    if (bundles) releaseFolder(bundles);
  };
  try {
    const fullEnv: PackEnvironment = { ...env, engineAddress: engine.address };
    const settled = await Promise.allSettled(
      dirs.map(async (dir, i) => {
        let program: string | undefined;
        const typeScript = isTypeScriptPack(dir);
        if (!typecheckPacks && typeScript) program = await bundlePack(dir, path.join(tmp(), String(i)));
        // JavaScript (a bundle, or a pack written in it) starts without the SDK runner's ts-node.
        const launcher = !typecheckPacks && (program !== undefined || !typeScript) ? packLauncher(tmp()) : undefined;
        const typesFile = launcher ? path.join(tmp(), `${i}.served.json`) : undefined;
        const pack = await startPack(dir, fullEnv, { signal, program, timeoutMs: startTimeoutMs, callTimeoutMs, launcher, typesFile });
        started.push(pack);
        return pack;
      }),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    const running = settled.map((s) => (s as PromiseFulfilledResult<RunningPack>).value);
    const packs = await Promise.all(
      running.map(async (pack, i) => {
        const info = await getPackInfo(pack).catch((err) => {
          const late = err?.code === DEADLINE_EXCEEDED ? ` within ${pack.callTimeoutMs / 1000}s (--analyze-timeout or NETSEG_ANALYZE_TIMEOUT sets the limit)` : "";
          throw new PreviewError(`Policy pack ${pack.dir} started but did not answer GetAnalyzerInfo${late}: ${oneParagraph(String(err))}`);
        });
        const where = `policy pack '${info.name}' (${pack.dir})`;
        const config = reconcilePackConfig(info.policies, info.initialConfig, givenConfigs[i] ?? {}, where);
        await configurePack(pack, config, fullEnv).catch((err) => {
          if (err?.code === DEADLINE_EXCEEDED) {
            throw new PreviewError(
              `Policy pack '${info.name}' (${pack.dir}) did not answer its configuration within ${pack.callTimeoutMs / 1000}s (--analyze-timeout or NETSEG_ANALYZE_TIMEOUT sets the limit).`,
            );
          }
          throw new PreviewError(`Policy pack '${info.name}' rejected its configuration: ${oneParagraph(String(err.details ?? err))}`);
        });
        return { pack, info, config, ...resourceTypesOf(pack, info) };
      }),
    );
    return { packs, engine, close };
  } catch (err) {
    await close();
    throw err;
  }
}
