/**
 * Reads the AWS resources that run things inside a VPC (instances, network interfaces, Auto
 * Scaling groups, databases, caches, functions, load balancers, ECS services, EKS node groups
 * and control planes, interface VPC endpoints) into workloads: each with the subnets it sits
 * in, the security groups on its network interfaces, its fixed private addresses when known,
 * and whether it has a public address. The evaluator turns each into an endpoint of its own in
 * its subnet's zone. References are joined through the resource graph (by id, name or
 * dependency), so a workload whose subnet or group is unknown at preview is still placed among
 * its candidates, as a "maybe"; one that cannot be placed at all is a note that says why.
 */
import { CidrSet } from "../../net/cidr";
import { TrafficSet, type PortSpec } from "../../net/ports";
import { MANAGED_BY, TAG } from "../../tags";
import { displayName, propsOf, type ResourceGraph } from "../graph";
import type { NetResource, RuleRef } from "../model";
import { arr, bool, cidrSet, isUnknown, labels, num, rec, str, UNKNOWN, type Tri } from "../values";
import { ref } from "./common";
import { AWS, SG_TYPES } from "./types";

/** Workload resource type tokens (`aws:alb/...` are the aliases of the `aws:lb/...` ones). */
export const AWS_WORKLOAD = {
  instance: "aws:ec2/instance:Instance",
  eni: "aws:ec2/networkInterface:NetworkInterface",
  eniAttachment: "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment",
  eip: "aws:ec2/eip:Eip",
  eipAssociation: "aws:ec2/eipAssociation:EipAssociation",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
  asg: "aws:autoscaling/group:Group",
  rdsInstance: "aws:rds/instance:Instance",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  rdsSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  cacheReplicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheCluster: "aws:elasticache/cluster:Cluster",
  cacheServerless: "aws:elasticache/serverlessCache:ServerlessCache",
  cacheSubnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
  lambda: "aws:lambda/function:Function",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  alb: "aws:alb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  albListener: "aws:alb/listener:Listener",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  albListenerRule: "aws:alb/listenerRule:ListenerRule",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  albTargetGroup: "aws:alb/targetGroup:TargetGroup",
  targetAttachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  albTargetAttachment: "aws:alb/targetGroupAttachment:TargetGroupAttachment",
  ecsService: "aws:ecs/service:Service",
  eksCluster: "aws:eks/cluster:Cluster",
  eksNodeGroup: "aws:eks/nodeGroup:NodeGroup",
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
} as const;

const LB_TYPES = [AWS_WORKLOAD.lb, AWS_WORKLOAD.alb];
const LISTENER_TYPES = [AWS_WORKLOAD.listener, AWS_WORKLOAD.albListener];
const RULE_TYPES = [AWS_WORKLOAD.listenerRule, AWS_WORKLOAD.albListenerRule];
const TG_TYPES = [AWS_WORKLOAD.targetGroup, AWS_WORKLOAD.albTargetGroup];
const ATTACHMENT_TYPES = [AWS_WORKLOAD.targetAttachment, AWS_WORKLOAD.albTargetAttachment];

/** A load balancer listener: the traffic it accepts and the target groups it forwards to. */
export interface Listener {
  readonly ref: RuleRef;
  /** Protocol and port it listens on (all traffic, uncertain, when unknown at preview). */
  readonly traffic: TrafficSet;
  readonly certain: boolean;
  /** Target group URNs its default actions and rules forward to. */
  readonly targetGroups: readonly string[];
}

export interface TargetGroup {
  readonly urn: string;
  readonly name: string;
  /** The port and protocol targets receive traffic on, when known (a per-target port overrides). */
  readonly traffic?: TrafficSet;
  /** Workload URNs registered as targets (attachments, Auto Scaling groups, ECS services). */
  readonly targets: readonly string[];
}

export interface AwsWorkload {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  /** Short label in endpoint keys: `ec2`, `eni`, `asg`, `rds`, `elasticache`, `lambda`, `lb`, `ecs`, `eks`, `vpce`. */
  readonly kind: string;
  /** Candidate subnet URNs: where it certainly is when `subnetsCertain`, else where it may be. */
  readonly subnets: readonly string[];
  readonly subnetsCertain: boolean;
  /** Security group URNs of this stack on its interfaces. */
  readonly sgs: readonly string[];
  /** Group ids that name no group of this stack: their rules are unknown. */
  readonly outsideSgs: readonly string[];
  /** Some group reference cannot be pinned at preview (it may be any of several, or none known). */
  readonly sgsUncertain: boolean;
  /** It names no group: AWS gives it the VPC's default security group. */
  readonly defaultSg: boolean;
  /** No security group filters it (a Network Load Balancer created without groups). */
  readonly unfiltered: boolean;
  /** Its fixed private addresses (an instance's privateIp...), when known; else its subnets' ranges. */
  readonly addresses?: CidrSet;
  /** Whether it has a public address (an internet-facing load balancer counts). */
  readonly publicIp: Tri;
  /** A load balancer's listeners: the only traffic it accepts. */
  readonly listeners?: readonly Listener[];
  readonly sensitive: boolean;
}

export interface AwsWorkloads {
  readonly workloads: AwsWorkload[];
  readonly targetGroups: Map<string, TargetGroup>;
  readonly notes: string[];
}

interface RefList {
  readonly urns: string[];
  readonly literals: string[];
  /** Every element resolved to one resource, or is a literal. */
  readonly certain: boolean;
}

/** A property that may be a single value, a list, or unknown, as a list of values. */
function values(v: unknown): unknown[] {
  const a = arr(v);
  if (a === UNKNOWN) return [v];
  if (a) return [...a];
  return v === undefined || v === null || v === "" ? [] : [v];
}

function refList(g: ResourceGraph, r: NetResource, prop: string, value: unknown, types: readonly string[], byName?: (name: string) => string | undefined): RefList {
  const urns = new Set<string>();
  const literals: string[] = [];
  let certain = true;
  for (const v of values(value)) {
    const res = g.resolve(r, prop, v, types);
    if (!res) continue;
    if ("literal" in res) {
      const named = byName?.(res.literal);
      if (named) urns.add(named);
      else literals.push(res.literal);
      continue;
    }
    if (!res.certain || !res.urns.length) certain = false;
    for (const u of res.urns) urns.add(u);
  }
  return { urns: [...urns].sort(), literals, certain };
}

/** Resources of `types` whose `name` property (or id) is `name`: subnet groups and launch configurations are named. */
function nameIndex(g: ResourceGraph, types: readonly string[]): (name: string) => string | undefined {
  const byName = new Map<string, string>();
  for (const r of g.ofType(...types)) {
    const n = str(propsOf(r).name);
    if (typeof n === "string") byName.set(n, r.urn);
    const id = g.idOf(r.urn);
    if (id) byName.set(id, r.urn);
  }
  return (name) => byName.get(name);
}

function triOf(v: unknown, absent: Tri): Tri {
  const b = bool(v);
  return b === UNKNOWN ? "maybe" : b === undefined ? absent : b ? "yes" : "no";
}

/** Fixed addresses from any of these properties (strings or lists), when all are known. */
function fixedAddresses(...vs: unknown[]): { set?: CidrSet; unknown: boolean } {
  const all = vs.flatMap(values);
  if (!all.length) return { unknown: false };
  const withPrefix = all.map((x) => (typeof x === "string" && !x.includes("/") ? `${x}/${x.includes(":") ? 128 : 32}` : x));
  const c = cidrSet(withPrefix);
  return c.unknown || c.bad.length ? { unknown: true } : { set: c.set, unknown: false };
}

/** ELB listener protocols: TCP-based, UDP-based, both, or GENEVE (Gateway Load Balancer, udp/6081). */
function listenerTraffic(protocol: unknown, port: unknown): { traffic: TrafficSet; certain: boolean } {
  const p = str(protocol);
  const n = num(port);
  const proto = typeof p === "string" ? p.toUpperCase() : p;
  if (proto === "GENEVE") return { traffic: TrafficSet.fromSpecs([{ protocol: "udp", from: 6081, to: 6081 }]), certain: true };
  if (proto === UNKNOWN || n === UNKNOWN) return { traffic: TrafficSet.ALL, certain: false };
  // No port: an ALB listener defaults to its protocol's port (80/443).
  const portNo = typeof n === "number" ? n : proto === "HTTPS" || proto === "TLS" ? 443 : 80;
  const specs: PortSpec[] = [];
  if (proto === undefined || ["HTTP", "HTTPS", "TCP", "TLS", "TCP_UDP"].includes(proto)) specs.push({ protocol: "tcp", from: portNo, to: portNo });
  if (proto === "UDP" || proto === "TCP_UDP") specs.push({ protocol: "udp", from: portNo, to: portNo });
  if (!specs.length) return { traffic: TrafficSet.ALL, certain: false };
  return { traffic: TrafficSet.fromSpecs(specs), certain: true };
}

/** Target group ARNs named by listener actions (`targetGroupArn`, or `forward.targetGroups[].arn`). */
function actionTargets(actions: unknown): unknown[] {
  const out: unknown[] = [];
  for (const a of values(actions)) {
    const act = rec(a);
    if (!act || act === UNKNOWN) {
      if (act === UNKNOWN) out.push(UNKNOWN);
      continue;
    }
    if (act.targetGroupArn !== undefined) out.push(act.targetGroupArn);
    const fwd = rec(act.forward);
    if (fwd && fwd !== UNKNOWN) for (const tg of values(fwd.targetGroups)) {
      const t = rec(tg);
      if (t && t !== UNKNOWN) out.push(t.arn);
      else if (t === UNKNOWN) out.push(UNKNOWN);
    }
  }
  return out;
}

/** netseg's own infrastructure: its mark and a role, and no zone. */
function isInfra(tags: Record<string, string>): boolean {
  return tags[TAG.aws.managedBy] === MANAGED_BY && !!tags[TAG.aws.role] && tags[TAG.aws.zone] === undefined;
}

/** Tags as a map, or as Auto Scaling's list of `{ key, value, propagateAtLaunch }`. */
function tagsOf(v: unknown): Record<string, string> {
  const list = arr(v);
  if (!list || list === UNKNOWN) return labels(v);
  const out: Record<string, string> = {};
  for (const t of list) {
    const x = rec(t);
    if (x && x !== UNKNOWN && typeof x.key === "string" && typeof x.value === "string") out[x.key] = x.value;
  }
  return out;
}

/** Reads every workload of the stack; `subnetPublic(urn)` says whether a subnet gives new interfaces a public address. */
export function readAwsWorkloads(g: ResourceGraph): AwsWorkloads {
  const notes: string[] = [];
  const workloads: AwsWorkload[] = [];
  const subnetByName = nameIndex(g, [AWS.subnet]);
  const mapsPublic = (subnets: readonly string[]): Tri => {
    const ts = subnets.map((u) => triOf(propsOf(g.byUrn.get(u)!).mapPublicIpOnLaunch, "no"));
    return !ts.length ? "maybe" : ts.every((t) => t === "yes") ? "yes" : ts.every((t) => t === "no") ? "no" : "maybe";
  };
  const sgName = nameIndex(g, SG_TYPES);

  function add(r: NetResource, kind: string, parts: { subnets: RefList; sgs: RefList; addresses?: CidrSet; publicIp: Tri; listeners?: Listener[]; withoutGroups?: "default" | "none" }): void {
    const tags = tagsOf(propsOf(r).tags);
    // netseg's own infrastructure (the egress proxy's load balancer...) is a stage of paths, not an endpoint.
    if (isInfra(tags)) return;
    const { subnets, sgs } = parts;
    if (!subnets.urns.length) {
      const why = subnets.literals.length
        ? `its subnet${subnets.literals.length > 1 ? "s" : ""} ${subnets.literals.join(", ")} ${subnets.literals.length > 1 ? "are" : "is"} not in this stack`
        : "no subnet of this stack can be told from its properties";
      notes.push(`${r.urn}: not analysed: ${r.type} ${displayName(r)}: ${why}, so it cannot be placed in a zone; declare its subnets in this stack (or read them with a data source and pass the ids)`);
      return;
    }
    workloads.push({
      urn: r.urn,
      name: displayName(r),
      type: r.type,
      kind,
      subnets: subnets.urns,
      subnetsCertain: subnets.certain && !subnets.literals.length,
      sgs: sgs.urns,
      outsideSgs: sgs.literals,
      sgsUncertain: !sgs.certain,
      defaultSg: parts.withoutGroups !== "none" && !sgs.urns.length && !sgs.literals.length && sgs.certain,
      unfiltered: parts.withoutGroups === "none" && !sgs.urns.length && !sgs.literals.length && sgs.certain,
      ...(parts.addresses ? { addresses: parts.addresses } : {}),
      publicIp: parts.publicIp,
      ...(parts.listeners ? { listeners: parts.listeners } : {}),
      sensitive: tags[TAG.aws.sensitive] === "true",
    });
  }
  const subnetsOf = (r: NetResource, prop: string, value: unknown) => refList(g, r, prop, value, [AWS.subnet], subnetByName);
  const sgsOf = (r: NetResource, prop: string, value: unknown) => refList(g, r, prop, value, SG_TYPES, sgName);
  const merge = (a: RefList, b: RefList): RefList => ({ urns: [...new Set([...a.urns, ...b.urns])].sort(), literals: [...a.literals, ...b.literals], certain: a.certain && b.certain });
  const none: RefList = { urns: [], literals: [], certain: true };

  // Elastic IPs give instances and interfaces public addresses.
  const withEip = new Set<string>();
  const eipMaybe = new Set<string>();
  const markEip = (r: NetResource, prop: string, v: unknown) => {
    if (v === undefined || v === null || v === "") return;
    const res = g.resolve(r, prop, v, [AWS_WORKLOAD.instance, AWS_WORKLOAD.eni]);
    if (res && !("literal" in res)) for (const u of res.urns) (res.certain ? withEip : eipMaybe).add(u);
  };
  for (const r of g.ofType(AWS_WORKLOAD.eip)) {
    markEip(r, "instance", propsOf(r).instance);
    markEip(r, "networkInterface", propsOf(r).networkInterface);
  }
  for (const r of g.ofType(AWS_WORKLOAD.eipAssociation)) {
    markEip(r, "instanceId", propsOf(r).instanceId);
    markEip(r, "networkInterfaceId", propsOf(r).networkInterfaceId);
  }
  const eipTri = (urn: string): Tri => (withEip.has(urn) ? "yes" : eipMaybe.has(urn) ? "maybe" : "no");
  const publicOf = (explicit: unknown, subnets: RefList, eip: Tri): Tri => {
    if (eip === "yes") return "yes";
    const own = triOf(explicit, "maybe");
    const base = own !== "maybe" || explicit === UNKNOWN || isUnknown(explicit) ? own : subnets.certain ? mapsPublic(subnets.urns) : "maybe";
    return base === "yes" ? "yes" : eip === "maybe" || base === "maybe" ? "maybe" : "no";
  };

  // Launch templates and configurations, read by the instances and groups that use them.
  const templates = new Map<string, { sgs: RefList; subnets: RefList; publicIp: unknown }>();
  for (const r of g.ofType(AWS_WORKLOAD.launchTemplate, AWS_WORKLOAD.launchConfiguration)) {
    const p = propsOf(r);
    let sgs = merge(sgsOf(r, "vpcSecurityGroupIds", p.vpcSecurityGroupIds), sgsOf(r, "securityGroups", r.type === AWS_WORKLOAD.launchConfiguration ? p.securityGroups : undefined));
    sgs = merge(sgs, sgsOf(r, "securityGroupNames", p.securityGroupNames));
    let subnets = none;
    let publicIp: unknown = p.associatePublicIpAddress;
    const nics = arr(p.networkInterfaces);
    if (nics === UNKNOWN) sgs = { ...sgs, certain: false };
    for (const n of nics === UNKNOWN ? [] : nics ?? []) {
      const nic = rec(n);
      if (!nic || nic === UNKNOWN) continue;
      const idx = num(nic.deviceIndex);
      if (idx !== undefined && idx !== 0 && idx !== UNKNOWN) continue;
      sgs = merge(sgs, sgsOf(r, "networkInterfaces", nic.securityGroups));
      subnets = merge(subnets, subnetsOf(r, "networkInterfaces", nic.subnetId));
      publicIp = nic.associatePublicIpAddress ?? publicIp;
    }
    templates.set(r.urn, { sgs, subnets, publicIp });
  }
  const usedTemplates = new Set<string>();
  const templateName = nameIndex(g, [AWS_WORKLOAD.launchTemplate, AWS_WORKLOAD.launchConfiguration]);
  const templateOf = (r: NetResource, prop: string, spec: unknown): { urns: string[]; certain: boolean } => {
    const s = rec(spec);
    const v = s && s !== UNKNOWN ? (s.id ?? s.launchTemplateId ?? s.name ?? s.launchTemplateName) : spec;
    if (v === undefined) return { urns: [], certain: true };
    const l = refList(g, r, prop, v, [AWS_WORKLOAD.launchTemplate, AWS_WORKLOAD.launchConfiguration], templateName);
    l.urns.forEach((u) => usedTemplates.add(u));
    return { urns: l.urns, certain: l.certain && !l.literals.length };
  };
  const fromTemplates = (t: { urns: string[]; certain: boolean }) => {
    let sgs: RefList = { ...none, certain: t.certain };
    let subnets: RefList = none;
    let publicIp: unknown;
    for (const u of t.urns) {
      const tpl = templates.get(u)!;
      sgs = merge(sgs, tpl.sgs);
      subnets = merge(subnets, tpl.subnets);
      publicIp ??= tpl.publicIp;
    }
    if (t.urns.length > 1) sgs = { ...sgs, certain: false };
    return { sgs, subnets, publicIp };
  };

  for (const r of g.ofType(AWS_WORKLOAD.instance)) {
    const p = propsOf(r);
    const tpl = fromTemplates(templateOf(r, "launchTemplate", p.launchTemplate));
    let subnets = subnetsOf(r, "subnetId", p.subnetId);
    let sgs = merge(sgsOf(r, "vpcSecurityGroupIds", p.vpcSecurityGroupIds), sgsOf(r, "securityGroups", p.securityGroups));
    // An interface given at launch (device 0) carries the instance's subnet and groups.
    for (const n of values(p.networkInterfaces)) {
      const nic = rec(n);
      if (!nic || nic === UNKNOWN) continue;
      const eni = g.resolve(r, "networkInterfaces", nic.networkInterfaceId, [AWS_WORKLOAD.eni]);
      if (num(nic.deviceIndex) === 0 && eni && !("literal" in eni) && eni.urns.length === 1) {
        const ep = propsOf(g.byUrn.get(eni.urns[0])!);
        subnets = merge(subnets, subnetsOf(g.byUrn.get(eni.urns[0])!, "subnetId", ep.subnetId));
        sgs = merge(sgs, sgsOf(g.byUrn.get(eni.urns[0])!, "securityGroups", ep.securityGroups));
      }
    }
    if (!subnets.urns.length && !subnets.literals.length) subnets = tpl.subnets;
    if (!sgs.urns.length && !sgs.literals.length) sgs = { ...tpl.sgs, certain: tpl.sgs.certain && sgs.certain };
    const addr = fixedAddresses(p.privateIp, p.secondaryPrivateIps, p.ipv6Addresses);
    add(r, "ec2", { subnets, sgs, ...(addr.set ? { addresses: addr.set } : {}), publicIp: publicOf(p.associatePublicIpAddress ?? tpl.publicIp, subnets, eipTri(r.urn)) });
  }
  for (const r of g.ofType(AWS_WORKLOAD.eni)) {
    const p = propsOf(r);
    const subnets = subnetsOf(r, "subnetId", p.subnetId);
    const addr = fixedAddresses(p.privateIp, p.privateIps, p.privateIpList, p.ipv6Addresses, p.ipv6AddressLists);
    // An interface never gets an automatic public address once created: only an Elastic IP gives it one.
    add(r, "eni", { subnets, sgs: sgsOf(r, "securityGroups", p.securityGroups), ...(addr.set ? { addresses: addr.set } : {}), publicIp: eipTri(r.urn) });
  }
  for (const r of g.ofType(AWS_WORKLOAD.asg)) {
    const p = propsOf(r);
    const policy = rec(p.mixedInstancesPolicy);
    const policyTemplate = policy && policy !== UNKNOWN ? rec(policy.launchTemplate) : undefined;
    const mixed = policyTemplate && policyTemplate !== UNKNOWN ? policyTemplate : undefined;
    const spec = p.launchTemplate ?? mixed?.launchTemplateSpecification;
    const tpl = fromTemplates(templateOf(r, p.launchTemplate !== undefined ? "launchTemplate" : p.launchConfiguration !== undefined ? "launchConfiguration" : "mixedInstancesPolicy", spec ?? p.launchConfiguration));
    let subnets = subnetsOf(r, "vpcZoneIdentifiers", p.vpcZoneIdentifiers);
    if (!subnets.urns.length && !subnets.literals.length) subnets = tpl.subnets;
    add(r, "asg", { subnets, sgs: tpl.sgs, publicIp: publicOf(tpl.publicIp, subnets, "no") });
  }
  const rdsGroups = nameIndex(g, [AWS_WORKLOAD.rdsSubnetGroup]);
  const rdsSubnets = (r: NetResource, p: Record<string, unknown>) => {
    const grp = refList(g, r, "dbSubnetGroupName", p.dbSubnetGroupName, [AWS_WORKLOAD.rdsSubnetGroup], rdsGroups);
    let out: RefList = { ...none, certain: grp.certain, literals: grp.literals };
    for (const u of grp.urns) {
      const sg = g.byUrn.get(u)!;
      out = merge(out, subnetsOf(sg, "subnetIds", propsOf(sg).subnetIds));
    }
    return grp.urns.length > 1 ? { ...out, certain: false } : out;
  };
  for (const r of g.ofType(AWS_WORKLOAD.rdsInstance)) {
    const p = propsOf(r);
    // A replica or cluster member without a subnet group of its own follows its source or cluster.
    if (p.dbSubnetGroupName === undefined && (p.replicateSourceDb !== undefined || p.clusterIdentifier !== undefined)) continue;
    add(r, "rds", { subnets: rdsSubnets(r, p), sgs: sgsOf(r, "vpcSecurityGroupIds", p.vpcSecurityGroupIds), publicIp: triOf(p.publiclyAccessible, "no") });
  }
  const clusterMembers = g.ofType(AWS_WORKLOAD.rdsClusterInstance);
  for (const r of g.ofType(AWS_WORKLOAD.rdsCluster)) {
    const p = propsOf(r);
    // A cluster is public when one of its instances is (each instance has that flag of its own).
    const members = clusterMembers.filter((m) => {
      const c = g.resolve(m, "clusterIdentifier", propsOf(m).clusterIdentifier, [AWS_WORKLOAD.rdsCluster]);
      return c && !("literal" in c) && c.urns.includes(r.urn);
    });
    const flags = members.map((m) => triOf(propsOf(m).publiclyAccessible, "no"));
    const publicIp: Tri = flags.includes("yes") ? "yes" : flags.includes("maybe") ? "maybe" : "no";
    add(r, "rds", { subnets: rdsSubnets(r, p), sgs: sgsOf(r, "vpcSecurityGroupIds", p.vpcSecurityGroupIds), publicIp });
  }
  const cacheGroups = nameIndex(g, [AWS_WORKLOAD.cacheSubnetGroup]);
  const cacheSubnets = (r: NetResource, p: Record<string, unknown>) => {
    const grp = refList(g, r, "subnetGroupName", p.subnetGroupName, [AWS_WORKLOAD.cacheSubnetGroup], cacheGroups);
    let out: RefList = { ...none, certain: grp.certain, literals: grp.literals };
    for (const u of grp.urns) out = merge(out, subnetsOf(g.byUrn.get(u)!, "subnetIds", propsOf(g.byUrn.get(u)!).subnetIds));
    return out;
  };
  for (const r of g.ofType(AWS_WORKLOAD.cacheReplicationGroup, AWS_WORKLOAD.cacheCluster)) {
    const p = propsOf(r);
    // A cluster inside a replication group is judged with the group.
    if (r.type === AWS_WORKLOAD.cacheCluster && p.replicationGroupId !== undefined) continue;
    add(r, "elasticache", { subnets: cacheSubnets(r, p), sgs: sgsOf(r, "securityGroupIds", p.securityGroupIds), publicIp: "no" });
  }
  for (const r of g.ofType(AWS_WORKLOAD.cacheServerless)) {
    const p = propsOf(r);
    add(r, "elasticache", { subnets: subnetsOf(r, "subnetIds", p.subnetIds), sgs: sgsOf(r, "securityGroupIds", p.securityGroupIds), publicIp: "no" });
  }
  for (const r of g.ofType(AWS_WORKLOAD.lambda)) {
    const vpc = rec(propsOf(r).vpcConfig);
    // Outside a VPC a function has no interface in one: nothing of a segment to judge.
    if (vpc === undefined) continue;
    if (vpc === UNKNOWN) {
      notes.push(`${r.urn}: not analysed: lambda.Function ${displayName(r)}: its vpcConfig is unknown at preview, so its subnets cannot be told`);
      continue;
    }
    add(r, "lambda", { subnets: subnetsOf(r, "vpcConfig", vpc.subnetIds), sgs: sgsOf(r, "vpcConfig", vpc.securityGroupIds), publicIp: "no" });
  }
  for (const r of g.ofType(AWS_WORKLOAD.ecsService)) {
    const p = propsOf(r);
    const net = rec(p.networkConfiguration);
    if (net === undefined) continue; // bridge or host networking: the tasks use their instances' interfaces
    if (net === UNKNOWN) {
      notes.push(`${r.urn}: not analysed: ecs.Service ${displayName(r)}: its networkConfiguration is unknown at preview`);
      continue;
    }
    const subnets = subnetsOf(r, "networkConfiguration", net.subnets);
    add(r, "ecs", { subnets, sgs: sgsOf(r, "networkConfiguration", net.securityGroups), publicIp: triOf(net.assignPublicIp, "no") });
  }
  for (const r of g.ofType(AWS_WORKLOAD.eksNodeGroup)) {
    const p = propsOf(r);
    const subnets = subnetsOf(r, "subnetIds", p.subnetIds);
    const tpl = p.launchTemplate !== undefined ? fromTemplates(templateOf(r, "launchTemplate", p.launchTemplate)) : undefined;
    // Without a launch template of its own, nodes carry the cluster security group EKS creates:
    // its rules are not in this stack.
    const sgs = tpl && (tpl.sgs.urns.length || tpl.sgs.literals.length) ? tpl.sgs : { ...none, literals: ["the EKS cluster security group"] };
    add(r, "eks", { subnets, sgs, publicIp: publicOf(tpl?.publicIp, subnets, "no") });
  }
  for (const r of g.ofType(AWS_WORKLOAD.eksCluster)) {
    const vpc = rec(propsOf(r).vpcConfig);
    if (!vpc || vpc === UNKNOWN) {
      notes.push(`${r.urn}: not analysed: eks.Cluster ${displayName(r)}: its vpcConfig is ${vpc === UNKNOWN ? "unknown at preview" : "missing"}`);
      continue;
    }
    // The control plane's interfaces carry the given groups plus the cluster security group EKS creates.
    const sgs = sgsOf(r, "vpcConfig", vpc.securityGroupIds);
    add(r, "eks", { subnets: subnetsOf(r, "vpcConfig", vpc.subnetIds), sgs: { ...sgs, literals: [...sgs.literals, "the EKS cluster security group"] }, publicIp: "no" });
  }
  for (const r of g.ofType(AWS_WORKLOAD.vpcEndpoint)) {
    const p = propsOf(r);
    const type = str(p.vpcEndpointType);
    // Gateway endpoints (S3, DynamoDB) are route targets, not interfaces.
    if (type === undefined || type === "Gateway") continue;
    if (type === UNKNOWN) {
      notes.push(`${r.urn}: not analysed: ec2.VpcEndpoint ${displayName(r)}: its vpcEndpointType is unknown at preview`);
      continue;
    }
    add(r, "vpce", { subnets: subnetsOf(r, "subnetIds", p.subnetIds), sgs: sgsOf(r, "securityGroupIds", p.securityGroupIds), publicIp: "no" });
  }

  // Load balancers: their listeners are the only traffic they accept.
  const targetGroups = new Map<string, TargetGroup & { targets: string[] }>();
  for (const r of g.ofType(...TG_TYPES)) {
    const p = propsOf(r);
    const t = str(p.targetType);
    const lt = t === "lambda" || t === "alb" ? undefined : listenerTraffic(p.protocol === "HTTP" || p.protocol === "HTTPS" ? "TCP" : p.protocol, p.port);
    targetGroups.set(r.urn, { urn: r.urn, name: displayName(r), ...(lt && lt.certain && p.port !== undefined ? { traffic: lt.traffic } : {}), targets: [] });
  }
  const workloadUrns = new Set(workloads.map((w) => w.urn));
  const workloadTypes = [...new Set(workloads.map((w) => w.type))];
  const register = (from: NetResource, prop: string, tgValue: unknown, target: string) => {
    const tg = g.resolve(from, prop, tgValue, TG_TYPES);
    if (tg && !("literal" in tg)) for (const u of tg.urns) targetGroups.get(u)!.targets.push(target);
  };
  for (const r of g.ofType(...ATTACHMENT_TYPES)) {
    const p = propsOf(r);
    const target = g.resolve(r, "targetId", p.targetId, workloadTypes);
    const urns = target && !("literal" in target) ? target.urns.filter((u) => workloadUrns.has(u)) : [];
    if (urns.length === 1) register(r, "targetGroupArn", p.targetGroupArn, urns[0]);
    else notes.push(`${r.urn}: target ${typeof str(p.targetId) === "string" ? str(p.targetId) as string : "(unknown at preview)"} is no workload of this stack that can be told; the path through its load balancer to it is not analysed`);
  }
  for (const r of g.ofType(AWS_WORKLOAD.asg)) for (const v of values(propsOf(r).targetGroupArns)) register(r, "targetGroupArns", v, r.urn);
  for (const r of g.ofType(AWS_WORKLOAD.ecsService)) for (const lb of values(propsOf(r).loadBalancers)) {
    const x = rec(lb);
    if (x && x !== UNKNOWN) register(r, "loadBalancers", x.targetGroupArn, r.urn);
  }
  const listenersOf = new Map<string, Listener[]>();
  for (const r of g.ofType(...LISTENER_TYPES)) {
    const p = propsOf(r);
    const lb = g.resolve(r, "loadBalancerArn", p.loadBalancerArn, LB_TYPES);
    if (lb && !("literal" in lb) && lb.urns.length && lb.urns.every((u) => isInfra(tagsOf(propsOf(g.byUrn.get(u)!).tags)))) continue;
    if (!lb || "literal" in lb || !lb.urns.length) {
      notes.push(`${r.urn}: listener of a load balancer outside this stack (or unknown at preview); not analysed`);
      continue;
    }
    const t = listenerTraffic(p.protocol, p.port);
    const tgs = new Set<string>();
    for (const v of actionTargets(p.defaultActions)) {
      const tg = g.resolve(r, "defaultActions", v, TG_TYPES);
      if (tg && !("literal" in tg)) tg.urns.forEach((u) => tgs.add(u));
    }
    for (const rule of g.ofType(...RULE_TYPES)) {
      const owner = g.resolve(rule, "listenerArn", propsOf(rule).listenerArn, LISTENER_TYPES);
      if (!owner || "literal" in owner || !owner.urns.includes(r.urn)) continue;
      for (const v of actionTargets(propsOf(rule).actions)) {
        const tg = g.resolve(rule, "actions", v, TG_TYPES);
        if (tg && !("literal" in tg)) tg.urns.forEach((u) => tgs.add(u));
      }
    }
    const portText = t.certain ? t.traffic.toString() : "unknown port";
    const listener: Listener = { ref: ref(r, `listener ${portText}`), traffic: t.traffic, certain: t.certain && lb.urns.length === 1, targetGroups: [...tgs].sort() };
    for (const u of lb.urns) listenersOf.set(u, [...(listenersOf.get(u) ?? []), listener]);
  }
  for (const r of g.ofType(...LB_TYPES)) {
    const p = propsOf(r);
    let subnets = subnetsOf(r, "subnets", p.subnets);
    const mappings = values(p.subnetMappings);
    const fixed: unknown[] = [];
    for (const m of mappings) {
      const x = rec(m);
      if (!x || x === UNKNOWN) continue;
      subnets = merge(subnets, subnetsOf(r, "subnetMappings", x.subnetId));
      if (x.privateIpv4Address !== undefined) fixed.push(x.privateIpv4Address);
    }
    const addr = fixed.length && fixed.length === mappings.length ? fixedAddresses(fixed) : { unknown: false };
    const type = str(p.loadBalancerType);
    // A Network Load Balancer created without security groups has none: it passes what its listeners accept.
    const sgs = sgsOf(r, "securityGroups", p.securityGroups);
    const internetFacing = triOf(p.internal, "no");
    const publicIp: Tri = internetFacing === "yes" ? "no" : internetFacing === "no" ? "yes" : "maybe";
    add(r, "lb", {
      subnets,
      sgs,
      ...(addr.set ? { addresses: addr.set } : {}),
      publicIp,
      listeners: listenersOf.get(r.urn) ?? [],
      withoutGroups: type === "application" || type === undefined ? "default" : "none",
    });
  }
  for (const u of templates.keys()) {
    if (!usedTemplates.has(u) && (templates.get(u)!.sgs.urns.length || templates.get(u)!.sgs.literals.length)) {
      notes.push(`${u}: not analysed as its own endpoint: no instance, Auto Scaling group or node group of this stack launches from it (its groups are judged through what uses it)`);
    }
  }
  return { workloads, targetGroups, notes };
}
