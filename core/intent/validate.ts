/**
 * Whole-document checks and normalisation: turns a zod-parsed document into an `Intent`, or
 * collects every problem (with path, value and fix) and throws them together.
 */
import { z } from "zod";
import type { IntentDocument } from "./schema";
import { IntentSchema } from "./zod-schema";
import { IntentError, type IntentIssue } from "./errors";
import { fromZodError } from "./zod-issues";
import type { Intent, Peer } from "./types";
import { describeUnpinnedGrid, unpinnedGrids } from "./grids";
import { Collector, checkCidr, resolveAddressing, resolveEgress, resolveFlows, resolveQuarantine, resolveTenants, resolveZones } from "./sections";
import { checkAddressBlocks, checkInternetLikeFlows, checkPeerRanges, internetLikeReason } from "./bounds";
import { checkReservedNames } from "./reserved";

export { SMALLEST_SUBNET_PREFIX } from "./sections";

/** Intents produced by normaliseIntent, recognised without re-parsing. */
const NORMALISED = new WeakSet<object>();

/**
 * True for an Intent: one normaliseIntent produced, or one a planner derived from validated
 * data (tenant VPCs, shared services), recognised by its resolved shape (slots assigned,
 * endpoints as objects, destinations parsed) which an intent document never has.
 */
export function isNormalised(x: unknown): x is Intent {
  if (typeof x !== "object" || x === null) return false;
  if (NORMALISED.has(x)) return true;
  const i = x as Partial<Intent>;
  return (
    typeof i.addressing === "object" &&
    Array.isArray(i.peers) &&
    Array.isArray(i.zones) &&
    i.zones.every((z) => typeof z.slot === "number" && typeof z.managed === "boolean" && Array.isArray(z.workloads)) &&
    Array.isArray(i.flows) &&
    i.flows.every((f) => typeof f.key === "string" && typeof f.from === "object") &&
    Array.isArray(i.egress) &&
    i.egress.every((e) => Array.isArray(e.destinations))
  );
}

/** Validates a document already parsed by zod; throws IntentError listing every problem. */
export function normaliseIntent(doc: IntentDocument, source?: string): Intent {
  const c = new Collector();
  const { space, usableSlots } = resolveAddressing(c, doc);
  const zones = resolveZones(c, "zones", doc.zones, usableSlots);
  const zoneMap = new Map(zones.map((z) => [z.name, z]));
  const peers: Peer[] = [];
  doc.peers.forEach((p, i) => {
    if (p.name === "internet" || zoneMap.has(p.name) || peers.some((q) => q.name === p.name)) {
      c.add(`peers[${i}].name`, `"${p.name}" is already the name of a zone, a peer or "internet"`, p.name, "give the peer its own name");
      return;
    }
    const cidrs = p.cidrs.map((t, j) => checkCidr(c, `peers[${i}].cidrs[${j}]`, t)?.text).filter((t): t is string => !!t);
    peers.push({ name: p.name, cidrs, description: p.description });
  });
  const peerMap = new Map(peers.map((p) => [p.name, p]));
  const flows = resolveFlows(c, "flows", doc.flows, zoneMap, peerMap);
  const egress = resolveEgress(c, doc, zoneMap);
  const tenants = resolveTenants(c, doc, peerMap, space);
  const quarantine = resolveQuarantine(c, doc, zoneMap);
  const blocks = checkAddressBlocks(c, doc);
  checkReservedNames(c, doc);
  // A peer is judged by the addresses it covers: one that covers the internet is the internet.
  const internetLike = new Map(peers.flatMap((p) => {
    const why = internetLikeReason(p);
    return why ? [[p.name, why] as const] : [];
  }));
  checkPeerRanges(c, doc, blocks, internetLike);
  checkInternetLikeFlows(c, "flows", doc.flows, zones, internetLike);
  if (doc.tenants && tenants) checkInternetLikeFlows(c, "tenants.flows", doc.tenants.flows, tenants.zones, internetLike);
  if (c.issues.length) throw new IntentError(c.issues, source);
  const intent: Intent = {
    name: doc.name,
    addressSpace: space!.text,
    availabilityZones: doc.availabilityZones,
    addressing: doc.addressing,
    zones,
    peers,
    flows,
    egress,
    tenants,
    ...(quarantine.length ? { quarantine } : {}),
  };
  NORMALISED.add(intent);
  return intent;
}

/** Parses and validates a plain object (YAML already loaded, or a TypeScript literal). */
export function parseIntent(input: unknown, source?: string): Intent {
  const parsed = IntentSchema.safeParse(input);
  if (!parsed.success) {
    const shapeIssues = fromZodError(parsed.error, input);
    throw new IntentError([...shapeIssues, ...wholeDocumentIssuesDespite(parsed.error, input)], source);
  }
  return normaliseIntent(parsed.data, source);
}

/**
 * So that one run reports every problem, the whole-document checks also run when the shape is
 * wrong, where that can be done without guessing: each offending field that has a default (an
 * unknown `egress: sometimes`, a misspelt key) is dropped so the default stands in, and if the
 * document then parses, its cross-field problems are added. When a required field is broken,
 * the cross-field checks would only echo it (an unknown zone everywhere), so they wait.
 */
function wholeDocumentIssuesDespite(err: z.ZodError, input: unknown): IntentIssue[] {
  if (typeof input !== "object" || input === null) return [];
  const copy = structuredClone(input) as Record<string, unknown>;
  const at = (path: readonly PropertyKey[]) => path.reduce<any>((cur, k) => (cur && typeof cur === "object" ? cur[k as any] : undefined), copy);
  // A zone judged on a default its author did not write would draw echoes ("zone app has egress
  // none"); the cross-field issues about such zones are left out.
  const defaulted = new Set<string>();
  for (const issue of err.issues) {
    const keys = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const path of keys) {
      const parent = at(path.slice(0, -1));
      if (!parent || typeof parent !== "object" || Array.isArray(parent)) continue;
      delete parent[path[path.length - 1] as any];
      const zoneAt = path.findIndex((k, i) => k === "zones" && typeof path[i + 1] === "number");
      const zoneName = zoneAt >= 0 ? at(path.slice(0, zoneAt + 2))?.name : undefined;
      if (typeof zoneName === "string") defaulted.add(zoneName);
    }
  }
  const repaired = IntentSchema.safeParse(copy);
  if (!repaired.success) return [];
  try {
    normaliseIntent(repaired.data);
    return [];
  } catch (e) {
    if (!(e instanceof IntentError)) return [];
    return e.issues.filter((i) => ![...defaulted].some((zone) => i.message.includes(`zone "${zone}"`)));
  }
}

/**
 * Zones and tenants whose address slot follows declaration order: appending is safe, but
 * inserting or removing one before them would move their blocks (and replace their subnets).
 */
export function unpinnedSlots(intent: Intent): string[] {
  return [
    ...slottedEntries(intent)
      .filter((e) => !e.pinned)
      .map((e) => `${e.kind} ${e.name}: add \`slot: ${e.slot}\``),
    ...unpinnedGrids(intent).map(describeUnpinnedGrid),
  ];
}

/** One entry of an intent that owns an address slot, and where its list sits in the document. */
export interface SlottedEntry {
  readonly kind: "zone" | "tenant template zone" | "tenant" | "shared-services zone";
  /** The list holding it: `zones`, `tenants.zones`, `tenants.members` or `tenants.sharedServices.zones`. */
  readonly list: readonly ["zones"] | readonly ["tenants", "zones"] | readonly ["tenants", "members"] | readonly ["tenants", "sharedServices", "zones"];
  readonly name: string;
  readonly slot: number;
  readonly pinned: boolean;
}

/**
 * Every entry that owns an address slot, in document order: zones, tenant template zones (they
 * lay out every tenant's block: one inserted in the middle would move them all) and tenants.
 */
export function slottedEntries(intent: Intent): SlottedEntry[] {
  const entries = (kind: SlottedEntry["kind"], list: SlottedEntry["list"], items: readonly { name: string; slot: number; slotPinned?: boolean }[]) =>
    items.map((x): SlottedEntry => ({ kind, list, name: x.name, slot: x.slot, pinned: x.slotPinned === true }));
  return [
    ...entries("zone", ["zones"], intent.zones),
    ...entries("tenant template zone", ["tenants", "zones"], intent.tenants?.zones ?? []),
    ...entries("tenant", ["tenants", "members"], intent.tenants?.members ?? []),
    ...entries("shared-services zone", ["tenants", "sharedServices", "zones"], intent.tenants?.sharedServices.zones ?? []),
  ];
}
