/**
 * Starts a JavaScript policy pack the way `@pulumi/pulumi/cmd/run-policy-pack` does, minus the
 * TypeScript registration. The SDK's runner registers ts-node (with `typeCheck: true`) and loads
 * the TypeScript compiler on every start, whatever the pack is written in: about 1.5-3 s of CPU
 * per pack before the pack's first line runs. `netseg preview` starts a JavaScript pack (netseg's
 * compiled packs under dist/policy-packs, a user's JavaScript pack, or the esbuild bundle of a
 * TypeScript pack, see pack-bundle.ts) with this file instead; `--typecheck-packs` keeps the
 * SDK's runner.
 *
 * The contract is the runner's: `node pack-launcher.js <engine-address> <program> [--pwd dir]`,
 * working directory the pack directory, and the pack prints its port on stdout. What runs is the
 * SDK's own: its source-map support, its `run()` from `cmd/run-policy-pack/run` (the `--pwd`
 * change of directory, loading the program, calling an exported function, the module-not-found
 * diagnostics and the handlers that log an uncaught error before exiting non-zero), called with
 * `typeScript: false`, and the uncaught-error bookkeeping of the runner's index.js, copied below.
 * The SDK is the one the pack itself resolves, as the CLI runs it. An SDK whose runner has no
 * `run()` to call falls back to the runner itself. Not done: the runner's V8 inspector hooks
 * (a debugger session that records every parsed script), which only closure serialization
 * (`pulumi.runtime.serializeFunction`) uses; a policy pack does not serialize closures.
 *
 * One addition, for the preview's driver: with NETSEG_PACK_TYPES_FILE set, the policies the pack
 * serves are written there as it starts serving (see {@link resourceTypesOf}), so the driver
 * knows which resource types the pack's resource policies can examine at all.
 *
 * It also defers the two modules of the SDK's closure serializer that a pack never calls (see
 * sdk-startup.ts).
 *
 * Plain CommonJS that imports only sdk-startup.ts of netseg's modules: it runs in the pack's
 * process as its main module, compiled by tsc beside it (dist) or transpiled with it on the fly
 * (sources, see packLauncher in packs.ts).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loads the SDK the pack resolves, at run time */
import * as fs from "node:fs";
import * as path from "node:path";
import { deferSdkClosureModules } from "./sdk-startup";

/** What a pack serves, as the driver needs it (the file NETSEG_PACK_TYPES_FILE names). */
export interface PackTypeManifest {
  /** Every policy the pack serves, by name (resource and stack). */
  policies: string[];
  /**
   * The resource types its resource policies (validations and remediations) can examine, or
   * null when any of them does not declare its types: then every resource may matter.
   */
  resourceTypes: string[] | null;
  /**
   * The resource types without any of which every stack policy of the pack is not applicable
   * (and reads nothing else), or null when any stack policy does not declare them.
   */
  stackTypes: string[] | null;
}

type Marked = { __netsegTypes?: unknown; __pulumiType?: unknown };

function declaredTypes(fn: unknown, serverChecksPulumiType: boolean): string[] | undefined {
  if (typeof fn !== "function") return undefined;
  const marks = fn as Marked;
  // netseg's rules (policy-packs/rules/define.ts): the function returns at once for any other type.
  if (Array.isArray(marks.__netsegTypes) && marks.__netsegTypes.every((t) => typeof t === "string")) return marks.__netsegTypes as string[];
  // @pulumi/policy's own mark, which its server honours before calling a lone validation or a remediation.
  if (serverChecksPulumiType && typeof marks.__pulumiType === "string" && marks.__pulumiType.length > 0) return [marks.__pulumiType];
  return undefined;
}

/**
 * The resource types the resource policies of `policies` examine: each validation and
 * remediation function must carry its types (netseg's `__netsegTypes`, or @pulumi/policy's
 * `__pulumiType` where the policy server itself skips other types), or the answer is null.
 */
export function resourceTypesOf(policies: readonly unknown[]): PackTypeManifest {
  const names: string[] = [];
  const types = new Set<string>();
  const stackTypes = new Set<string>();
  let known = true;
  let stackKnown = true;
  for (const p of policies) {
    const policy = (p ?? {}) as { name?: unknown; validateResource?: unknown; remediateResource?: unknown; validateStack?: unknown };
    names.push(String(policy.name));
    if (policy.validateStack !== undefined) {
      // @pulumi/policy's server itself finds a stack policy marked __pulumiType not applicable
      // to a stack without that type; netseg's stack rules say so before reading anything.
      const declared = declaredTypes(policy.validateStack, true);
      if (declared) declared.forEach((t) => stackTypes.add(t));
      else stackKnown = false;
    }
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource === undefined ? [] : [policy.validateResource];
    const fns: [unknown, boolean][] = validations.map((v) => [v, !Array.isArray(policy.validateResource)]);
    if (policy.remediateResource !== undefined) fns.push([policy.remediateResource, true]);
    for (const [fn, serverChecks] of fns) {
      const declared = declaredTypes(fn, serverChecks);
      if (declared) declared.forEach((t) => types.add(t));
      else known = false;
    }
  }
  return { policies: names, resourceTypes: known ? [...types].sort() : null, stackTypes: stackKnown ? [...stackTypes].sort() : null };
}

/** Record what the pack serves in NETSEG_PACK_TYPES_FILE, as @pulumi/policy's server starts. */
function recordServedPolicies(program: string, packDir: string): void {
  const out = process.env.NETSEG_PACK_TYPES_FILE;
  if (!out) return;
  let server: { serve?: (...args: unknown[]) => unknown };
  try {
    const target = path.resolve(packDir, program);
    const programDir = fs.statSync(target).isDirectory() ? target : path.dirname(target);
    // The module the pack's PolicyPack calls (policy.js reads `server.serve` at each call). Should
    // the pack load another copy, this one is never called and no manifest is written.
    server = require(require.resolve("@pulumi/policy/server", { paths: [programDir, packDir] }));
  } catch {
    return; // no manifest: the driver sends the pack every resource
  }
  const serve = server.serve;
  if (typeof serve !== "function") return;
  server.serve = function (this: unknown, ...args: unknown[]) {
    try {
      const served = (args[3] as { policies?: unknown[] } | undefined)?.policies ?? [];
      fs.writeFileSync(out, JSON.stringify(resourceTypesOf(served)));
    } catch {
      // no manifest
    }
    return serve.apply(this, args);
  };
}

/** The runner's index.js, without TypeScript and V8 hooks. */
function main(args: string[]): void {
  deferSdkClosureModules();
  const uncaughtErrors = new Set<unknown>();
  const loggedErrors = new Set<unknown>();
  let programRunning = false;
  const uncaughtHandler = (err: Error) => {
    uncaughtErrors.add(err);
    if (!programRunning) console.error(err?.stack || err?.message || "" + err);
  };
  process.on("uncaughtException", uncaughtHandler);
  process.on("unhandledRejection", uncaughtHandler);
  process.on("exit", (code) => {
    if (code === 0 && uncaughtErrors.size > 0) {
      for (const err of uncaughtErrors) {
        if (!loggedErrors.has(err)) {
          process.exitCode = 1;
          return;
        }
      }
      process.exitCode = 32; // the runner's "exited after logging a user-actionable message"
    }
  });

  // The runner is the one the CLI finds from the pack directory (the working directory); so is its SDK.
  const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [process.cwd()] }));
  require(require.resolve("source-map-support/register", { paths: [sdk] }));
  const runner = require(path.join(sdk, "cmd", "run-policy-pack", "run"));
  if (typeof runner?.run !== "function") {
    // An SDK without the runner's run(): start the pack as the CLI does.
    process.removeListener("uncaughtException", uncaughtHandler);
    process.removeListener("unhandledRejection", uncaughtHandler);
    process.argv = [process.argv[0], path.join(sdk, "cmd", "run-policy-pack"), ...args];
    require(path.join(sdk, "cmd", "run-policy-pack"));
    return;
  }
  const minimist = require(require.resolve("minimist", { paths: [sdk] }));
  const argv: { _: string[]; pwd?: string } = minimist(args, {});
  if (argv._.length < 2) {
    console.error("usage: RUN <engine-address> <program>");
    process.exit(-1);
  }
  argv._.shift(); // the engine address
  recordServedPolicies(String(argv._[0]), argv.pwd ? path.resolve(String(argv.pwd)) : process.cwd());
  const promise: Promise<unknown> = runner.run({
    argv,
    programStarted: () => {
      programRunning = true;
    },
    reportLoggedError: (err: unknown) => loggedErrors.add(err),
    typeScript: false,
  });
  promise.then(() => {
    programRunning = false;
  });
}

if (require.main === module) main(process.argv.slice(2));
