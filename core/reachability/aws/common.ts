/** Small readers shared by the AWS modules: rule references and CIDR lists (IPv4 and IPv6). */
import type { CidrSet } from "../../net/cidr";
import { displayName } from "../graph";
import type { NetResource, RuleRef } from "../model";
import { arr, cidrSet, str, UNKNOWN } from "../values";

/** A rule of `r` for messages: `sg-app egress[0]`, with the rule's description when it has one. */
export const ref = (r: NetResource, rule: string, description?: unknown): RuleRef => {
  const d = str(description);
  return { urn: r.urn, resource: displayName(r), rule, ...(typeof d === "string" && d ? { description: d } : {}) };
};

/** An AWS CIDR field pair (IPv4 and IPv6, each a string or a list) as one set. */
export function cidrsOf(v4: unknown, v6: unknown): { set: CidrSet; unknown: boolean; bad: readonly string[] } {
  const list = (x: unknown): unknown[] => {
    const a = arr(x);
    if (a === UNKNOWN) return [x];
    if (a) return [...a];
    return x === undefined || x === null ? [] : [x];
  };
  const all = [...list(v4), ...list(v6)];
  const r = cidrSet(all);
  // Texts that do not parse, and values that are not texts at all: readers decide what they mean.
  const notText = all.filter((x) => x !== undefined && x !== null && str(x) === undefined).map((x) => (typeof x === "object" ? "an object" : String(x)));
  return { set: r.set, unknown: r.unknown, bad: [...r.bad, ...notText] };
}
