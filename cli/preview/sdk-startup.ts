/**
 * Start-up cost of `@pulumi/pulumi` in the preview's own processes (the program runner and each
 * pack started with netseg's launcher). Loading the SDK's index loads its closure serializer,
 * which at load time requires the TypeScript compiler (through `typescript-shim`) and
 * `@npmcli/arborist` with its npm client tree (through `runtime/closure/codePaths`): about half a
 * second of CPU per process on an idle core, more on a busy one, for modules that only
 * `pulumi.runtime.serializeFunction` and the code-path computation of closure packaging call.
 * A preview runs five such processes, a fleet preview one per stack.
 *
 * {@link deferSdkClosureModules} hands those two `require`s, and only those (by the requiring
 * file inside `@pulumi/pulumi`), a stand-in that loads the real module, through the same
 * `require`, on first use: a program that serializes a closure gets the same module it would
 * have had, a moment later. Everything else loads as before. Under tsx (netseg run from its
 * TypeScript sources, or the SDK loaded after tsx's hook) tsx asks each module it compiled for an
 * own property named "module.exports", its mark of an ES module's CommonJS face; neither deferred
 * module has one, and the stand-in says so without loading it.
 *
 * Plain CommonJS without imports of netseg's own modules: the pack launcher loads it from beside
 * itself (compiled in dist, or transpiled with it when running from the sources).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- hooks Node's CommonJS loader */
import * as path from "node:path";

/** The SDK files whose load-time `require` of a module is deferred, and that module. */
const DEFERRED: readonly { from: readonly string[]; request: string; esModule: boolean }[] = [
  // typescript-shim.js exports the TypeScript package as it loads; parseFunction uses it in functions only.
  { from: ["@pulumi", "pulumi", "typescript-shim.js"], request: "typescript", esModule: false },
  // codePaths.js imports arborist through __importStar and uses it as `new arborist.Arborist(...)`.
  // Answering __esModule keeps __importStar from enumerating (and so loading) the module.
  { from: ["@pulumi", "pulumi", "runtime", "closure", "codePaths.js"], request: "@npmcli/arborist", esModule: true },
];

interface ModuleStatics {
  _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
}

/** tsx's probe of each module it compiled (see the module comment). */
const TSX_EXPORTS_MARK = "module.exports";

/**
 * A stand-in for a module that loads it on the first look at any of its properties (but tsx's
 * probe for its own mark, which the deferred modules do not carry).
 */
export function deferredModule(load: () => object, answersEsModule: boolean): object {
  let real: object | undefined;
  const target = (): object => (real ??= load());
  return new Proxy(
    {},
    {
      get: (_t, key) => (key === "__esModule" && answersEsModule ? true : Reflect.get(target(), key)),
      set: (_t, key, value) => Reflect.set(target(), key, value),
      has: (_t, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_t, key) => {
        if (key === TSX_EXPORTS_MARK && real === undefined) return undefined;
        const d = Reflect.getOwnPropertyDescriptor(target(), key);
        // The stand-in's own (empty, extensible) target allows only configurable answers.
        return d && { ...d, configurable: true };
      },
      getPrototypeOf: () => Reflect.getPrototypeOf(target()),
    },
  );
}

let installed = false;

/** Defer the closure serializer's two heavy `require`s for the rest of this process (idempotent). */
export function deferSdkClosureModules(): void {
  if (installed) return;
  installed = true;
  const Module = require("node:module") as ModuleStatics;
  const load = Module._load;
  const suffixes = DEFERRED.map((d) => ({ ...d, suffix: path.sep + d.from.join(path.sep) }));
  Module._load = function (this: unknown, request, parent, isMain) {
    const from = parent?.filename;
    if (from) {
      for (const d of suffixes) {
        if (request === d.request && from.endsWith(d.suffix)) return deferredModule(() => load.call(this, request, parent, false) as object, d.esModule);
      }
    }
    return load.call(this, request, parent, isMain);
  };
}
