/**
 * Ready-to-run JavaScript for TypeScript policy packs.
 *
 * The Pulumi CLI starts every pack through `run-policy-pack`, which registers ts-node with
 * `typeCheck: true` (no tsconfig can turn it off). A TypeScript pack therefore type-checks its
 * whole import graph on every start: 2.5-4 s of CPU per pack for netseg's packs, most of a
 * preview's start-up once four packs start on two cores. A pack already compiled to JavaScript
 * starts in about a second.
 *
 * So, by default, `netseg preview` transpiles a TypeScript pack's own sources into one
 * JavaScript file with esbuild (no type-check: that is `tsc`'s job, and `npm test` runs it) and
 * hands that file to `run-policy-pack` as the program to load. Everything else stays as the CLI
 * does it: the same runner from the pack's own `@pulumi/pulumi`, the pack directory as working
 * directory (so its package.json and relative files are the ones it sees), the same
 * environment. Packages are not bundled: each bare import is resolved from the pack directory
 * at build time and loaded from there at run time, so the pack uses exactly the
 * `@pulumi/policy`, zod and other modules it would have loaded itself. Each source file keeps
 * its own `__dirname`/`__filename`. A source map beside the bundle lets the runner's
 * source-map-support point stack traces at the original files.
 *
 * `--typecheck-packs` (option `typecheckPacks`) skips this and starts the sources exactly as
 * the CLI does, type errors included. JavaScript packs (such as the compiled packs netseg
 * ships under dist/policy-packs) are always started as they are.
 */
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { PreviewError, oneParagraph } from "./errors";

/** What `require(<pack dir>)` loads, as Node resolves it with ts-node's `.ts` extension registered. */
export function packEntry(dir: string): string | undefined {
  const asFile = (p: string): string | undefined => {
    for (const candidate of [p, `${p}.js`, `${p}.ts`]) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
    return undefined;
  };
  const asDirectory = (p: string): string | undefined => asFile(path.join(p, "index"));
  const manifest = path.join(dir, "package.json");
  if (fs.existsSync(manifest)) {
    let main: unknown;
    try {
      main = JSON.parse(fs.readFileSync(manifest, "utf8")).main;
    } catch {
      return undefined; // Node would fail the same way; let the runner report it
    }
    if (typeof main === "string" && main) {
      const target = path.resolve(dir, main);
      const found = asFile(target) ?? asDirectory(target);
      if (found) return found;
    }
  }
  return asDirectory(dir);
}

/** True when the pack's entry is TypeScript, i.e. the CLI would type-check it with ts-node on start. */
export function isTypeScriptPack(dir: string): boolean {
  const entry = packEntry(dir);
  return entry !== undefined && /\.[cm]?tsx?$/.test(entry) && !entry.endsWith(".d.ts");
}

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number } | null;
}
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ errors: EsbuildMessage[] }>;
  stop(): Promise<void>;
}

/**
 * esbuild answers from a long-lived service process of its own, which outlives the bundles
 * unless stopped (it is killed only as the CLI exits, and then not waited for). Stopped when
 * the last build in flight ends; a later build starts a new one.
 */
let buildsInFlight = 0;

function loadEsbuild(): Esbuild | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: without it, packs start from their sources
    return require("esbuild") as Esbuild;
  } catch {
    return undefined;
  }
}

const BUILTINS = new Set(builtinModules);

/** Bare imports stay outside the bundle, pinned to the file the pack itself would load. */
function packagesFromPack(packDir: string) {
  return {
    name: "netseg-pack-packages",
    setup(build: { onResolve(o: { filter: RegExp }, cb: (a: { path: string; resolveDir: string }) => unknown): void }) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith("node:") || BUILTINS.has(args.path) || BUILTINS.has(args.path.split("/")[0])) {
          return { path: args.path, external: true };
        }
        try {
          return { path: require.resolve(args.path, { paths: [args.resolveDir || packDir] }), external: true };
        } catch {
          // Unresolvable: leave it to Node at run time, which reports it as the CLI would.
          return { path: args.path, external: true };
        }
      });
    },
  };
}

/**
 * Each bundled source file keeps its own `__dirname` and `__filename` (a pack may read a file
 * beside its sources): where a file uses them, they are declared at its top, on its first line
 * so the source map stays exact; esbuild renames each module's copy apart.
 */
function ownPaths() {
  const loaders: Record<string, string> = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "jsx" };
  return {
    name: "netseg-pack-own-paths",
    setup(build: { onLoad(o: { filter: RegExp }, cb: (a: { path: string }) => unknown): void }) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = fs.readFileSync(args.path, "utf8");
        if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
        const header = `var __dirname = ${JSON.stringify(path.dirname(args.path))}, __filename = ${JSON.stringify(args.path)}; `;
        return { contents: header + source, loader: loaders[path.extname(args.path)] ?? "ts", resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/**
 * Transpile the TypeScript pack in `packDir` into `outDir/index.js` (with its source map) and
 * return that file, or undefined when esbuild is not installed (the caller then starts the
 * sources as the CLI does). A pack whose sources do not parse is a PreviewError naming the file.
 */
export async function bundlePack(packDir: string, outDir: string): Promise<string | undefined> {
  const entry = packEntry(packDir);
  if (!entry) return undefined;
  const esbuild = loadEsbuild();
  if (!esbuild) return undefined;
  fs.mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, "index.js");
  buildsInFlight += 1;
  try {
    await esbuild.build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: `node${process.versions.node.split(".")[0]}`,
      sourcemap: true,
      sourcesContent: false,
      logLevel: "silent",
      plugins: [packagesFromPack(packDir), ownPaths()],
    });
  } catch (err) {
    const errors = (err as { errors?: EsbuildMessage[] }).errors ?? [];
    const first = errors[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : "";
    const detail = first ? `${where}${first.text}` : String(err);
    throw new PreviewError(
      `Policy pack ${packDir} did not start: its TypeScript does not compile: ${oneParagraph(detail, 600)}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}.`,
    );
  } finally {
    buildsInFlight -= 1;
    if (buildsInFlight === 0) await esbuild.stop();
  }
  return outfile;
}
