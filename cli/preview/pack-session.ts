/**
 * Brings a set of policy packs to the point the engine reaches before the first resource:
 * engine service up, every pack started (in parallel), GetAnalyzerInfo read, configuration
 * reconciled and sent. `close()` kills every pack we started and stops the engine service;
 * it is safe to call on any path, including after a failure.
 */
import { startEngineServer, type EngineServer } from "./engine-server";
import type { ConfiguredPack } from "./enforce";
import { PreviewError, oneParagraph } from "./errors";
import { loadPackConfig, reconcilePackConfig } from "./pack-config";
import type { PackEnvironment, RunningPack } from "./packs";
import { configurePack, getPackInfo, startPack, stopPack } from "./packs";

export interface PackSession {
  packs: ConfiguredPack[];
  engine: EngineServer;
  close(): Promise<void>;
}

/**
 * Start `dirs` with their config files (matched by position, as the Pulumi CLI matches
 * `--policy-pack` with `--policy-pack-config`).
 */
export async function openPacks(
  dirs: string[],
  configFiles: string[],
  env: Omit<PackEnvironment, "engineAddress">,
  signal?: AbortSignal,
): Promise<PackSession> {
  if (configFiles.length > 0 && configFiles.length !== dirs.length) {
    throw new PreviewError(
      `Got ${configFiles.length} --policy-pack-config file(s) for ${dirs.length} policy pack(s); give one config per --policy-pack, in the same order, or none.`,
    );
  }
  const givenConfigs = configFiles.map((f) => loadPackConfig(f));
  const engine = await startEngineServer();
  const started: RunningPack[] = [];
  const close = async () => {
    for (const p of started) stopPack(p);
    await engine.close();
  };
  try {
    const fullEnv: PackEnvironment = { ...env, engineAddress: engine.address };
    const settled = await Promise.allSettled(
      dirs.map(async (dir) => {
        const pack = await startPack(dir, fullEnv, undefined, signal);
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
          throw new PreviewError(`Policy pack ${pack.dir} started but did not answer GetAnalyzerInfo: ${oneParagraph(String(err))}`);
        });
        const where = `policy pack '${info.name}' (${pack.dir})`;
        const config = reconcilePackConfig(info.policies, info.initialConfig, givenConfigs[i] ?? {}, where);
        await configurePack(pack, config, fullEnv).catch((err) => {
          throw new PreviewError(`Policy pack '${info.name}' rejected its configuration: ${oneParagraph(String(err.details ?? err))}`);
        });
        return { pack, info, config };
      }),
    );
    return { packs, engine, close };
  } catch (err) {
    await close();
    throw err;
  }
}
