/**
 * Shared by the AWS security-group rules: the stack's groups with all their rules (inline and
 * standalone, prefix lists resolved), and the traffic each group opens to the whole internet.
 */
import { CidrSet, TrafficSet } from "../../../core/net";
import { additiveWorldExposure, ruleProblems, securityGroupsOf, shortName, type AddressRule, type Direction, type OwnedSgRule, type SgView, type StackIndex } from "../../../core/resources";

export function groupName(v: SgView): string {
  return v.group ? v.group.name : `security group ${shortName(v.key)} (not in this stack)`;
}

/** The URN a finding about a group is reported against: the group, else its first rule. */
export function groupUrn(v: SgView): string {
  return v.group?.urn ?? (v.standalone[0]?.resource.urn as string);
}

function where(o: OwnedSgRule, v: SgView): string {
  return o.resource === v.group ? `${o.rule.path}` : `rule ${o.resource.name}`;
}

export interface GroupExposure {
  readonly view: SgView;
  readonly traffic: TrafficSet;
  readonly cidrs: string;
  /** Where the opening rules were written, for messages. */
  readonly via: string;
}

/**
 * A rule as an exposure check counts it: a malformed one (AWS would reject it, so what it means is
 * unknown, and a wrong "closed" is worse than a finding) at its most open: every port of its
 * protocol, everything when the protocol is unreadable, the whole internet when a CIDR is invalid.
 */
function atMostOpen(o: OwnedSgRule): AddressRule<OwnedSgRule> {
  const r = o.rule;
  return {
    ...r,
    ref: o,
    traffic: r.malformed ? (r.widest ?? TrafficSet.ALL) : r.traffic,
    trafficComplete: r.malformed ? true : r.trafficComplete,
    cidrs: r.invalidCidrs.length > 0 ? r.cidrs.union(CidrSet.WORLD) : r.cidrs,
  };
}

function viaText(o: OwnedSgRule, v: SgView): string {
  const problems = ruleProblems(o.rule);
  return problems.length > 0 ? `${where(o, v)}, malformed (${problems.join("; ")}) and so counted at its most open` : where(o, v);
}

/** For each group, the traffic of `direction` open to the whole internet (within `probe`); malformed rules count at their most open. */
export function worldExposure(stack: StackIndex, direction: Direction, probe?: TrafficSet): GroupExposure[] {
  const out: GroupExposure[] = [];
  for (const view of securityGroupsOf(stack)) {
    const rules = [...view.inline, ...view.standalone].filter((o) => o.rule.direction === direction).map(atMostOpen);
    const e = additiveWorldExposure(rules, probe);
    if (e.traffic.isEmpty()) continue;
    out.push({ view, traffic: e.traffic, cidrs: e.cidrs.toString(), via: e.rules.map((o) => viaText(o, view)).join(", ") });
  }
  return out;
}
