/** Shared by the NACL rules: each ACL's entries as ordered rules, and names for messages. */
import { CidrSet, TrafficSet } from "../../../core/net";
import { naclEntryProblems, naclsOf, shortName, type NaclView, type OrderedExposure, type OrderedRule, type OwnedNaclEntry, type StackIndex } from "../../../core/resources";
import type { Direction } from "../../../core/resources";

export function aclName(v: NaclView): string {
  return v.acl ? v.acl.name : `network ACL ${shortName(v.key)} (not in this stack)`;
}

export function aclUrn(v: NaclView): string {
  return v.acl?.urn ?? (v.entries[0]?.resource.urn as string);
}

export function entryName(o: OwnedNaclEntry, v: NaclView): string {
  const no = o.entry.order === undefined ? "?" : String(o.entry.order);
  return o.resource === v.acl ? `entry ${no} (${o.entry.path})` : `entry ${no} (rule ${o.resource.name})`;
}

/**
 * A malformed entry as an exposure check must count it, at its most open (AWS would reject it,
 * so what it means is unknown, and a wrong "closed" is worse than a finding): an allow (or an
 * unreadable action) opens every port of its protocol, everything if the protocol is
 * unreadable, to the whole internet if a CIDR is invalid, ahead of every other entry if its
 * number is invalid; a deny denies nothing.
 */
function atMostOpen(o: OwnedNaclEntry): OrderedRule<OwnedNaclEntry> {
  const e = o.entry;
  const allow = e.actionMalformed ? true : e.allow;
  if (allow === false) return { ...e, ref: o, traffic: TrafficSet.EMPTY, trafficComplete: true };
  return {
    ...e,
    ref: o,
    allow,
    order: e.ruleNumberMalformed ? 0 : e.order,
    traffic: e.malformed ? (e.widest ?? TrafficSet.ALL) : e.traffic,
    trafficComplete: e.malformed ? true : e.trafficComplete,
    cidrs: e.invalidCidrs.length > 0 ? e.cidrs.union(CidrSet.WORLD) : e.cidrs,
  };
}

/** Entries of `direction` as ordered rules; `atMostOpenIfMalformed` for exposure checks (see atMostOpen). */
export function orderedEntries(v: NaclView, direction: Direction, atMostOpenIfMalformed = false): OrderedRule<OwnedNaclEntry>[] {
  return v.entries
    .filter((o) => o.entry.direction === direction || o.entry.direction === undefined)
    .map((o) => (atMostOpenIfMalformed && naclEntryProblems(o.entry).length > 0 ? atMostOpen(o) : { ...o.entry, ref: o }));
}

/** What an exposure finding says beyond "entry X allows": the addresses, the partner entries, malformed values. */
export function exposureDetail(f: OrderedExposure<OwnedNaclEntry>, v: NaclView): { cidrs: string; note: string } {
  const problems = naclEntryProblems(f.rule.entry);
  const cidrs = f.rule.entry.invalidCidrs.length > 0 ? f.rule.entry.cidrs.union(CidrSet.WORLD).toString() : f.rule.entry.cidrs.toString();
  const together = f.together.length > 0 ? `; with ${f.together.map((o) => entryName(o, v)).join(", ")} that is the whole internet` : "";
  const malformed = problems.length > 0 ? `; the entry is malformed (${problems.join("; ")}), so it is counted at its most open` : "";
  return { cidrs, note: together + malformed };
}

export function aclsOf(stack: StackIndex): readonly NaclView[] {
  return naclsOf(stack);
}
