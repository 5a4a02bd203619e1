/**
 * Pinning address slots in an intent file. A zone or tenant without `slot:` takes the next free
 * slot in declaration order: safe while entries are only appended, but inserting or removing one
 * in the middle moves every later unpinned block (new CIDRs, so replaced subnets). Writing each
 * current slot into the file freezes today's layout; from then on any edit keeps existing blocks
 * where they are. Zones, tenant template zones (they lay out every tenant's block) and tenants
 * are pinned. The text is edited in place: comments, order and formatting stay; only a `slot:`
 * is added after each unpinned entry's name.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap } from "yaml";
import { IntentError } from "./errors";
import { parseIntentText } from "./load";
import type { Intent } from "./types";

export interface PinResult {
  /** The file's new text (the same text when nothing was unpinned). */
  readonly text: string;
  /** What was pinned, `zone app: slot 1`, in file order. */
  readonly pinned: readonly string[];
}

type Which = "zone" | "tenant template zone" | "tenant";

function entryMaps(doc: Document, path: readonly string[]): YAMLMap[] {
  const seq = doc.getIn(path, true);
  return isSeq(seq) ? seq.items.filter((i): i is YAMLMap => isMap(i)) : [];
}

/**
 * Where to write `slot: N` into an entry so that nothing else in the file changes: right after
 * the name's value in a flow map (`{ name: api, slot: 1, ... }`), on its own line below the name
 * in a block map, at the name's indentation.
 */
function slotInsertion(text: string, entry: YAMLMap, slot: number): { at: number; insert: string } | undefined {
  const pair = entry.items.find((p) => isScalar(p.key) && p.key.value === "name");
  const key = pair && isScalar(pair.key) ? pair.key : undefined;
  const value = pair && isScalar(pair.value) ? pair.value : undefined;
  if (!key?.range || !value?.range) return undefined;
  if (entry.flow) return { at: value.range[1], insert: `, slot: ${slot}` };
  const lineStart = text.lastIndexOf("\n", key.range[0] - 1) + 1;
  const lineEnd = text.indexOf("\n", value.range[1]);
  const indent = " ".repeat(key.range[0] - lineStart);
  return { at: lineEnd < 0 ? text.length : lineEnd, insert: `\n${indent}slot: ${slot}` };
}

/**
 * The text of `source` with every unpinned zone and tenant pinned to the slot it has now. The
 * result is parsed back and must plan to exactly the same slots, or nothing is returned but an
 * error: pinning must never move a block.
 */
export function pinSlots(text: string, source = "intent"): PinResult {
  const intent = parseIntentText(text, source);
  const unpinnedZones = intent.zones.filter((z) => !z.slotPinned);
  const unpinnedTemplate = (intent.tenants?.zones ?? []).filter((z) => !z.slotPinned);
  const unpinnedTenants = (intent.tenants?.members ?? []).filter((t) => !t.slotPinned);
  if (unpinnedZones.length + unpinnedTemplate.length + unpinnedTenants.length === 0) return { text, pinned: [] };

  const pinned: string[] = [];
  let out: string;
  if (text.trimStart().startsWith("{")) {
    // JSON: no comments to keep; rewrite with the slot after each entry's name.
    const data = JSON.parse(text) as { zones?: Record<string, unknown>[]; tenants?: { zones?: Record<string, unknown>[]; members?: Record<string, unknown>[] } };
    const pin = (entries: Record<string, unknown>[] | undefined, which: Which, slots: Map<string, number>) =>
      entries?.map((e) => {
        const slot = slots.get(String(e.name));
        if (slot === undefined) return e;
        pinned.push(`${which} ${String(e.name)}: slot ${slot}`);
        const { name, ...rest } = e;
        return { name, slot, ...rest };
      });
    if (data.zones) data.zones = pin(data.zones, "zone", new Map(unpinnedZones.map((z) => [z.name, z.slot])))!;
    if (data.tenants?.zones) data.tenants.zones = pin(data.tenants.zones, "tenant template zone", new Map(unpinnedTemplate.map((z) => [z.name, z.slot])))!;
    if (data.tenants?.members) data.tenants.members = pin(data.tenants.members, "tenant", new Map(unpinnedTenants.map((t) => [t.name, t.slot])))!;
    out = `${JSON.stringify(data, null, 2)}\n`;
  } else {
    const doc = parseDocument(text, { uniqueKeys: true });
    const edits: { at: number; insert: string }[] = [];
    const pinIn = (path: readonly string[], which: Which, slots: Map<string, number>) => {
      for (const entry of entryMaps(doc, path)) {
        const name = String(entry.get("name"));
        const slot = slots.get(name);
        if (slot === undefined) continue;
        const edit = slotInsertion(text, entry, slot);
        if (!edit) continue; // left unpinned: the check below refuses the result
        edits.push(edit);
        pinned.push(`${which} ${name}: slot ${slot}`);
      }
    };
    pinIn(["zones"], "zone", new Map(unpinnedZones.map((z) => [z.name, z.slot])));
    pinIn(["tenants", "zones"], "tenant template zone", new Map(unpinnedTemplate.map((z) => [z.name, z.slot])));
    pinIn(["tenants", "members"], "tenant", new Map(unpinnedTenants.map((t) => [t.name, t.slot])));
    out = text;
    for (const e of [...edits].sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.insert + out.slice(e.at);
  }
  assertSameSlots(intent, parseIntentText(out, source), source);
  return { text: out, pinned };
}

function assertSameSlots(before: Intent, after: Intent, source: string): void {
  const entries = (i: Intent) => [
    ...i.zones.map((z) => ({ label: `zone ${z.name}`, slot: z.slot, pinned: z.slotPinned })),
    ...(i.tenants?.zones ?? []).map((z) => ({ label: `tenant template zone ${z.name}`, slot: z.slot, pinned: z.slotPinned })),
    ...(i.tenants?.members ?? []).map((t) => ({ label: `tenant ${t.name}`, slot: t.slot, pinned: t.slotPinned })),
  ];
  const slots = (i: Intent) => entries(i).map((e) => `${e.label}=${e.slot}`).sort().join(", ");
  const unpinned = entries(after).filter((e) => !e.pinned).map((e) => e.label);
  if (slots(before) !== slots(after) || unpinned.length > 0) {
    throw new IntentError(
      [{ path: "", message: `pinning would not keep every block where it is (${unpinned.length ? `still unpinned: ${unpinned.join(", ")}` : "slots changed"})`, fix: "add `slot:` to each zone and tenant by hand, with the slots `netseg plan` prints" }],
      source,
    );
  }
}
