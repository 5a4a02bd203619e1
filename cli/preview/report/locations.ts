/**
 * Where in the program a resource is declared, for reports that point into source (SARIF). The
 * program runs under mocks, so no stack trace says where; what a program's source does say is a
 * resource's name, written as a string literal in its constructor call. A resource is located at
 * the one literal in the program's sources equal to its name; when its name is not there, or is
 * there more than once, at its parent's, and so on up: the component that creates it. A name
 * found twice is never guessed between, so a location is either the declaring line or absent.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RecordedResource } from "../types";

export interface SourceFile {
  /** Absolute path. */
  path: string;
  text: string;
}

/** A resource's declaration: the file (relative to the program directory, `/`-separated), 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** The resource whose name is written there: the one located, or the ancestor that creates it. */
  urn: string;
  name: string;
  type: string;
}

const TS_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts"];
const JS_EXTENSIONS = [".js", ".jsx", ".mjs", ".cjs"];
const MAX_FILES = 2000;
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The program's entry file: `main` itself when it is a file, otherwise what Node would load from
 * that directory (its package.json `main`, else index.ts or index.js); undefined when none exists.
 */
export function entryFile(programEntry: string): string | undefined {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(programEntry);
  } catch {
    return undefined;
  }
  if (stat.isFile()) return programEntry;
  const candidates: string[] = [];
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(programEntry, "package.json"), "utf8")) as { main?: unknown };
    if (typeof pkg.main === "string") {
      const main = path.resolve(programEntry, pkg.main);
      candidates.push(main, ...[...TS_EXTENSIONS, ...JS_EXTENSIONS].map((e) => main + e), path.join(main, "index.ts"), path.join(main, "index.js"));
    }
  } catch {
    // No package.json, or not JSON: Node's defaults below.
  }
  candidates.push(path.join(programEntry, "index.ts"), path.join(programEntry, "index.js"));
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

/**
 * The program's own sources: files of the entry's language (TypeScript or JavaScript, so that a
 * compiled copy beside the sources does not make every name appear twice) under the program
 * directory, without node_modules, hidden directories and declaration files. More than 2,000 of
 * them, or one over 1 MB or unreadable, gives none at all: a name that looks unique in part of the
 * sources may not be, and a location is never a guess.
 */
export function readProgramSources(programDir: string, programEntry: string): SourceFile[] {
  const entry = entryFile(programEntry);
  const extensions = entry && JS_EXTENSIONS.includes(path.extname(entry)) ? JS_EXTENSIONS : TS_EXTENSIONS;
  const out: SourceFile[] = [];
  let incomplete = false;
  const visit = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length > MAX_FILES) {
        incomplete = true;
        return;
      }
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && !e.name.startsWith(".")) visit(full);
      } else if (e.isFile() && extensions.includes(path.extname(e.name)) && !/\.d\.[cm]?ts$/.test(e.name)) {
        try {
          if (fs.statSync(full).size > MAX_FILE_BYTES) incomplete = true;
          else out.push({ path: full, text: fs.readFileSync(full, "utf8") });
        } catch {
          incomplete = true;
        }
      }
    }
  };
  visit(programDir);
  if (incomplete) return [];
  if (entry && !out.some((s) => s.path === entry)) {
    try {
      out.push({ path: entry, text: fs.readFileSync(entry, "utf8") });
    } catch {
      // The entry could not be read: nothing to add.
    }
  }
  return out;
}

interface Occurrence {
  file: string;
  line: number;
  column: number;
}

/** Every single-line string literal ('...', "...", `...` without ${}) of the sources, by content. */
function literalsOf(sources: readonly SourceFile[], programDir: string): Map<string, Occurrence[]> {
  const byText = new Map<string, Occurrence[]>();
  const literal = /(["'`])((?:\\.|(?!\1)[^\\\r\n])*)\1/g;
  for (const source of sources) {
    const file = path.relative(programDir, source.path).split(path.sep).join("/");
    source.text.split(/\r?\n/).forEach((lineText, i) => {
      for (const m of lineText.matchAll(literal)) {
        if (m[1] === "`" && m[2].includes("${")) continue;
        const list = byText.get(m[2]) ?? [];
        list.push({ file, line: i + 1, column: m.index + 1 });
        byText.set(m[2], list);
      }
    });
  }
  return byText;
}

/** The declaration of each of `urns` that can be told from the sources (see the module comment). */
export function locateDeclarations(urns: Iterable<string>, resources: readonly RecordedResource[], sources: readonly SourceFile[], programDir: string): Record<string, SourceLocation> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const literals = literalsOf(sources, programDir);
  const out: Record<string, SourceLocation> = {};
  for (const urn of [...new Set(urns)].sort()) {
    const seen = new Set<string>();
    for (let r = byUrn.get(urn); r && !seen.has(r.urn); r = r.parent ? byUrn.get(r.parent) : undefined) {
      seen.add(r.urn);
      const found = literals.get(r.name);
      if (found?.length === 1) {
        out[urn] = { ...found[0], urn: r.urn, name: r.name, type: r.type };
        break;
      }
    }
  }
  return out;
}
