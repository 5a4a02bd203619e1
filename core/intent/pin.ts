/**
 * Pinning address slots in an intent file. A zone or tenant without `slot:` takes the next free
 * slot in declaration order: safe while entries are only appended, but inserting or removing one
 * in the middle moves every later unpinned block (new CIDRs, so replaced subnets). Writing each
 * current slot into the file freezes today's layout; from then on any edit keeps existing blocks
 * where they are. Zones, tenant template zones (they lay out every tenant's block), tenants and
 * shared-services zones are pinned, and so are the tenant and shared-services grids when they
 * are left to be derived (written as `addressing: { zoneSlots, azSlots }`, see grids.ts). The text is edited in place, YAML or JSON alike: comments, order and formatting
 * stay; only a `slot:` is added after each unpinned entry's name.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap } from "yaml";
import { IntentError } from "./errors";
import { parseIntentText } from "./load";
import type { Intent } from "./types";
import { slottedEntries, type SlottedEntry } from "./validate";
import { gridText, unpinnedGrids } from "./grids";

export interface PinResult {
  /** The file's new text (the same text when nothing was unpinned). */
  readonly text: string;
  /** What was pinned, `zone app: slot 1`, in file order. */
  readonly pinned: readonly string[];
}

function entryMaps(doc: Document, path: readonly string[]): YAMLMap[] {
  const seq = doc.getIn(path, true);
  return isSeq(seq) ? seq.items.filter((i): i is YAMLMap => isMap(i)) : [];
}

/**
 * Where to write `slot: N` into an entry so that nothing else in the file changes: right after
 * the name's value in a flow map (`{ name: api, slot: 1, ... }`), on its own line below the name
 * in a block map, at the name's indentation. JSON is a flow map whose keys are quoted: `"slot": N`
 * follows the name on its line, or on a line of its own at the name's indentation when the
 * object puts each key on its own line.
 */
function slotInsertion(text: string, entry: YAMLMap, slot: number, json: boolean): { at: number; insert: string } | undefined {
  return fieldInsertion(text, entry, "name", "slot", () => String(slot), json);
}

/** The same, for any field written after the scalar pair `after` (the grids: see grids.ts). */
function fieldInsertion(text: string, entry: YAMLMap, after: string, field: string, value: (json: boolean, compact: boolean) => string, json: boolean): { at: number; insert: string } | undefined {
  const pair = entry.items.find((p) => isScalar(p.key) && p.key.value === after);
  const key = pair && isScalar(pair.key) ? pair.key : undefined;
  const scalar = pair && isScalar(pair.value) ? pair.value : undefined;
  if (!key?.range || !scalar?.range) return undefined;
  const lineStart = text.lastIndexOf("\n", key.range[0] - 1) + 1;
  const indent = text.slice(lineStart, key.range[0]);
  if (entry.flow) {
    const compact = json && !/\s/.test(text.slice(key.range[1], scalar.range[0]));
    const written = json ? (compact ? `"${field}":${value(true, true)}` : `"${field}": ${value(true, false)}`) : `${field}: ${value(false, false)}`;
    const ownLine = entry.range !== undefined && entry.range !== null && text.slice(entry.range[0], key.range[0]).includes("\n") && /^[ \t]*$/.test(indent);
    return { at: scalar.range[1], insert: ownLine ? `,\n${indent}${written}` : compact ? `,${written}` : `, ${written}` };
  }
  const lineEnd = text.indexOf("\n", scalar.range[1]);
  return { at: lineEnd < 0 ? text.length : lineEnd, insert: `\n${" ".repeat(key.range[0] - lineStart)}${field}: ${value(false, false)}` };
}

/**
 * The text of `source` with every unpinned zone and tenant pinned to the slot it has now. The
 * result is parsed back and must plan to exactly the same slots, or nothing is returned but an
 * error: pinning must never move a block.
 */
export function pinSlots(text: string, source = "intent"): PinResult {
  const intent = parseIntentText(text, source);
  const unpinned = slottedEntries(intent).filter((e) => !e.pinned);
  const grids = unpinnedGrids(intent);
  if (unpinned.length === 0 && grids.length === 0) return { text, pinned: [] };
  /** The unpinned entries of one list, by name. */
  const slotsIn = (list: SlottedEntry["list"]) => new Map(unpinned.filter((e) => e.list.join(".") === list.join(".")).map((e) => [e.name, e]));
  const lists = [...new Map(unpinned.map((e) => [e.list.join("."), e.list])).values()];

  const pinned: string[] = [];
  // JSON is YAML too: the same in-place edit keeps a JSON file's layout (only the slots are new).
  const json = text.trimStart().startsWith("{");
  const doc = parseDocument(text, { uniqueKeys: true });
  const edits: { at: number; insert: string }[] = [];
  for (const list of lists) {
    const slots = slotsIn(list);
    for (const map of entryMaps(doc, list)) {
      const entry = slots.get(String(map.get("name")));
      const edit = entry && slotInsertion(text, map, entry.slot, json);
      if (!entry || !edit) continue; // an entry left unpinned is refused by the check below
      edits.push(edit);
      pinned.push(`${entry.kind} ${entry.name}: slot ${entry.slot}`);
    }
  }
  for (const g of grids) {
    const owner = doc.getIn(g.owner, true);
    const edit = isMap(owner) ? fieldInsertion(text, owner, g.after, "addressing", (json, compact) => gridText(g.grid, json, compact), json) : undefined;
    if (!edit) continue; // refused by the check below
    edits.push(edit);
    pinned.push(`${g.kind}: addressing ${gridText(g.grid)}`);
  }
  let out = text;
  for (const e of [...edits].sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.insert + out.slice(e.at);
  if (json) {
    try {
      JSON.parse(out);
    } catch (err) {
      throw new IntentError([{ path: "", message: `pinning would not leave valid JSON (${err instanceof Error ? err.message : String(err)})`, fix: "add `slot:` to each zone and tenant by hand, with the slots `netseg plan` prints" }], source);
    }
  }
  assertSameSlots(intent, parseIntentText(out, source), source);
  return { text: out, pinned };
}

function assertSameSlots(before: Intent, after: Intent, source: string): void {
  const grids = (i: Intent) => (i.tenants ? [`tenant grid=${gridText(i.tenants.addressing)}`, `shared-services grid=${gridText(i.tenants.sharedServices.addressing)}`] : []);
  const slots = (i: Intent) => [...slottedEntries(i).map((e) => `${e.kind} ${e.name}=${e.slot}`), ...grids(i)].sort().join(", ");
  const unpinned = [...slottedEntries(after).filter((e) => !e.pinned).map((e) => `${e.kind} ${e.name}`), ...unpinnedGrids(after).map((g) => g.kind)];
  if (slots(before) !== slots(after) || unpinned.length > 0) {
    throw new IntentError(
      [{ path: "", message: `pinning would not keep every block where it is (${unpinned.length ? `still unpinned: ${unpinned.join(", ")}` : "slots changed"})`, fix: "add `slot:` to each zone and tenant by hand, with the slots `netseg plan` prints" }],
      source,
    );
  }
}
