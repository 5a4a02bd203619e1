/**
 * Passing condition: no network ACL entry is shadowed by earlier entries (it can never match)
 * and no security-group rule is redundant (other rules of the group already allow all of it, to
 * the same addresses or the same referenced groups). Judged as ranges over inline and
 * standalone rules together; only certain cases are reported.
 *
 * A direction closed on purpose (entries that deny all traffic ahead of the others: a quarantine
 * at netseg's reserved numbers, or a subnet shut by hand) shadows every entry after it; that is
 * one finding for the direction, naming the closing entries and how many they shadow, not one per
 * entry.
 */
import { z } from "zod";
import { CidrSet } from "../../../core/net/cidr";
import { TrafficSet } from "../../../core/net/ports";
import { AWS_NACL_ACL_TYPES, AWS_SG_GROUP_TYPES, redundantReferenceRules, redundantRules, securityGroupsOf, shadowedRules, type OwnedSgRule, type SgView } from "../../../core/resources";
import { stackRule } from "../define";
import { aclName, aclsOf, aclUrn, entryName, orderedEntries } from "./nacl-view";
import { groupName, groupUrn } from "./sg-view";

export const noShadowedRulesConfig = z.object({});

function ruleName(o: OwnedSgRule, v: SgView): string {
  return o.resource === v.group ? o.rule.path : `rule ${o.resource.name}`;
}

/** The security groups a rule admits by reference (`self` for its own group); known ones only. */
function references(o: OwnedSgRule): string[] {
  return [...o.rule.sourceSecurityGroups, ...(o.rule.self ? ["self"] : [])];
}

export const noShadowedRules = stackRule({
  name: "netseg-aws-no-shadowed-rules",
  description: "No network ACL entry is shadowed by earlier entries and no security-group rule is redundant with the group's other rules.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps: "Delete the shadowed NACL entry or the redundant security-group rule, or move the entry before the ones that cover it if it was meant to take effect.",
  config: noShadowedRulesConfig,
  covers: { rows: [15], ids: ["np-guard"] },
  types: [...AWS_NACL_ACL_TYPES, ...AWS_SG_GROUP_TYPES],
  check: (stack, _cfg, report) => {
    for (const v of aclsOf(stack)) {
      for (const direction of ["ingress", "egress"] as const) {
        const shadowed = shadowedRules(orderedEntries(v, direction).filter((r) => r.ref.entry.direction === direction));
        // Shadowed by the deny-all entries alone (whatever else also covers it).
        const denyAll = (b: (typeof shadowed)[number]["rule"]) => b.entry.allow === false && b.entry.trafficComplete && b.entry.traffic.covers(TrafficSet.ALL);
        const closed = shadowed.filter((s) => {
          const closers = s.by.filter(denyAll);
          return closers.length > 0 && closers.reduce((acc, b) => acc.union(b.entry.cidrs), CidrSet.EMPTY).covers(s.rule.entry.cidrs);
        });
        for (const s of shadowed.filter((x) => !closed.includes(x))) {
          report(`network ACL ${aclName(v)} ${direction} ${entryName(s.rule, v)} (${s.rule.entry.traffic} for ${s.rule.entry.cidrs}) never matches: shadowed by ${s.by.map((b) => entryName(b, v)).join(", ")}`, aclUrn(v));
        }
        if (closed.length) {
          const closers = [...new Set(closed.flatMap((s) => s.by.filter(denyAll)))];
          report(`network ACL ${aclName(v)} ${direction} is closed by ${closers.map((b) => `${entryName(b, v)} (deny all for ${b.entry.cidrs})`).join(", ")}: the ${closed.length} entries after it never match (a quarantine, or a subnet shut on purpose); lift it or delete them`, aclUrn(v));
        }
      }
    }
    for (const v of securityGroupsOf(stack)) {
      for (const direction of ["ingress", "egress"] as const) {
        const rules = [...v.inline, ...v.standalone].filter((o) => o.rule.direction === direction && o.rule.sourceSecurityGroups.length === 0 && !o.rule.self).map((o) => ({ ...o.rule, ref: o }));
        for (const r of redundantRules(rules)) {
          report(`security group ${groupName(v)} ${direction} ${ruleName(r.rule, v)} (${r.rule.rule.traffic} for ${r.rule.rule.cidrs}) is redundant: already allowed by ${r.by.map((b) => ruleName(b, v)).join(", ")}`, groupUrn(v));
        }
        const referencing = [...v.inline, ...v.standalone]
          .filter((o) => o.rule.direction === direction)
          .map((o) => ({
            traffic: o.rule.traffic,
            references: references(o),
            judged: o.rule.cidrs.isEmpty() && o.rule.cidrsComplete && o.rule.trafficComplete && o.rule.unresolvedPrefixLists.length === 0,
            ref: o,
          }));
        for (const r of redundantReferenceRules(referencing)) {
          const peers = references(r.rule).map((x) => (x === "self" ? "the group itself" : x)).join(", ");
          report(`security group ${groupName(v)} ${direction} ${ruleName(r.rule, v)} (${r.rule.rule.traffic} for ${peers}) is redundant: already allowed by ${r.by.map((b) => ruleName(b, v)).join(", ")}`, groupUrn(v));
        }
      }
    }
  },
});
