/**
 * Reads an AWS stack's network resources into plain records: security groups with all their
 * rules (inline and standalone, both rule resource generations), NACLs with entries in rule
 * order and their subnets, route tables with routes classified by target, transit gateways with
 * their attachments and TGW route tables, and the zones that tags name. References are joined
 * through the resource graph, so unknown ids still land.
 */
import { CidrSet } from "../../net/cidr";
import { TrafficSet } from "../../net/ports";
import { MANAGED_BY, TAG } from "../../tags";
import { displayName, propsOf, ResourceGraph } from "../graph";
import type { NetResource, RuleRef } from "../model";
import { awsTraffic } from "../protocols";
import { arr, bool, labels, num, rec, str, UNKNOWN } from "../values";
import { AWS, NACL_TYPES, RT_TYPES, SG_TYPES } from "./types";
import { readRouteTables, type RouteTable } from "./routes";
import { cidrsOf, ref } from "./common";
import { readTransit, type TransitModel } from "./transit";
import { AWS_WORKLOAD, readAwsWorkloads, type AwsWorkloads } from "./workloads";

export type { Route, RouteTable, RouteTarget } from "./routes";
export type { TransitModel } from "./transit";

export interface GroupRef {
  readonly urns: readonly string[];
  readonly literal?: string;
  readonly certain: boolean;
}

export interface SgRule {
  readonly ref: RuleRef;
  readonly egress: boolean;
  readonly traffic: TrafficSet;
  readonly certain: boolean;
  readonly cidrs: CidrSet;
  readonly cidrsUnknown: boolean;
  readonly groups: readonly GroupRef[];
  readonly self: boolean;
  /** Prefix lists are not expanded: they may match anything. */
  readonly prefixList: boolean;
}

export interface Sg {
  readonly urn: string;
  readonly name: string;
  readonly zone?: string;
  /** `netseg:tenant` tag: zones of different tenants' VPCs are different endpoints. */
  readonly tenant?: string;
  readonly sensitive?: boolean;
  readonly literalId?: string;
  /** The VPC (urn or literal id) when it resolves to one; an untagged group is placed by it. */
  readonly vpc?: string;
  /** netseg's own infrastructure (`netseg:managed-by=netseg` with a `netseg:role`, no zone): its role. */
  readonly infra?: string;
  readonly rules: SgRule[];
}

export interface NaclEntry {
  readonly ref: RuleRef;
  readonly egress: boolean;
  /** Undefined when unknown at preview: such entries may sit anywhere, so they only widen doubt. */
  readonly number?: number;
  readonly action: "allow" | "deny";
  /** The action is unknown at preview: it is judged both ways. */
  readonly actionUnknown: boolean;
  readonly traffic: TrafficSet;
  readonly certain: boolean;
  readonly cidrs: CidrSet;
  readonly cidrsUnknown: boolean;
}

export interface Nacl {
  readonly urn: string;
  readonly name: string;
  readonly entries: NaclEntry[];
}

export interface Subnet {
  readonly urn: string;
  readonly name: string;
  readonly zone?: string;
  readonly tenant?: string;
  readonly sensitive?: boolean;
  readonly vpc?: string;
  /** Undefined when the block is unknown at preview. */
  readonly cidrs?: CidrSet;
  /** netseg's own infrastructure (`netseg:managed-by=netseg` with a `netseg:role`, no zone): its role. */
  readonly infra?: string;
  nacl?: Nacl;
  routeTable?: RouteTable;
}

export interface AwsModel {
  readonly sgs: Map<string, Sg>;
  readonly subnets: Subnet[];
  readonly nacls: Map<string, Nacl>;
  readonly routeTables: Map<string, RouteTable>;
  /** Transit gateways, their attachments and TGW route tables. */
  readonly transit: TransitModel;
  /** Instances, databases, functions, load balancers... each an endpoint of its own (./workloads). */
  readonly workloads: AwsWorkloads;
  readonly notes: string[];
}

/** The role of a resource netseg built as infrastructure (egress path, transit): it carries netseg's mark and a role, and no zone. */
function infraRole(tags: Readonly<Record<string, string>>, zone: string | undefined): string | undefined {
  return zone === undefined && tags[TAG.aws.managedBy] === MANAGED_BY && tags[TAG.aws.role] ? tags[TAG.aws.role] : undefined;
}

/** The VPC a resource's `vpcId` names: its urn, a literal id, or undefined when it cannot be told. */
function vpcKeyOf(g: ResourceGraph, r: NetResource, value: unknown): string | undefined {
  const vpc = g.resolve(r, "vpcId", value, [AWS.vpc]);
  return !vpc ? undefined : "literal" in vpc ? vpc.literal : vpc.urns.length === 1 ? vpc.urns[0] : undefined;
}

/** Input properties (top level, or one level down) through which a resource carries security groups. */
const SG_CARRIERS = /^(vpcSecurityGroupIds|securityGroups|securityGroupIds|securityGroupNames|vpcSecurityGroupIdList)$/;

function carriesSgs(v: unknown, depth = 0): boolean {
  if (Array.isArray(v)) return depth < 2 && v.some((x) => carriesSgs(x, depth + 1));
  if (!v || typeof v !== "object") return false;
  return Object.entries(v as Record<string, unknown>).some(([k, x]) => (SG_CARRIERS.test(k) ? x !== undefined && x !== null && !(Array.isArray(x) && x.length === 0) : depth < 2 && carriesSgs(x, depth + 1)));
}

/**
 * Resources of a type the engine does not read that put security groups on network interfaces
 * (a DMS instance, an MSK cluster, an OpenSearch domain...): each is named in the notes rather
 * than dropped. Its groups are still judged as part of the zones or subnets they belong to.
 */
function unplacedCarriers(g: ResourceGraph): string[] {
  const known = new Set<string>([...Object.values(AWS), ...Object.values(AWS_WORKLOAD)]);
  return g.resources
    .filter((r) => r.type.startsWith("aws:") && !known.has(r.type) && carriesSgs(propsOf(r)))
    .filter((r) => infraRole(labels(propsOf(r).tags), labels(propsOf(r).tags)[TAG.aws.zone]) === undefined)
    .map((r) => `${r.urn}: not analysed as its own endpoint: ${r.type} carries security groups, and the engine does not read that type (its groups are judged only with the zones or subnets they are placed in)`);
}

function groupRefs(g: ResourceGraph, r: NetResource, prop: string, values: readonly unknown[]): GroupRef[] {
  const out: GroupRef[] = [];
  for (const v of values) {
    const res = g.resolve(r, prop, v, SG_TYPES);
    if (!res) continue;
    out.push("literal" in res ? { urns: [], literal: res.literal, certain: true } : { urns: res.urns, certain: res.certain });
  }
  return out;
}


function readSgRule(g: ResourceGraph, owner: NetResource, rule: Record<string, unknown>, egress: boolean, label: string, prop: string, notes: string[]): SgRule {
  const t = awsTraffic(rule.protocol ?? rule.ipProtocol, rule.fromPort, rule.toPort);
  if (t.problem) notes.push(malformedNote(owner, label, t.problem));
  const c = cidrsOf(rule.cidrBlocks ?? rule.cidrIpv4, rule.ipv6CidrBlocks ?? rule.cidrIpv6);
  for (const b of c.bad) notes.push(malformedNote(owner, label, `CIDR ${JSON.stringify(b)} is not an IPv4 or IPv6 CIDR block`));
  const sgList = rule.securityGroups ?? rule.sourceSecurityGroupId ?? rule.referencedSecurityGroupId;
  const sgValues = arr(sgList) === UNKNOWN ? [sgList] : Array.isArray(sgList) ? sgList : sgList === undefined || sgList === null ? [] : [sgList];
  const prefix = rule.prefixListIds ?? rule.prefixListId;
  const prefixList = prefix !== undefined && prefix !== null && !(Array.isArray(prefix) && prefix.length === 0);
  return {
    ref: ref(owner, label, rule.description),
    egress,
    traffic: t.traffic,
    certain: t.certain,
    cidrs: c.set,
    cidrsUnknown: c.unknown || c.bad.length > 0,
    groups: groupRefs(g, owner, prop, sgValues),
    self: bool(rule.self) === true,
    prefixList,
  };
}

/** A rule the provider would reject: read at its widest as a "maybe", and said so. */
function malformedNote(r: NetResource, label: string, problem: string): string {
  return `${r.urn}: ${label}: ${problem}; AWS would reject it, so it is read at its widest, as a "maybe"`;
}

function readSgs(g: ResourceGraph, zoneTag: string | undefined, notes: string[]): Map<string, Sg> {
  const sgs = new Map<string, Sg>();
  for (const r of g.ofType(...SG_TYPES)) {
    const p = propsOf(r);
    const tags = labels(p.tags);
    const zone = tags[zoneTag ?? TAG.aws.zone] ?? tags[TAG.aws.zone];
    const id = r.id ?? str(p.id);
    const infra = infraRole(tags, zone);
    const sg: Sg = {
      urn: r.urn,
      name: displayName(r),
      zone,
      tenant: tags[TAG.aws.tenant],
      sensitive: tags[TAG.aws.sensitive] === "true",
      literalId: typeof id === "string" ? id : undefined,
      vpc: vpcKeyOf(g, r, p.vpcId),
      ...(infra ? { infra } : {}),
      rules: [],
    };
    for (const dir of ["ingress", "egress"] as const) {
      const list = arr(p[dir]);
      if (list === UNKNOWN) {
        sg.rules.push({ ref: ref(r, `${dir} (unknown)`), egress: dir === "egress", traffic: TrafficSet.ALL, certain: false, cidrs: CidrSet.EMPTY, cidrsUnknown: true, groups: [], self: false, prefixList: false });
        continue;
      }
      (list ?? []).forEach((x, i) => {
        const rule = rec(x);
        if (rule && rule !== UNKNOWN) sg.rules.push(readSgRule(g, r, rule as Record<string, unknown>, dir === "egress", `${dir}[${i}]`, dir, notes));
      });
    }
    sgs.set(r.urn, sg);
  }
  for (const r of g.ofType(AWS.sgRule, AWS.sgIngress, AWS.sgEgress)) {
    const p = propsOf(r);
    const egress = r.type === AWS.sgEgress || (r.type === AWS.sgRule && str(p.type) === "egress");
    const owner = g.resolve(r, "securityGroupId", p.securityGroupId, SG_TYPES);
    const urns = !owner ? [] : "literal" in owner ? [...sgs.values()].filter((s) => s.literalId === owner.literal).map((s) => s.urn) : owner.urns;
    if (!urns.length) {
      notes.push(`${r.urn}: belongs to a security group outside the stack; ignored`);
      continue;
    }
    const rule = readSgRule(g, r, p, egress, egress ? "egress" : "ingress", r.type === AWS.sgRule ? "sourceSecurityGroupId" : "referencedSecurityGroupId", notes);
    // Several candidate groups: the rule may be in any of them, so it only ever "may" apply.
    for (const u of urns) sgs.get(u)!.rules.push(urns.length === 1 ? rule : { ...rule, certain: false });
  }
  return sgs;
}

function readNaclEntry(r: NetResource, e: Record<string, unknown>, egress: boolean, label: string, notes: string[]): NaclEntry {
  const n = num(e.ruleNo ?? e.ruleNumber);
  const action = str(e.action ?? e.ruleAction);
  const t = awsTraffic(e.protocol, e.fromPort, e.toPort);
  if (t.problem) notes.push(malformedNote(r, label, t.problem));
  const c = cidrsOf(e.cidrBlock, e.ipv6CidrBlock);
  for (const b of c.bad) notes.push(malformedNote(r, label, `CIDR ${JSON.stringify(b)} is not an IPv4 or IPv6 CIDR block`));
  const number = typeof n === "number" ? n : undefined;
  return {
    ref: ref(r, number === undefined ? label : `${egress ? "outbound" : "inbound"} rule ${number}`),
    egress,
    number,
    action: action === "allow" ? "allow" : "deny",
    actionUnknown: action === UNKNOWN,
    traffic: t.traffic,
    certain: t.certain && number !== undefined && (action === "allow" || action === "deny"),
    cidrs: c.set,
    cidrsUnknown: c.unknown || c.bad.length > 0,
  };
}

function readNacls(g: ResourceGraph, subnets: Map<string, Subnet>, notes: string[]): Map<string, Nacl> {
  const nacls = new Map<string, Nacl>();
  /** Associates the subnets `values` name; when references are ambiguous, every candidate is taken. */
  const assign = (naclUrn: string, from: NetResource, prop: string, values: readonly unknown[]) => {
    const urns = new Set<string>();
    let ambiguous = false;
    for (const value of values) {
      const s = g.resolve(from, prop, value, [AWS.subnet]);
      if (!s || "literal" in s) continue;
      if (!s.certain) ambiguous = true;
      for (const u of s.urns) urns.add(u);
    }
    if (ambiguous && urns.size > values.length) notes.push(`${from.urn}: its ${values.length} subnet reference(s) could be any of ${urns.size} subnets; all are treated as associated`);
    for (const u of urns) subnets.get(u)!.nacl = nacls.get(naclUrn);
  };
  for (const r of g.ofType(...NACL_TYPES)) {
    const p = propsOf(r);
    const entries: NaclEntry[] = [];
    for (const dir of ["ingress", "egress"] as const) {
      const list = arr(p[dir]);
      (list === UNKNOWN ? [] : list ?? []).forEach((x, i) => {
        const e = rec(x);
        if (e && e !== UNKNOWN) entries.push(readNaclEntry(r, e as Record<string, unknown>, dir === "egress", `${dir}[${i}]`, notes));
      });
    }
    nacls.set(r.urn, { urn: r.urn, name: displayName(r), entries });
  }
  for (const r of g.ofType(AWS.naclRule)) {
    const p = propsOf(r);
    const owner = g.resolve(r, "networkAclId", p.networkAclId, NACL_TYPES);
    if (!owner || "literal" in owner || !owner.urns.length) {
      notes.push(`${r.urn}: belongs to a network ACL outside the stack; ignored`);
      continue;
    }
    const entry = readNaclEntry(r, p, bool(p.egress) === true, "entry", notes);
    // Several candidate ACLs: the entry may be in any of them, so it only ever "may" apply.
    for (const u of owner.urns) nacls.get(u)!.entries.push(owner.urns.length === 1 ? entry : { ...entry, certain: false });
  }
  for (const n of nacls.values()) {
    n.entries.sort((a, b) => (a.number ?? -1) - (b.number ?? -1) || Number(a.egress) - Number(b.egress));
  }
  for (const r of g.ofType(...NACL_TYPES)) {
    const ids = arr(propsOf(r).subnetIds);
    assign(r.urn, r, "subnetIds", ids === UNKNOWN ? [UNKNOWN] : ids ?? []);
  }
  for (const r of g.ofType(AWS.naclAssoc)) {
    const p = propsOf(r);
    const owner = g.resolve(r, "networkAclId", p.networkAclId, NACL_TYPES);
    if (owner && !("literal" in owner) && owner.urns.length === 1) assign(owner.urns[0], r, "subnetId", [p.subnetId]);
  }
  return nacls;
}

/**
 * A subnet with no association of its own gets its VPC's default NACL and main route table.
 * When the stack manages those (DefaultNetworkAcl, DefaultRouteTable, MainRouteTableAssociation),
 * their rules apply; otherwise AWS's defaults do (allow-all NACL, local-only routes).
 */
function applyVpcDefaults(g: ResourceGraph, subnets: Map<string, Subnet>, nacls: Map<string, Nacl>, tables: Map<string, RouteTable>): void {
  const vpcOf = (r: NetResource, prop: string, value: unknown): string | undefined => {
    const v = g.resolve(r, prop, value, [AWS.vpc]);
    if (v && !("literal" in v) && v.urns.length === 1) return v.urns[0];
    const deps = (r.dependencies ?? []).filter((u) => g.byUrn.get(u)?.type === AWS.vpc);
    return deps.length === 1 ? deps[0] : undefined;
  };
  // The one default of the stack stands in only where the subnet's VPC or the default's cannot
  // be told: a subnet of another VPC (one outside the stack) never takes it.
  const byVpc = <T>(items: { vpc?: string; value: T }[]) => (s: Subnet): T | undefined =>
    items.find((i) => i.vpc !== undefined && i.vpc === s.vpc)?.value ?? (items.length === 1 && (s.vpc === undefined || items[0].vpc === undefined) ? items[0].value : undefined);
  const defaultNacl = byVpc(g.ofType(AWS.defaultNacl).map((r) => ({ vpc: vpcOf(r, "defaultNetworkAclId", propsOf(r).defaultNetworkAclId), value: nacls.get(r.urn)! })));
  const mainTables = [
    ...g.ofType(AWS.defaultRouteTable).map((r) => ({ vpc: vpcOf(r, "defaultRouteTableId", propsOf(r).defaultRouteTableId), value: tables.get(r.urn)! })),
    ...g.ofType(AWS.mainRtAssoc).flatMap((r) => {
      const t = g.resolve(r, "routeTableId", propsOf(r).routeTableId, RT_TYPES);
      return t && !("literal" in t) && t.urns.length === 1 ? [{ vpc: vpcOf(r, "vpcId", propsOf(r).vpcId), value: tables.get(t.urns[0])! }] : [];
    }),
  ];
  const mainTable = byVpc(mainTables);
  for (const s of subnets.values()) {
    s.nacl ??= defaultNacl(s);
    s.routeTable ??= mainTable(s);
  }
}

/** Reads everything AWS; `zoneTag` overrides the tag key naming a resource's zone. */
export function readAws(g: ResourceGraph, zoneTag?: string): AwsModel {
  const notes: string[] = [];
  const subnets = new Map<string, Subnet>();
  for (const r of g.ofType(AWS.subnet)) {
    const p = propsOf(r);
    const tags = labels(p.tags);
    const c = cidrsOf(p.cidrBlock, p.ipv6CidrBlock);
    const zone = tags[zoneTag ?? TAG.aws.zone] ?? tags[TAG.aws.zone];
    const infra = infraRole(tags, zone);
    subnets.set(r.urn, {
      urn: r.urn,
      name: displayName(r),
      zone,
      tenant: tags[TAG.aws.tenant],
      sensitive: tags[TAG.aws.sensitive] === "true",
      vpc: vpcKeyOf(g, r, p.vpcId),
      cidrs: c.unknown ? undefined : c.set,
      ...(infra ? { infra } : {}),
    });
  }
  notes.push(...unplacedCarriers(g));
  const sgs = readSgs(g, zoneTag, notes);
  const nacls = readNacls(g, subnets, notes);
  const routeTables = readRouteTables(g, subnets);
  applyVpcDefaults(g, subnets, nacls, routeTables);
  const workloads = readAwsWorkloads(g);
  notes.push(...workloads.notes);
  return { sgs, subnets: [...subnets.values()].sort((a, b) => (a.urn < b.urn ? -1 : 1)), nacls, routeTables, transit: readTransit(g), workloads, notes };
}
