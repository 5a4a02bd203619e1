/**
 * AWS network ACL entries, inline (`aws:ec2/networkAcl:NetworkAcl`,
 * `aws:ec2/defaultNetworkAcl:DefaultNetworkAcl`: `ingress[]`/`egress[]` of `{ ruleNo, action,
 * protocol, fromPort, toPort, cidrBlock, ipv6CidrBlock }`) or standalone
 * (`aws:ec2/networkAclRule:NetworkAclRule`: `networkAclId`, `ruleNumber`, `egress`, `ruleAction`,
 * `protocol`, `fromPort`, `toPort`, `cidrBlock`, `ipv6CidrBlock`), in one ordered shape, and
 * each NACL of a stack with all of its entries.
 */
import { type CidrSet, type TrafficSet } from "../net";
import { cidrOne, invalidCidrProblem, mergeCidrs } from "./addresses";
import type { Direction } from "./aws-security-groups";
import { bool, field, isUnknown, items, num, str, UNKNOWN, type Plain, type PlainObject } from "./plain";
import { StackIndex, type StackResource } from "./stack";
import { awsTraffic, showValue, type KnownTraffic } from "./traffic";

export const AWS_NACL_TYPES = {
  acl: "aws:ec2/networkAcl:NetworkAcl",
  defaultAcl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  rule: "aws:ec2/networkAclRule:NetworkAclRule",
  association: "aws:ec2/networkAclAssociation:NetworkAclAssociation",
} as const;

export const AWS_NACL_ACL_TYPES: readonly string[] = [AWS_NACL_TYPES.acl, AWS_NACL_TYPES.defaultAcl];

export interface NaclEntry {
  /** undefined when unknown. */
  readonly direction: Direction | undefined;
  readonly order: number | undefined;
  readonly allow: boolean | undefined;
  readonly traffic: TrafficSet;
  readonly trafficComplete: boolean;
  readonly cidrs: CidrSet;
  readonly cidrsComplete: boolean;
  /** `ingress[1]` of an ACL, or `rule` for a standalone entry. */
  readonly path: string;
  /** Invalid CIDR texts, kept for messages. */
  readonly invalidCidrs: readonly string[];
  /** Why the protocol or ports cannot be read (the provider would reject them), and what they could mean at most. */
  readonly malformed?: string;
  readonly widest?: TrafficSet;
  /** Set when the rule number is present but not a valid one. */
  readonly ruleNumberMalformed?: string;
  /** Set when the action is present but neither allow nor deny. */
  readonly actionMalformed?: string;
}

function action(v: Plain): boolean | undefined {
  const a = str(v);
  if (a === UNKNOWN || a === undefined) return undefined;
  // AWS takes exactly "allow" or "deny"; anything else is malformed (and counted at its most open by exposure checks).
  return a === "allow" ? true : a === "deny" ? false : undefined;
}

function actionProblem(v: Plain): { actionMalformed?: string } {
  if (v === undefined || v === null || isUnknown(v) || action(v) !== undefined) return {};
  return { actionMalformed: `action ${showValue(v)} is neither "allow" nor "deny"` };
}

/** Every malformed value of an entry, for messages. */
export function naclEntryProblems(e: NaclEntry): string[] {
  return [e.ruleNumberMalformed, e.actionMalformed, e.malformed, ...e.invalidCidrs.map(invalidCidrProblem)].filter((x): x is string => x !== undefined);
}

function order(v: Plain): number | undefined {
  const n = num(v);
  return n === UNKNOWN || n === undefined || !Number.isInteger(n) ? undefined : n;
}

/** AWS numbers NACL entries 1-32766; anything else is rejected, and its place in the order unknown. */
function ruleNumberProblem(v: Plain): { ruleNumberMalformed?: string } {
  if (v === undefined || v === null || isUnknown(v)) return {};
  const n = num(v);
  if (typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 32766) return {};
  return { ruleNumberMalformed: `rule number ${showValue(v)} is not a whole number from 1 to 32766` };
}

function entry(direction: Direction | undefined, path: string, e: Plain, ruleNo: Plain, act: Plain): NaclEntry {
  const t: KnownTraffic = isUnknown(e) ? { traffic: awsTraffic(UNKNOWN, 0, 0).traffic, complete: false } : awsTraffic(field(e, "protocol"), field(e, "fromPort"), field(e, "toPort"));
  const addr = mergeCidrs(cidrOne(field(e, "cidrBlock")), cidrOne(field(e, "ipv6CidrBlock")));
  return {
    direction,
    order: order(ruleNo),
    allow: action(act),
    traffic: t.traffic,
    trafficComplete: t.complete && !t.otherProtocol,
    cidrs: addr.cidrs,
    cidrsComplete: addr.complete && !isUnknown(e),
    path,
    invalidCidrs: addr.invalid,
    ...(t.malformed ? { malformed: t.malformed, widest: t.widest } : {}),
    ...ruleNumberProblem(ruleNo),
    ...actionProblem(act),
  };
}

/** Inline entries of an ACL; `complete` false when a list is unknown. */
export function inlineNaclEntries(props: PlainObject): { entries: NaclEntry[]; complete: boolean } {
  const entries: NaclEntry[] = [];
  let complete = true;
  for (const direction of ["ingress", "egress"] as const) {
    const l = items(props[direction]);
    if (l.unknown) complete = false;
    l.known.forEach((e, i) => entries.push(entry(direction, `${direction}[${i}]`, e, field(e, "ruleNo"), field(e, "action"))));
  }
  return { entries, complete };
}

/** A standalone `NetworkAclRule`. */
export function standaloneNaclEntry(props: PlainObject): NaclEntry {
  const egress = bool(props.egress);
  const direction = egress === UNKNOWN ? undefined : egress === true ? "egress" : "ingress";
  return entry(direction, "rule", props, props.ruleNumber, props.ruleAction);
}

export interface OwnedNaclEntry {
  readonly entry: NaclEntry;
  readonly resource: StackResource;
}

export interface NaclView {
  readonly acl?: StackResource;
  readonly key: string;
  readonly entries: readonly OwnedNaclEntry[];
  readonly complete: boolean;
}

/** Every NACL of the stack with its inline and standalone entries (built once per index). */
export function naclsOf(index: StackIndex): readonly NaclView[] {
  return index.view(buildNacls);
}

function buildNacls(index: StackIndex): readonly NaclView[] {
  const views = new Map<string, { acl?: StackResource; entries: OwnedNaclEntry[]; complete: boolean }>();
  for (const a of index.ofType(...AWS_NACL_ACL_TYPES)) {
    const inline = inlineNaclEntries(a.props);
    views.set(a.urn, { acl: a, entries: inline.entries.map((e) => ({ entry: e, resource: a })), complete: inline.complete });
  }
  for (const r of index.ofType(AWS_NACL_TYPES.rule)) {
    const acls = index.referencedOrOnlyDependency(r, "networkAclId", AWS_NACL_ACL_TYPES);
    const id = str(r.props.networkAclId);
    const key = acls[0]?.urn ?? (typeof id === "string" ? id : r.urn);
    const v = views.get(key) ?? { acl: acls[0], entries: [], complete: true };
    v.entries.push({ entry: standaloneNaclEntry(r.props), resource: r });
    views.set(key, v);
  }
  return [...views.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, v]) => ({ key, ...v }));
}
