/**
 * AWS security-group rules, inline or standalone, in one plain shape; and the groups of a stack
 * with every rule that applies to them, whichever resource declared it.
 *
 * Shapes read (Pulumi property names):
 * - `aws:ec2/securityGroup:SecurityGroup`, `aws:ec2/defaultSecurityGroup:DefaultSecurityGroup`:
 *   `ingress[]`/`egress[]` of `{ protocol, fromPort, toPort, cidrBlocks, ipv6CidrBlocks,
 *   prefixListIds, securityGroups, self, description }`;
 * - `aws:ec2/securityGroupRule:SecurityGroupRule`: the same fields plus `type`,
 *   `securityGroupId`, `sourceSecurityGroupId`;
 * - `aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule` / `...EgressRule`: `ipProtocol`,
 *   `fromPort`, `toPort`, `cidrIpv4`, `cidrIpv6`, `prefixListId`, `referencedSecurityGroupId`,
 *   `securityGroupId`, `description`.
 */
import { CidrSet, type TrafficSet } from "../net";
import { cidrList, cidrOne, invalidCidrProblem, mergeCidrs, type KnownCidrs } from "./addresses";
import { bool, field, isUnknown, items, str, strings, UNKNOWN, type Plain, type PlainObject, type Unknown } from "./plain";
import { StackIndex, type StackResource } from "./stack";
import { awsTraffic } from "./traffic";

export const AWS_SG_TYPES = {
  group: "aws:ec2/securityGroup:SecurityGroup",
  defaultGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  rule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  prefixList: "aws:ec2/managedPrefixList:ManagedPrefixList",
} as const;

export const AWS_SG_GROUP_TYPES: readonly string[] = [AWS_SG_TYPES.group, AWS_SG_TYPES.defaultGroup];
export const AWS_SG_RULE_TYPES: readonly string[] = [AWS_SG_TYPES.rule, AWS_SG_TYPES.ingressRule, AWS_SG_TYPES.egressRule];

export type Direction = "ingress" | "egress";

export interface SgRule {
  readonly direction: Direction | Unknown;
  /** Traffic certainly matched, and whether that is all of it. */
  readonly traffic: TrafficSet;
  readonly trafficComplete: boolean;
  /** Peer addresses certainly matched (CIDRs and resolved prefix lists). */
  readonly cidrs: CidrSet;
  readonly cidrsComplete: boolean;
  /** Prefix-list ids that no entry resolved (AWS-managed lists, lists outside the stack). */
  readonly unresolvedPrefixLists: readonly string[];
  readonly sourceSecurityGroups: readonly string[];
  readonly self: boolean;
  readonly description: string | Unknown | undefined;
  /** Where the rule was written: `ingress[2]` of a group, or a standalone rule resource. */
  readonly path: string;
  readonly otherProtocol?: string;
  /** Invalid CIDR texts, kept for messages. */
  readonly invalidCidrs: readonly string[];
  /** Why the protocol or ports cannot be read (the provider would reject them), and what they could mean at most. */
  readonly malformed?: string;
  readonly widest?: TrafficSet;
}

/** Every malformed value of a rule, for messages: its protocol or ports, and each invalid CIDR. */
export function ruleProblems(r: { readonly malformed?: string; readonly invalidCidrs: readonly string[] }): string[] {
  return [...(r.malformed ? [r.malformed] : []), ...r.invalidCidrs.map(invalidCidrProblem)];
}

/** How to turn prefix-list ids (or unknown ids) into addresses; both optional. */
export interface PrefixListResolver {
  /** Entries of a known prefix-list id, or undefined when it is not in the stack. */
  byId?(id: string): CidrSet | undefined;
  /** Lower bound for an unknown id: the lists the property depends on (by URN). */
  candidates?: readonly CidrSet[];
}

function resolvePrefixLists(v: Plain, resolver: PrefixListResolver | undefined): { known: KnownCidrs; unresolved: string[] } {
  const ids = strings(v);
  let cidrs = CidrSet.EMPTY;
  let complete = !ids.unknown;
  const unresolved: string[] = [];
  for (const id of ids.known) {
    const entries = resolver?.byId?.(id);
    if (entries) cidrs = cidrs.union(entries);
    else {
      unresolved.push(id);
      complete = false;
    }
  }
  if (ids.unknown && resolver?.candidates && resolver.candidates.length > 0) {
    // The unknown id is one of the lists the property was built from: their common part is certain.
    cidrs = cidrs.union(resolver.candidates.reduce((acc, c) => acc.intersect(c)));
  }
  return { known: { cidrs, complete, invalid: [] }, unresolved };
}

function build(direction: Direction | Unknown, path: string, traffic: ReturnType<typeof awsTraffic>, addr: KnownCidrs, unresolved: string[], sgs: { known: readonly string[]; unknown: boolean }, self: boolean, description: Plain): SgRule {
  return {
    direction,
    traffic: traffic.traffic,
    trafficComplete: traffic.complete,
    cidrs: addr.cidrs,
    cidrsComplete: addr.complete && !sgs.unknown,
    unresolvedPrefixLists: unresolved,
    sourceSecurityGroups: sgs.known,
    self,
    description: str(description),
    path,
    otherProtocol: traffic.otherProtocol,
    invalidCidrs: addr.invalid,
    ...(traffic.malformed ? { malformed: traffic.malformed, widest: traffic.widest } : {}),
  };
}

/** One inline entry of a group's `ingress`/`egress` list. */
export function normaliseInlineSgRule(direction: Direction, index: number, e: Plain, resolver?: PrefixListResolver): SgRule {
  const pl = resolvePrefixLists(field(e, "prefixListIds"), resolver);
  const addr = mergeCidrs(cidrList(field(e, "cidrBlocks")), cidrList(field(e, "ipv6CidrBlocks")), pl.known);
  const unknownEntry = isUnknown(e);
  return build(direction, `${direction}[${index}]`, unknownEntry ? { traffic: awsTraffic(UNKNOWN, 0, 0).traffic, complete: false } : awsTraffic(field(e, "protocol"), field(e, "fromPort"), field(e, "toPort")),
    unknownEntry ? { ...addr, complete: false } : addr, pl.unresolved, strings(field(e, "securityGroups")), bool(field(e, "self")) === true, field(e, "description"));
}

/** All inline rules of a group (`SecurityGroup`, `DefaultSecurityGroup`); `complete` false if a list is unknown. */
export function inlineSgRules(props: PlainObject, resolver?: PrefixListResolver): { rules: SgRule[]; complete: boolean } {
  const rules: SgRule[] = [];
  let complete = true;
  for (const direction of ["ingress", "egress"] as const) {
    const l = items(props[direction]);
    if (l.unknown) complete = false;
    l.known.forEach((e, i) => rules.push(normaliseInlineSgRule(direction, i, e, resolver)));
  }
  return { rules, complete };
}

/** A standalone rule resource of any of the three types, or undefined for another type. */
export function normaliseStandaloneSgRule(type: string, props: PlainObject, resolver?: PrefixListResolver): SgRule | undefined {
  if (type === AWS_SG_TYPES.rule) {
    const t = str(props.type);
    const direction = t === UNKNOWN ? UNKNOWN : t === "egress" ? "egress" : "ingress";
    const pl = resolvePrefixLists(props.prefixListIds, resolver);
    const addr = mergeCidrs(cidrList(props.cidrBlocks), cidrList(props.ipv6CidrBlocks), pl.known);
    const src = str(props.sourceSecurityGroupId);
    const sgs = { known: typeof src === "string" ? [src] : [], unknown: src === UNKNOWN };
    return build(direction, "rule", awsTraffic(props.protocol, props.fromPort, props.toPort), addr, pl.unresolved, sgs, bool(props.self) === true, props.description);
  }
  if (type === AWS_SG_TYPES.ingressRule || type === AWS_SG_TYPES.egressRule) {
    const direction = type === AWS_SG_TYPES.egressRule ? "egress" : "ingress";
    const pl = resolvePrefixLists(props.prefixListId === undefined ? undefined : [props.prefixListId], resolver);
    const addr = mergeCidrs(cidrOne(props.cidrIpv4), cidrOne(props.cidrIpv6), pl.known);
    const ref = str(props.referencedSecurityGroupId);
    const sgs = { known: typeof ref === "string" ? [ref] : [], unknown: ref === UNKNOWN };
    return build(direction, "rule", awsTraffic(props.ipProtocol, props.fromPort, props.toPort), addr, pl.unresolved, sgs, false, props.description);
  }
  return undefined;
}

/** A rule, and the resource that declared it. */
export interface OwnedSgRule {
  readonly rule: SgRule;
  readonly resource: StackResource;
}

/** A security group of the stack with every rule that applies to it. */
export interface SgView {
  /** The group resource; undefined for rules whose group is outside the stack. */
  readonly group?: StackResource;
  /** The group's URN, or the id the rules name when the group is outside the stack. */
  readonly key: string;
  readonly inline: readonly OwnedSgRule[];
  readonly standalone: readonly OwnedSgRule[];
  /** false when an inline list was unknown. */
  readonly inlineComplete: boolean;
}

/** Prefix-list entries of a `ManagedPrefixList` resource. */
export function prefixListEntries(props: PlainObject): CidrSet {
  return items(props.entries).known.reduce<CidrSet>((acc, e) => acc.union(cidrOne(field(e, "cidr")).cidrs), CidrSet.EMPTY);
}

function resolverFor(index: StackIndex, r: StackResource, property: string): PrefixListResolver {
  const lists = index.ofType(AWS_SG_TYPES.prefixList);
  return {
    byId: (id) => {
      const hit = lists.find((l) => str(l.props.id) === id || str(l.props.arn) === id || l.name === id);
      return hit ? prefixListEntries(hit.props) : undefined;
    },
    candidates: index.referenced(r, property, [AWS_SG_TYPES.prefixList]).map((l) => prefixListEntries(l.props)),
  };
}

/** Every security group of the stack, standalone rules joined to their group by URN or id (built once per index). */
export function securityGroupsOf(index: StackIndex): readonly SgView[] {
  return index.view(buildSecurityGroups);
}

function buildSecurityGroups(index: StackIndex): readonly SgView[] {
  const views = new Map<string, { group?: StackResource; inline: OwnedSgRule[]; standalone: OwnedSgRule[]; inlineComplete: boolean }>();
  for (const g of index.ofType(...AWS_SG_GROUP_TYPES)) {
    const inline = ["ingress", "egress"].flatMap((d) => {
      const res = inlineSgRules({ [d]: g.props[d] }, resolverFor(index, g, d));
      return res.rules.map((rule) => ({ rule, resource: g }));
    });
    views.set(g.urn, { group: g, inline, standalone: [], inlineComplete: !isUnknown(g.props.ingress) && !isUnknown(g.props.egress) });
  }
  for (const r of index.ofType(...AWS_SG_RULE_TYPES)) {
    const plProp = r.type === AWS_SG_TYPES.rule ? "prefixListIds" : "prefixListId";
    const rule = normaliseStandaloneSgRule(r.type, r.props, resolverFor(index, r, plProp));
    if (!rule) continue;
    const groups = index.referencedOrOnlyDependency(r, "securityGroupId", AWS_SG_GROUP_TYPES);
    const id = str(r.props.securityGroupId);
    const key = groups[0]?.urn ?? (typeof id === "string" ? id : r.urn);
    const v = views.get(key) ?? { group: groups[0], inline: [], standalone: [], inlineComplete: true };
    v.standalone.push({ rule, resource: r });
    views.set(key, v);
  }
  return [...views.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, v]) => ({ key, ...v }));
}

/** True when a group's inline lists are declared (managed inline), known empty lists included. */
export function managesInline(group: StackResource): boolean {
  return group.props.ingress !== undefined || group.props.egress !== undefined;
}
