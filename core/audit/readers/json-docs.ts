/**
 * One inventory file as the JSON documents it holds. `aws ... >> all.json` appends one document
 * per command (and per page with `--no-paginate`), so a file may hold several values one after the
 * other; each is parsed on its own. A break in the JSON (a truncated download, a stray character)
 * is an `InventoryError` naming the line and column where it was found and what was expected there.
 */
import { InventoryError } from "../types";

export interface JsonDoc {
  readonly value: unknown;
  /** 1-based line of the document's first character, for messages and JSON paths. */
  readonly line: number;
  /** 0-based index of the document among the file's documents. */
  readonly index: number;
}

/** `line L, column C` (both 1-based) of character offset `at` in `text`. */
export function positionOf(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(at, text.length);
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

function where(text: string, at: number): string {
  const p = positionOf(text, at);
  return `line ${p.line}, column ${p.column}`;
}

/**
 * Splits `text` into top-level JSON values and parses each. Throws an InventoryError for a file
 * with no JSON value at all, a value cut short (truncated), or a value JSON.parse rejects.
 */
export function parseJsonDocuments(file: string, text: string): JsonDoc[] {
  const docs: JsonDoc[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n) {
    const c = text[i];
    if (c === " " || c === "\n" || c === "\r" || c === "\t") {
      i++;
      continue;
    }
    const start = i;
    let end: number;
    if (c === "{" || c === "[") end = scanContainer(file, text, start);
    else if (c === '"') end = scanString(file, text, start, start) + 1;
    else {
      // A bare scalar (a number, true, false, null): up to the next blank or bracket.
      let j = i;
      while (j < n && !/[\s{}[\]"]/.test(text[j])) j++;
      end = j;
      if (end === start) throw new InventoryError(file, where(text, start), "a JSON object or array", `unexpected character ${JSON.stringify(c)}`);
    }
    const chunk = text.slice(start, end);
    let value: unknown;
    try {
      value = JSON.parse(chunk);
    } catch (err) {
      const m = /position (\d+)/.exec(err instanceof Error ? err.message : "");
      const at = m ? start + Number(m[1]) : start;
      const what = err instanceof Error ? err.message.replace(/\s*\(line \d+ column \d+\)/, "").replace(/ in JSON at position \d+/, "") : String(err);
      throw new InventoryError(file, where(text, at), "valid JSON (as the AWS CLI, gcloud --format=json or kubectl -o json write it)", `not JSON: ${what}`);
    }
    docs.push({ value, line: positionOf(text, start).line, index: docs.length });
    i = end;
  }
  if (!docs.length) throw new InventoryError(file, "line 1, column 1", "a JSON document", "the file is empty");
  return docs;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const BRACE_OPEN = 0x7b;
const BRACE_CLOSE = 0x7d;
const BRACKET_OPEN = 0x5b;
const BRACKET_CLOSE = 0x5d;

/** Index just past the container opened at `start`; throws when the file ends first or a bracket does not match. */
function scanContainer(file: string, text: string, start: number): number {
  const stack: { close: number; at: number }[] = [];
  const n = text.length;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = scanString(file, text, i, start);
    } else if (c === BRACE_OPEN || c === BRACKET_OPEN) {
      stack.push({ close: c === BRACE_OPEN ? BRACE_CLOSE : BRACKET_CLOSE, at: i });
    } else if (c === BRACE_CLOSE || c === BRACKET_CLOSE) {
      const top = stack.pop();
      if (!top || top.close !== c) {
        const want = top ? String.fromCharCode(top.close) : "";
        throw new InventoryError(file, where(text, i), top ? `${JSON.stringify(want)} to close the ${want === "}" ? "object" : "array"} opened at ${where(text, top.at)}` : "a value", `unexpected ${JSON.stringify(text[i])}`);
      }
      if (!stack.length) return i + 1;
    }
  }
  const open = stack[stack.length - 1];
  const want = String.fromCharCode(open.close);
  throw new InventoryError(
    file,
    where(text, n),
    `${JSON.stringify(want)} to close the ${want === "}" ? "object" : "array"} opened at ${where(text, open.at)}`,
    "truncated JSON: the file ends inside a document",
  );
}

/** Index of the closing quote of the string opened at `at` (a quote after an odd run of backslashes is escaped). */
function scanString(file: string, text: string, at: number, docStart: number): number {
  let i = at;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i === -1) break;
    let slashes = 0;
    for (let j = i - 1; text.charCodeAt(j) === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return i;
  }
  const n = text.length;
  throw new InventoryError(file, where(text, n), `a closing quote for the string opened at ${where(text, at)}`, docStart === at ? "truncated JSON: the file ends inside a string" : "truncated JSON: the file ends inside a document");
}
