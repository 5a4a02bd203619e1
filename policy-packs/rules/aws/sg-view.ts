/**
 * Shared by the AWS security-group rules: the stack's groups with all their rules (inline and
 * standalone, prefix lists resolved), and the traffic each group opens to the whole internet.
 */
import type { TrafficSet } from "../../../core/net";
import { additiveWorldExposure, securityGroupsOf, shortName, type Direction, type OwnedSgRule, type SgView, type StackIndex } from "../../../core/resources";

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

/** For each group, the traffic of `direction` open to the whole internet (within `probe`). */
export function worldExposure(stack: StackIndex, direction: Direction, probe?: TrafficSet): GroupExposure[] {
  const out: GroupExposure[] = [];
  for (const view of securityGroupsOf(stack)) {
    const rules = [...view.inline, ...view.standalone]
      .filter((o) => o.rule.direction === direction)
      .map((o) => ({ ...o.rule, ref: o }));
    const e = additiveWorldExposure(rules, probe);
    if (e.traffic.isEmpty()) continue;
    out.push({ view, traffic: e.traffic, cidrs: e.cidrs.toString(), via: e.rules.map((o) => where(o, view)).join(", ") });
  }
  return out;
}
