/** Shared by the NACL rules: each ACL's entries as ordered rules, and names for messages. */
import { naclsOf, shortName, type NaclView, type OrderedRule, type OwnedNaclEntry, type StackIndex } from "../../../core/resources";
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

export function orderedEntries(v: NaclView, direction: Direction): OrderedRule<OwnedNaclEntry>[] {
  return v.entries
    .filter((o) => o.entry.direction === direction || o.entry.direction === undefined)
    .map((o) => ({ ...o.entry, ref: o }));
}

export function aclsOf(stack: StackIndex): NaclView[] {
  return naclsOf(stack);
}
