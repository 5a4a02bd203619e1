/**
 * Writing and lifting a quarantine entry in an intent file, as `netseg isolate` does. Like
 * pin.ts, the text is edited in place (YAML: comments, order and formatting stay; only the entry's
 * lines are added or removed), then parsed back and checked: the result must be the same intent
 * with exactly that quarantine entry added or removed, or nothing is written.
 */
import { isMap, isScalar, isSeq, parseDocument, stringify, type YAMLMap, type YAMLSeq } from "yaml";
import { IntentError } from "./errors";
import { parseIntentText } from "./load";
import type { Intent, Quarantine } from "./types";

export interface QuarantineEntry {
  readonly target: string;
  readonly reason: string;
  readonly since: string;
  readonly dns?: "keep" | "cut";
}

const fail = (source: string, message: string, fix: string): never => {
  throw new IntentError([{ path: "quarantine", message, fix }], source);
};

/** A YAML scalar as written on one line (quoted when plain text would read differently). */
const scalar = (v: string) => stringify(v, { lineWidth: 0 }).trimEnd();

function entryLines(e: QuarantineEntry, indent: string): string {
  const fields = [`target: ${scalar(e.target)}`, `reason: ${scalar(e.reason)}`, `since: ${scalar(e.since)}`, ...(e.dns && e.dns !== "keep" ? [`dns: ${e.dns}`] : [])];
  return fields.map((f, i) => `${i === 0 ? `${indent}- ` : `${indent}  `}${f}`).join("\n");
}

/** Everything of an intent but its quarantine, for the before/after check. */
function withoutQuarantine(i: Intent): string {
  return JSON.stringify({ ...i, quarantine: undefined });
}

const sameEntry = (q: Quarantine, e: QuarantineEntry) => q.target === e.target && q.reason === e.reason.trim() && q.since === e.since && q.dns === (e.dns ?? "keep");

function quarantineSeq(text: string, source: string): { seq?: YAMLSeq; root: YAMLMap; json: boolean } {
  const json = text.trimStart().startsWith("{");
  const doc = parseDocument(text, { uniqueKeys: true });
  const root = doc.contents;
  if (!isMap(root)) return fail(source, "the intent file is not a mapping", "fix the file so that `netseg plan` reads it");
  const node = root.get("quarantine", true);
  if (node !== undefined && node !== null && !isSeq(node) && !(isScalar(node) && node.value === null)) return fail(source, "`quarantine` is not a list", "make it a list of { target, reason, since } entries");
  return { seq: isSeq(node) ? node : undefined, root, json };
}

/** The intent text with `entry` added to its quarantine list; the target must not be quarantined yet. */
export function addQuarantine(text: string, entry: QuarantineEntry, source = "intent"): string {
  const before = parseIntentText(text, source);
  if (before.quarantine?.some((q) => q.target === entry.target)) fail(source, `"${entry.target}" is quarantined already`, `lift it first (--lift), or edit its entry`);
  const { seq, root, json } = quarantineSeq(text, source);
  let out: string;
  if (json) {
    // JSON has no comments to keep: the document is rewritten with its own indentation.
    const data = JSON.parse(text) as Record<string, unknown>;
    const list = Array.isArray(data.quarantine) ? data.quarantine : [];
    data.quarantine = [...list, { target: entry.target, reason: entry.reason, since: entry.since, ...(entry.dns && entry.dns !== "keep" ? { dns: entry.dns } : {}) }];
    const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
    out = JSON.stringify(data, null, indent) + (text.endsWith("\n") ? "\n" : "");
  } else if (!seq || seq.items.length === 0) {
    // No list yet (or `quarantine: []`, or an empty key): the key and the entry go at the end, at the top level's indentation.
    const pair = root.items.find((p) => isScalar(p.key) && p.key.value === "quarantine");
    let base = text;
    if (pair && isScalar(pair.key) && pair.key.range) {
      const start = text.lastIndexOf("\n", pair.key.range[0] - 1) + 1;
      const valueEnd = (pair.value as { range?: [number, number, number] } | null)?.range?.[1] ?? pair.key.range[1];
      const lineEnd = text.indexOf("\n", valueEnd);
      base = text.slice(0, start) + text.slice(lineEnd < 0 ? text.length : lineEnd + 1);
    }
    const sep = base.length === 0 || base.endsWith("\n") ? "" : "\n";
    out = `${base}${sep}quarantine:\n${entryLines(entry, "  ")}\n`;
  } else if (seq.flow) {
    const end = seq.range![1] - 1; // the closing bracket
    const fields = [`target: ${scalar(entry.target)}`, `reason: ${scalar(entry.reason)}`, `since: ${scalar(entry.since)}`, ...(entry.dns && entry.dns !== "keep" ? [`dns: ${entry.dns}`] : [])];
    out = `${text.slice(0, end).trimEnd()}, { ${fields.join(", ")} }${text.slice(end)}`;
  } else {
    const last = seq.items[seq.items.length - 1] as { range?: [number, number, number] };
    const first = seq.items[0] as { range?: [number, number, number] };
    const dash = text.lastIndexOf("-", first.range![0]);
    const indent = text.slice(text.lastIndexOf("\n", dash) + 1, dash);
    const lineEnd = text.indexOf("\n", last.range![1] - 1);
    const at = lineEnd < 0 ? text.length : lineEnd;
    out = `${text.slice(0, at)}\n${entryLines(entry, indent)}${text.slice(at)}`;
    if (lineEnd < 0) out += "\n";
  }
  const after = parseIntentText(out, source);
  const added = after.quarantine?.find((q) => q.target === entry.target);
  if (!added || !sameEntry(added, entry) || (after.quarantine?.length ?? 0) !== (before.quarantine?.length ?? 0) + 1 || withoutQuarantine(after) !== withoutQuarantine(before)) {
    fail(source, "writing the quarantine entry would change more than the entry", "add it by hand under `quarantine:` (target, reason, since)");
  }
  return out;
}

/** The intent text with `target`'s quarantine entry removed (and the `quarantine:` key when it was the last). */
export function liftQuarantine(text: string, target: string, source = "intent"): string {
  const before = parseIntentText(text, source);
  const known = (before.quarantine ?? []).map((q) => q.target);
  if (!known.includes(target)) fail(source, `"${target}" is not quarantined`, known.length ? `quarantined now: ${known.join(", ")}` : "nothing is quarantined in this intent");
  const { seq, root, json } = quarantineSeq(text, source);
  let out: string;
  if (json) {
    const data = JSON.parse(text) as Record<string, unknown>;
    const rest = (data.quarantine as { target?: unknown }[]).filter((q) => q.target !== target);
    if (rest.length) data.quarantine = rest;
    else delete data.quarantine;
    const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
    out = JSON.stringify(data, null, indent) + (text.endsWith("\n") ? "\n" : "");
  } else {
    const index = seq!.items.findIndex((i) => isMap(i) && i.get("target") === target);
    const item = seq!.items[index] as { range?: [number, number, number] };
    if (seq!.items.length === 1) {
      // The last entry: the whole `quarantine:` key goes (its line and the list's lines).
      const pair = root.items.find((p) => isScalar(p.key) && p.key.value === "quarantine")!;
      const start = text.lastIndexOf("\n", (pair.key as { range: [number, number, number] }).range[0] - 1) + 1;
      const lineEnd = text.indexOf("\n", seq!.range![1] - 1);
      out = text.slice(0, start) + text.slice(lineEnd < 0 ? text.length : lineEnd + 1);
    } else if (seq!.flow) {
      const prev = index > 0 ? (seq!.items[index - 1] as { range?: [number, number, number] }).range![1] : undefined;
      const next = index < seq!.items.length - 1 ? (seq!.items[index + 1] as { range?: [number, number, number] }).range![0] : undefined;
      out = prev !== undefined ? text.slice(0, prev) + text.slice(item.range![1]) : text.slice(0, item.range![0]) + text.slice(next!);
    } else {
      const dash = text.lastIndexOf("-", item.range![0]);
      const start = text.lastIndexOf("\n", dash) + 1;
      const lineEnd = text.indexOf("\n", item.range![1] - 1);
      out = text.slice(0, start) + text.slice(lineEnd < 0 ? text.length : lineEnd + 1);
    }
  }
  const after = parseIntentText(out, source);
  const left = (after.quarantine ?? []).map((q) => q.target);
  if (left.includes(target) || left.length !== known.length - 1 || withoutQuarantine(after) !== withoutQuarantine(before)) {
    fail(source, "lifting the quarantine entry would change more than the entry", `remove the entry of ${target} under \`quarantine:\` by hand`);
  }
  return out;
}
