/**
 * The `--from` files of `netseg audit`, read into resources by core/audit/readers (a Pulumi stack
 * export, AWS CLI, gcloud or kubectl JSON, each detected from its content; a folder stands for
 * its `.json` and `.json.gz` files, sorted); the cloud inventories are joined as one. A file in no format,
 * broken JSON or another deployment version is an InventoryError: the audit stops with exit 2.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { InventoryError, type ReadResult } from "../../core/audit/types";
import { joinInventory, readInventoryFile } from "../../core/audit/readers";

export interface SourceRead extends ReadResult {
  readonly file: string;
}

/** The files a `--from` names: itself, or a folder's `.json` and `.json.gz` files, sorted. */
export function filesOf(from: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(from);
  } catch {
    throw new InventoryError(from, "the path", "a readable file or folder", "no such file or folder");
  }
  if (!stat.isDirectory()) return [from];
  const names = fs
    .readdirSync(from)
    .filter((n) => n.endsWith(".json") || n.endsWith(".json.gz"))
    .sort();
  if (!names.length) throw new InventoryError(from, "the folder", "at least one .json or .json.gz file", "no inventory file in the folder");
  return names.map((n) => path.join(from, n));
}

function textOf(file: string): string {
  const raw = fs.readFileSync(file);
  if (!file.endsWith(".gz")) return raw.toString("utf8");
  try {
    return gunzipSync(raw).toString("utf8");
  } catch (err) {
    throw new InventoryError(file, "byte 0", "a gzip file (it is named .gz)", `not gzip: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Every file read and joined (a record two files both hold is one resource), each with its file name. */
export function readSources(froms: readonly string[]): SourceRead[] {
  const files = froms.flatMap(filesOf);
  const read = files.map((file) => ({ file, ...readInventoryFile(file, textOf(file)) }));
  // A stack export is one program's whole state, never a partial view to complete from another
  // output; joining is for the cloud inventories (a rule both in a group and in the rule list).
  const inventories = read.filter((r) => r.format !== "pulumi-stack-export");
  const joined = joinInventory(inventories);
  return read.map((r) => (r.format === "pulumi-stack-export" ? r : { ...joined[inventories.indexOf(r)], file: r.file }));
}
