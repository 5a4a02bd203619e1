/**
 * `netseg fleet`: a tenant fleet's stacks (a transit stack and one per shard) in one command.
 * - `netseg fleet preview [dir]`: every stack offline (no cloud, no Pulumi CLI) as `netseg preview`
 *   runs one, netseg's policy packs included, transit first, shards in parallel up to the cores,
 *   then tenant isolation across shards. Exit 0 when every stack ran, no pack found a mandatory
 *   violation and no tenant reaches another; 1 when a stack has a mandatory violation (or a
 *   program error) or some path between tenants is open; 2 when a stack failed or the fleet could
 *   not be analysed (said why).
 * - `netseg fleet run <up|preview|refresh> [dir]`: the same stacks through the Pulumi Automation
 *   API (needs the Pulumi CLI and a backend), transit first, shards `--parallel` at a time; up and
 *   preview with netseg's policy packs (or `--policy-pack`s). Each stack's CLI output is relayed,
 *   prefixed with the stack; the summary (JSON) ends the run. Exit codes as for `fleet preview`:
 *   1 when stacks failed only for what they found (mandatory policy violations; changes under
 *   `--expect-no-changes`, which with `--refresh` detects drift), 2 for any other failure or skip.
 */
import { InvalidArgumentError, type Command } from "commander";
import * as path from "node:path";
import { checkRunOptions, findPulumiCli, fleetStacks, localWorkspaceStacks, runFleet, type FleetOperation } from "./driver";
import { fleetStackNames, previewFleetOffline } from "./offline";
import { signalExitCode, takeOverSignals, type StopSignal } from "../preview/cleanup";
import { PreviewError } from "../preview/errors";
import { discoverPacks } from "../preview/packs";
import { PACKAGE_ROOT } from "../preview/run";

const positive = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a whole number from 1 (got "${v}")`);
  return n;
};

export function registerFleetCommand(program: Command): void {
  const fleet = program.command("fleet").description("a tenant fleet's transit and shard stacks in one command");
  fleet
    .command("preview [dir]")
    .description("record every stack of the fleet offline and check that no tenant reaches another across shards")
    .option("--transit-stack <name>", "the transit stack", "transit")
    .option("--stacks <names>", "shard stacks, comma-separated (default: every other Pulumi.<stack>.yaml)")
    .option("--parallel <n>", "shard programs at once (default: the cores)", positive("--parallel"))
    .option("--max-endpoints <n>", "largest fleet analysed at once, in zone endpoints", positive("--max-endpoints"), 600)
    .option("--no-analyse", "skip the isolation check across shards")
    .option("--no-precheck", "above --max-endpoints, report the isolation as not analysed instead of clearing tenant pairs by the TGW tables")
    .option("--cross-check <n>", "cleared tenant pairs the engine judges too, to cross-check the pre-check", positive("--cross-check"))
    .option("--no-packs", "record the stacks without running the policy packs on them")
    .option("--policy-pack <dir>", "a policy pack to run on every stack instead of netseg's (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--policy-pack-config <file>", "config for the --policy-pack of the same position (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--format <format>", "text or json", "text")
    .action(async (dir: string | undefined, o: { transitStack: string; stacks?: string; parallel?: number; maxEndpoints: number; analyse: boolean; precheck: boolean; crossCheck?: number; packs: boolean; policyPack?: string[]; policyPackConfig?: string[]; format: string }) => {
      if (o.format !== "text" && o.format !== "json") throw new PreviewError(`--format must be text or json (got "${o.format}")`);
      const programDir = dir ?? ".";
      const r = await previewFleetOffline({
        programDir,
        transitStack: o.transitStack,
        shardStacks: o.stacks ? o.stacks.split(",").map((s) => s.trim()).filter(Boolean) : undefined,
        parallelism: o.parallel,
        analyse: o.analyse,
        maxEndpoints: o.maxEndpoints,
        packs: o.packs,
        precheck: o.precheck,
        ...(o.crossCheck ? { crossCheck: o.crossCheck } : {}),
        ...(o.policyPack ? { policyPacks: o.policyPack } : {}),
        ...(o.policyPackConfig ? { policyPackConfigs: o.policyPackConfig } : {}),
        onStack: (s, n, ms) => process.stderr.write(`${s}: ${n} resources in ${ms} ms\n`),
      });
      const failing = r.stacks.filter((s) => s.verdict?.exitCode === 1).map((s) => s.stack);
      const code = r.failures.length || (o.analyse && r.notAnalysed) ? 2 : failing.length || r.crossTenantPaths?.length ? 1 : 0;
      const summary = {
        stacks: r.stacks.map((s) => ({ stack: s.stack, resources: s.resources.length, ms: s.ms, ...(s.verdict ? { packs: s.verdict } : {}) })),
        failures: r.failures,
        ...(r.joined ? { renamedIds: r.joined.renamedIds.length, ambiguousReferences: r.joined.ambiguousReferences } : {}),
        ...(r.precheck ? { precheck: r.precheck } : {}),
        ...(r.crossTenantPaths ? { crossTenantPaths: r.crossTenantPaths } : {}),
        ...(r.notAnalysed ? { notAnalysed: r.notAnalysed } : {}),
      };
      if (o.format === "json") process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
      else {
        for (const s of r.stacks) {
          const v = s.verdict;
          const verdict = v ? `; packs: ${v.mandatory} mandatory, ${v.advisory} advisory${v.exitCode ? " - FAILS" : ""}` : "";
          process.stdout.write(`${s.stack}: ${s.resources.length} resources (${s.ms} ms)${verdict}\n`);
          for (const x of v?.violations.filter((x) => x.level === "mandatory") ?? []) process.stdout.write(`  mandatory ${x.policy}: ${x.message.split("\n").map((l) => l.trim()).filter(Boolean).join(" - ")} (${x.urn})\n`);
        }
        if (o.packs && failing.length) process.stdout.write(`${failing.length} stack(s) fail their preview (a mandatory violation or a program error): ${failing.join(", ")}\n`);
        for (const f of r.failures) process.stdout.write(`FAILED ${f.stack}: ${f.error}\n`);
        const p = r.precheck;
        if (p) process.stdout.write(`Isolation pre-check (fleet above --max-endpoints): ${p.tenants} tenants, ${p.clearedPairs} pairs cleared by the TGW tables, ${p.openPairs} left to the engine (${p.engineRuns} engine runs${p.crossChecked ? `, ${p.crossChecked} cleared pairs cross-checked, ${p.disagreements} disagreeing` : ""})${p.fallback ? `; nothing cleared: ${p.fallback}` : ""}\n`);
        if (r.notAnalysed && o.analyse) process.stdout.write(`Tenant isolation NOT analysed: ${r.notAnalysed}\n`);
        if (r.crossTenantPaths) process.stdout.write(r.crossTenantPaths.length ? `${r.crossTenantPaths.length} path(s) between tenants:\n${r.crossTenantPaths.map((p) => `  ${p}`).join("\n")}\n` : "No path between tenants across the fleet.\n");
      }
      process.exitCode = code;
    });
  fleet
    .command("run <operation> [dir]")
    .description("up, preview or refresh every stack of the fleet through the Pulumi Automation API (needs the Pulumi CLI), with netseg's policy packs on up and preview")
    .option("--transit-stack <name>", "the transit stack", "transit")
    .option("--parallel <n>", "shard stacks at once", positive("--parallel"), 4)
    .option("--no-packs", "run up or preview without policy packs")
    .option("--policy-pack <dir>", "a policy pack the engine runs on every stack instead of netseg's (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--policy-pack-config <file>", "config for the --policy-pack of the same position (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--refresh", "up and preview read each stack's cloud state first (what is deployed, not what was last recorded)")
    .option("--expect-no-changes", "fail each stack whose operation proposes a change, listing the changes (drift detection; exit 1)")
    .option("--quiet", "do not relay what the Pulumi CLI prints for each stack")
    .action(async (operation: string, dir: string | undefined, o: { transitStack: string; parallel: number; packs: boolean; policyPack?: string[]; policyPackConfig?: string[]; refresh?: boolean; expectNoChanges?: boolean; quiet?: boolean }) => {
      if (!["up", "preview", "refresh"].includes(operation)) throw new PreviewError(`operation must be up, preview or refresh (got "${operation}")`);
      const programDir = dir ?? ".";
      const shards = fleetStackNames(programDir, o.transitStack).map((name) => ({ name, index: Number(/^shard-(\d+)$/.exec(name)?.[1]) }));
      const bad = shards.filter((s) => Number.isNaN(s.index)).map((s) => s.name);
      if (bad.length) throw new PreviewError(`stack files ${bad.join(", ")} are neither the transit stack nor shard-<index>; rename them or pass --transit-stack`);
      const packs = runPacks(operation as FleetOperation, o);
      checkRunOptions({ operation: operation as FleetOperation, ...packs, refresh: o.refresh });
      // netseg's packs load @pulumi/policy (an optional peer) from the user's project: without it
      // the engine would fail every stack alike, after starting each.
      const unreachable = packs.netseg ? packs.policyPacks.filter((d) => !resolvableFrom("@pulumi/policy/package.json", d)) : [];
      if (unreachable.length) {
        throw new PreviewError(
          `netseg's policy packs load @pulumi/policy, which is not installed where they can reach it (from ${unreachable[0]}). ` +
            "Install it in your project (npm install --save-dev @pulumi/policy), or run without packs: --no-packs.",
        );
      }
      // Every pack and config checked, and the CLI found, before any stack starts.
      await findPulumiCli();
      const { transit, shards: specs } = fleetStacks(shards.map((s) => s.index), o.transitStack);
      const output = o.quiet ? undefined : prefixedOutput();
      const cancel = cancelOnSignals();
      try {
        const s = await runFleet({
          operation: operation as FleetOperation,
          transit,
          shards: specs,
          parallelism: o.parallel,
          open: localWorkspaceStacks(programDir),
          policyPacks: packs.policyPacks,
          ...(packs.policyPackConfigs ? { policyPackConfigs: packs.policyPackConfigs } : {}),
          ...(o.refresh ? { refresh: true } : {}),
          ...(o.expectNoChanges ? { expectNoChanges: true } : {}),
          signal: cancel.signal,
          ...(output ? { onOutput: output.write } : {}),
          onStack: (x) => {
            output?.end(x.stack);
            const policy = x.policy ? `; policy: ${x.policy.mandatory} mandatory, ${x.policy.advisory} advisory` : "";
            process.stderr.write(`${x.stack}: ${x.status} (${x.ms} ms)${policy}${x.reason ? ` - ${x.reason}` : ""}\n`);
          },
        });
        process.stdout.write(JSON.stringify(s, null, 2) + "\n");
        const stoppedBy = cancel.stoppedBy();
        process.exitCode = stoppedBy ? signalExitCode(stoppedBy) : s.exitCode;
      } finally {
        cancel.dispose();
      }
    });
}

/**
 * The packs `fleet run` gives the engine: `--policy-pack` dirs, else netseg's own (the folders the
 * package ships, which the Pulumi CLI runs in place); none with `--no-packs` or for `refresh`,
 * which runs no policies (given ones are refused by checkRunOptions).
 */
function runPacks(operation: FleetOperation, o: { packs: boolean; policyPack?: string[]; policyPackConfig?: string[] }): { policyPacks: string[]; policyPackConfigs?: string[]; netseg: boolean } {
  const given = (o.policyPack ?? []).map((d) => path.resolve(d));
  const configs = (o.policyPackConfig ?? []).map((c) => path.resolve(c));
  const withConfigs = (dirs: string[], netseg: boolean) => ({ policyPacks: dirs, ...(configs.length ? { policyPackConfigs: configs } : {}), netseg });
  if (!o.packs && (given.length || configs.length)) throw new PreviewError("--no-packs runs no policy pack; drop it, or drop --policy-pack and --policy-pack-config.");
  if (!o.packs) return { policyPacks: [], netseg: false };
  if (given.length || operation === "refresh") return withConfigs(given, false);
  const dirs = discoverPacks(PACKAGE_ROOT);
  // Nothing would enforce the segmentation, which is no pass: say so rather than run without.
  if (dirs.length === 0) {
    throw new PreviewError(`No policy pack to run: none was given and ${path.join(PACKAGE_ROOT, "policy-packs")} holds none. Pass --policy-pack <dir> (repeatable), or --no-packs.`);
  }
  return withConfigs(dirs, true);
}

function resolvableFrom(request: string, dir: string): boolean {
  try {
    require.resolve(request, { paths: [dir] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Each stack's CLI output (stdout and stderr) on stderr, line by line, each line prefixed with its
 * stack (stacks run side by side); a line is kept until it ends, per stack and stream.
 */
function prefixedOutput(): { write: (stack: string, text: string, stream: string) => void; end: (stack: string) => void } {
  const partial = new Map<string, string>();
  return {
    write: (stack, text, stream) => {
      const key = `${stack}\0${stream}`;
      const lines = ((partial.get(key) ?? "") + text).split("\n");
      partial.set(key, lines.pop()!);
      for (const line of lines) process.stderr.write(`[${stack}] ${line}\n`);
    },
    end: (stack) => {
      for (const stream of ["stdout", "stderr"]) {
        const key = `${stack}\0${stream}`;
        const rest = partial.get(key);
        if (rest) process.stderr.write(`[${stack}] ${rest}\n`);
        partial.delete(key);
      }
    },
  };
}

/**
 * A stop signal (SIGINT, SIGTERM, SIGHUP) cancels the run: the Automation API stops each running
 * CLI as Ctrl-C does (so no stack is left locked with a pending operation) and no other stack
 * starts; the summary is still written, and the run exits as a stopped command does (130, 143,
 * 129). A second signal stops everything at once (cleanup.ts). Outside `runCli` (in tests) no
 * handler is installed, so nothing is taken over.
 */
function cancelOnSignals(): { signal: AbortSignal; stoppedBy: () => StopSignal | undefined; dispose: () => void } {
  const controller = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const dispose = takeOverSignals((sig) => {
    if (stoppedBy) return false;
    stoppedBy = sig;
    process.stderr.write(`${sig}: cancelling; waiting for the running stacks to stop (again to stop at once)\n`);
    controller.abort();
    return true;
  });
  return { signal: controller.signal, stoppedBy: () => stoppedBy, dispose };
}

export { runFleet, fleetStacks, localWorkspaceStacks, findPulumiCli } from "./driver";
export { previewFleetOffline, fleetStackNames } from "./offline";
