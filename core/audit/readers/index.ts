/**
 * `netseg audit`'s readers: files written by `pulumi stack export`, the AWS CLI, gcloud and
 * kubectl, each detected from its content, turned into the resources the engine and the packs
 * read, with every record not read listed with its JSON path and the reason.
 *
 * - `readInventoryFile(file, text)`: one file (one or several concatenated JSON documents of one
 *   tool). Throws an InventoryError for a file that is not JSON, is cut short (with the line and
 *   column of the break), or holds a document of no known shape.
 * - `readInventory(paths)`: files and folders (a folder is every `.json` and `.json.gz` in it,
 *   sorted by name), read and joined: a record two outputs both hold is one resource.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { readStackExport } from "../stack-export";
import { InventoryError, type ReadResult, type SourceFormat } from "../types";
import { readAwsDocument } from "./aws-cli";
import { Tally } from "./common";
import { detectFormat, EXPECTED_SHAPES } from "./detect";
import { readGcloudDocument } from "./gcloud";
import { joinInventory } from "./join";
import { parseJsonDocuments, type JsonDoc } from "./json-docs";
import { readKubectlDocuments } from "./kubectl";

export { detectFormat, EXPECTED_SHAPES } from "./detect";
export { joinInventory } from "./join";
export { parseJsonDocuments, positionOf, type JsonDoc } from "./json-docs";
export { auditUrn, AUDIT_PROJECT, AUDIT_STACK } from "./common";

/** A document's JSON path prefix: `$` for a file's only document, `$[doc 2, line 40]` for one of several. */
function prefixOf(doc: JsonDoc, count: number): string {
  return count === 1 ? "$" : `$[doc ${doc.index + 1}, line ${doc.line}]`;
}

export function readInventoryFile(file: string, text: string): ReadResult {
  const docs = parseJsonDocuments(file, text);
  let format: SourceFormat | undefined;
  for (const doc of docs) {
    const d = detectFormat(doc.value);
    if ("unknown" in d) throw new InventoryError(file, `line ${doc.line} (document ${doc.index + 1})`, EXPECTED_SHAPES, `JSON of no known shape: ${d.unknown}`);
    if (format && d.format !== format) throw new InventoryError(file, `line ${doc.line} (document ${doc.index + 1})`, `documents of one tool per file (the first is ${format}); put the ${d.format} output in a file of its own`, `a ${d.format} document after ${format} ones`);
    format = d.format;
  }
  if (format === "pulumi-stack-export") {
    if (docs.length > 1) throw new InventoryError(file, `line ${docs[1].line}`, "one JSON document, as `pulumi stack export` writes it", `${docs.length} JSON documents in one file`);
    return readStackExport(file, docs[0].value, text);
  }
  const t = new Tally(file);
  if (format === "aws-cli") {
    // Pages of one output may follow each other (`--no-paginate`, or `>>`): only a last page with a NextToken means pages are missing.
    const pending = new Map<string, { token: string; at: string }>();
    for (const doc of docs) {
      const value = doc.value as Record<string, unknown>;
      const prefix = prefixOf(doc, docs.length);
      const keys = Object.keys(value).filter((k) => k !== "NextToken").join(",");
      const token = readAwsDocument(t, value, prefix);
      if (token) pending.set(keys, { token, at: `${prefix}.NextToken` });
      else pending.delete(keys);
      t.count("AWS CLI page");
    }
    for (const [keys, { token, at }] of pending) {
      t.skip(at, `AWS CLI ${keys} page`, `this page ends with a NextToken (${token.slice(0, 16)}...) and no later page of ${keys} follows in this file: records on the next pages are not read unless another file of the inventory holds them (run the command without --max-items, or with --starting-token ${token.slice(0, 16)}...)`);
    }
  } else if (format === "gcloud") {
    for (const doc of docs) readGcloudDocument(t, doc.value as unknown[], prefixOf(doc, docs.length));
  } else {
    readKubectlDocuments(t, docs.map((doc) => ({ doc: doc.value as Record<string, unknown>, prefix: prefixOf(doc, docs.length) })));
  }
  return joinInventory([t.result(format!)])[0];
}

/** Every `.json` and `.json.gz` file of a folder, sorted by name (pages and outputs in a stable order). */
async function filesOf(p: string): Promise<string[]> {
  const s = await stat(p).catch((err: NodeJS.ErrnoException) => {
    throw new InventoryError(p, "the path", "a readable file or folder", err.code === "ENOENT" ? "no such file or folder" : err.message);
  });
  if (!s.isDirectory()) return [p];
  const names = (await readdir(p)).filter((n) => n.endsWith(".json") || n.endsWith(".json.gz")).sort();
  if (!names.length) throw new InventoryError(p, "the folder", "at least one .json or .json.gz file", "no inventory file in the folder");
  return names.map((n) => path.join(p, n));
}

async function textOf(file: string): Promise<string> {
  const raw = await readFile(file);
  if (!file.endsWith(".gz")) return raw.toString("utf8");
  try {
    return gunzipSync(raw).toString("utf8");
  } catch (err) {
    throw new InventoryError(file, "byte 0", "a gzip file (it is named .gz)", `not gzip: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function readInventory(paths: readonly string[]): Promise<{ results: ReadResult[] }> {
  const files = (await Promise.all(paths.map(filesOf))).flat();
  const results: ReadResult[] = [];
  for (const file of files) results.push(readInventoryFile(file, await textOf(file)));
  return { results: joinInventory(results) };
}
