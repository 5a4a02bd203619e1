/**
 * GCP workloads: each `compute.Instance` and each managed instance group (a `compute.InstanceGroupManager`
 * or `RegionInstanceGroupManager` with the instance template it runs) is an endpoint of its own, with
 * the addresses, network tags and service account that decide which firewall rules target it and
 * which name it as a source. Its zone is its subnetwork's (else its `netseg-zone` label's, else a
 * zone's network tag it carries). An address GCP picks (no `networkIp`, or any instance of a group)
 * lies somewhere in the subnetwork's ranges: the engine cannot say where, so where rules treat parts
 * of those ranges differently the answer is a "maybe" (see ./evaluate). netseg's own egress proxy
 * (labelled `netseg-role`, or in the proxy subnetwork) is infrastructure, judged as egress, not a workload.
 */
import { CidrSet } from "../../net/cidr";
import { TAG } from "../../tags";
import { displayName, propsOf, type ResourceGraph } from "../graph";
import type { NetResource } from "../model";
import { cidrSet, labels, list, num, plain, str, strings, triOr, UNKNOWN, type Tri, type Unknown } from "../values";
import { refsTo } from "./refs";

export const GCP_WORKLOAD = {
  instance: "gcp:compute/instance:Instance",
  instanceFromTemplate: "gcp:compute/instanceFromTemplate:InstanceFromTemplate",
  template: "gcp:compute/instanceTemplate:InstanceTemplate",
  regionTemplate: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
  group: "gcp:compute/instanceGroupManager:InstanceGroupManager",
  regionGroup: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
} as const;

const ACCOUNT = "gcp:serviceaccount/account:Account";
const SUBNET = "gcp:compute/subnetwork:Subnetwork";
const TEMPLATES = [GCP_WORKLOAD.template, GCP_WORKLOAD.regionTemplate];
const DEFAULT_COMPUTE = /-compute@developer\.gserviceaccount\.com$/;

/** Who an instance runs as, as keys a firewall rule's accounts are compared by: `e:<email>`, `a:<account id>`, `u:<Account URN>`. */
export interface GcpIdentity {
  readonly keys: ReadonlySet<string>;
  /** The account cannot be told at preview: every account rule "may" target it. */
  readonly unknown: boolean;
  /** A `serviceAccount` block without an email: the project's default compute account, whose email the stack does not know. */
  readonly defaultCompute: boolean;
}

export interface GcpWorkload {
  /** The resource's logical name. */
  readonly name: string;
  readonly urn: string;
  readonly kind: "vm" | "mig";
  /** The zone's name in the model (`app`, `subnet:legacy`), undefined when it cannot be told. */
  readonly zone?: string;
  /** Addresses it certainly holds (`networkIp`, alias ranges written in full). */
  readonly fixed: CidrSet;
  /** Ranges holding its address (or its group's instances) at places GCP picks. */
  readonly somewhere: CidrSet;
  /**
   * Where its interfaces' primary internal addresses lie (a fixed `networkIp`, else the
   * subnetwork's ranges): rules naming sources by tag or account match these, not alias ranges.
   */
  readonly primary: CidrSet;
  /** Some address cannot be told at all (subnetwork unknown at preview): every range "may" hold it. */
  readonly addressesUnknown: boolean;
  readonly tags: ReadonlySet<string>;
  readonly tagsUnknown: boolean;
  readonly identity: GcpIdentity;
  readonly networks: ReadonlySet<string>;
  /** The subnetworks (URNs) its interfaces are in, where they can be told. */
  readonly subnets: ReadonlySet<string>;
  /** An external IPv4 address (an `accessConfigs` entry) / IPv6 address (`ipv6AccessConfigs`) on some interface. */
  readonly external: { readonly v4: Tri; readonly v6: Tri };
  /** Whether some interface has an IPv4 / IPv6 address (its `stackType`, an IPv6 address or access config): a packet is one or the other end to end. */
  readonly families: { readonly v4: Tri; readonly v6: Tri };
  /** A group's named ports (`namedPorts`), by which a proxy load balancer's backend service picks the port. */
  readonly namedPorts: ReadonlyMap<string, number | Unknown>;
}

/** What the zone reader learnt about subnetworks, for placing workloads. */
export interface SubnetFacts {
  /** Subnetwork URN -> zone name (`app`, `subnet:legacy`). */
  readonly zoneOf: ReadonlyMap<string, string>;
  /** Subnetwork URN -> its ranges (primary and secondary); undefined when unknown at preview. */
  readonly ranges: ReadonlyMap<string, CidrSet | undefined>;
  /** Subnetwork URN -> its primary range (`ipCidrRange`), where GCP picks an interface's address. */
  readonly primaryRanges: ReadonlyMap<string, CidrSet | undefined>;
  /** Subnetwork URN -> network URN or literal. */
  readonly networkOf: ReadonlyMap<string, string>;
  /** netseg's egress proxy subnetworks: what runs there is infrastructure. */
  readonly infrastructure: ReadonlySet<string>;
  /** Zone name -> its network tags (tags named after a zone identify it). */
  readonly zoneTags: ReadonlyMap<string, ReadonlySet<string>>;
}

export function accountKeys(g: ResourceGraph, urn: string): string[] {
  const p = propsOf(g.byUrn.get(urn) ?? ({ type: "", urn, name: "" } as NetResource));
  const out = [`u:${urn}`];
  const email = str(p.email);
  if (typeof email === "string") out.push(`e:${email}`);
  const id = str(p.accountId);
  if (typeof id === "string") out.push(`a:${id}`);
  return out;
}

export function emailKeys(email: string): string[] {
  return [`e:${email}`, `a:${email.split("@")[0]}`];
}

function identityOf(g: ResourceGraph, r: NetResource): GcpIdentity {
  const raw = propsOf(r).serviceAccount;
  if (raw === undefined || raw === null) return { keys: new Set(), unknown: false, defaultCompute: false };
  const sa = plain(raw);
  if (!sa) return { keys: new Set(), unknown: true, defaultCompute: false };
  const email = str(sa.email);
  if (email === undefined || email === "") return { keys: new Set(), unknown: false, defaultCompute: true };
  if (email !== UNKNOWN) {
    const keys = new Set(emailKeys(email));
    for (const a of g.ofType(ACCOUNT)) if (str(propsOf(a).email) === email) keys.add(`u:${a.urn}`);
    if (DEFAULT_COMPUTE.test(email)) return { keys, unknown: false, defaultCompute: true };
    return { keys, unknown: false, defaultCompute: false };
  }
  const refs = refsTo(g, r, "serviceAccount", [UNKNOWN], [ACCOUNT]);
  if (refs.urns.length === 1) return { keys: new Set(accountKeys(g, refs.urns[0])), unknown: false, defaultCompute: false };
  return { keys: new Set(refs.urns.flatMap((u) => accountKeys(g, u))), unknown: true, defaultCompute: false };
}

interface Placed {
  zone?: string;
  fixed: CidrSet;
  somewhere: CidrSet;
  addressesUnknown: boolean;
  primary: CidrSet;
  networks: Set<string>;
  subnets: Set<string>;
  external: { v4: Tri; v6: Tri };
  families: { v4: Tri; v6: Tri };
  infrastructure: boolean;
}

/** A subnetwork's (or an interface's) address families from its `stackType` (IPV4_ONLY when unset). */
export function stackFamilies(stackType: unknown): { v4: Tri; v6: Tri } {
  const t = str(stackType);
  if (t === UNKNOWN) return { v4: "maybe", v6: "maybe" };
  if (t === "IPV4_IPV6") return { v4: "yes", v6: "yes" };
  if (t === "IPV6_ONLY") return { v4: "no", v6: "yes" };
  return { v4: "yes", v6: "no" };
}


/** Where a resource's network interfaces put it; `group`: addresses of a group's instances are never fixed. */
function place(g: ResourceGraph, r: NetResource, facts: SubnetFacts, group: boolean, notes: Set<string>): Placed {
  const p = propsOf(r);
  const out: Placed = { fixed: CidrSet.EMPTY, somewhere: CidrSet.EMPTY, primary: CidrSet.EMPTY, addressesUnknown: false, networks: new Set(), subnets: new Set(), external: { v4: "no", v6: "no" }, families: { v4: "no", v6: "no" }, infrastructure: false };
  const rawNics = p.networkInterfaces;
  if (str(rawNics) === UNKNOWN) return { ...out, addressesUnknown: true, external: { v4: "maybe", v6: "maybe" }, families: { v4: "maybe", v6: "maybe" } };
  if (!Array.isArray(rawNics) || !rawNics.length) {
    notes.add(`${r.urn}: networkInterfaces: ${rawNics === undefined || rawNics === null ? "missing" : Array.isArray(rawNics) ? "an empty list" : `${typeof rawNics} (not a list)`}; GCP needs a list of at least one interface, so the workload's addresses and external IP are read as unknown, its answers "maybe"`);
    return { ...out, addressesUnknown: true, external: { v4: "maybe", v6: "maybe" }, families: { v4: "maybe", v6: "maybe" } };
  }
  const nics = list(rawNics);
  nics.forEach((raw, i) => {
    const ni = plain(raw);
    if (!ni) {
      out.addressesUnknown = true;
      out.external = { v4: triOr(out.external.v4, "maybe"), v6: triOr(out.external.v6, "maybe") };
      out.families = { v4: triOr(out.families.v4, "maybe"), v6: triOr(out.families.v6, "maybe") };
      return;
    }
    /** The subnetwork's ranges (alias ranges come from any), and its primary range (the interface's address). */
    let range: CidrSet | undefined;
    let primaryRange: CidrSet | undefined;
    let netOfSubnet = false;
    const sub = ni.subnetwork;
    if (sub !== undefined && sub !== null) {
      const refs = refsTo(g, r, "networkInterfaces", [sub], [SUBNET]);
      if (refs.urns.length === 1) {
        const urn = refs.urns[0];
        out.subnets.add(urn);
        if (facts.infrastructure.has(urn)) out.infrastructure = true;
        if (i === 0 || out.zone === undefined) out.zone ??= facts.zoneOf.get(urn);
        range = facts.ranges.get(urn);
        primaryRange = facts.primaryRanges.get(urn) ?? range;
        const net = facts.networkOf.get(urn);
        if (net) {
          out.networks.add(net);
          netOfSubnet = true;
        }
      } else if (refs.unresolved.length && str(sub) !== UNKNOWN) {
        notes.add(`${r.urn}: networkInterfaces[${i}].subnetwork ${refs.unresolved.join(", ")} is no subnetwork of this stack: the workload's addresses there are unknown, its answers "maybe"`);
      }
    }
    if (!netOfSubnet) {
      const net = str(ni.network);
      const refs = net === undefined ? undefined : refsTo(g, r, "networkInterfaces", [ni.network], ["gcp:compute/network:Network"]);
      if (refs?.urns.length === 1) out.networks.add(refs.urns[0]);
      else if (typeof net === "string") out.networks.add(net);
    }
    const ip = str(ni.networkIp);
    if (!group && typeof ip === "string" && ip !== "") {
      const c = cidrSet([ip.includes("/") ? ip : `${ip}/32`]);
      if (c.bad.length || c.set.isEmpty()) {
        notes.add(`${r.urn}: networkInterfaces[${i}].networkIp ${JSON.stringify(ip)} is not an IP address; GCP would reject it, so the instance may be anywhere in its subnetwork`);
        if (primaryRange) {
          out.somewhere = out.somewhere.union(primaryRange);
          out.primary = out.primary.union(primaryRange);
        } else out.addressesUnknown = true;
      } else {
        out.fixed = out.fixed.union(c.set);
        out.primary = out.primary.union(c.set);
      }
    } else if (primaryRange) {
      out.somewhere = out.somewhere.union(primaryRange);
      out.primary = out.primary.union(primaryRange);
    } else out.addressesUnknown = true;
    const alias = ni.aliasIpRanges;
    if (str(alias) === UNKNOWN) out.addressesUnknown = true;
    for (const a of list(alias)) {
      const text = str(plain(a)?.ipCidrRange);
      if (text === UNKNOWN) out.addressesUnknown = true;
      else if (typeof text === "string" && /^[0-9a-f:.]+\/\d+$/i.test(text.trim())) {
        const c = cidrSet([text.trim()]);
        if (c.bad.length) out.addressesUnknown = true;
        else out.fixed = out.fixed.union(c.set);
      } else if (typeof text === "string") {
        // A netmask alone (`/24`): GCP picks the block inside the subnetwork's ranges.
        if (range) out.somewhere = out.somewhere.union(range);
        else out.addressesUnknown = true;
      }
    }
    out.external.v4 = triOr(out.external.v4, presence(ni.accessConfigs));
    out.external.v6 = triOr(out.external.v6, presence(ni.ipv6AccessConfigs));
    const fam = stackFamilies(ni.stackType);
    const ipv6 = str(ni.ipv6Address);
    const v6Address: Tri = ipv6 === UNKNOWN ? "maybe" : typeof ipv6 === "string" && ipv6 !== "" ? "yes" : "no";
    out.families = { v4: triOr(out.families.v4, fam.v4), v6: triOr(triOr(out.families.v6, fam.v6), triOr(presence(ni.ipv6AccessConfigs), v6Address)) };
  });
  return out;
}

function presence(v: unknown): Tri {
  if (v === undefined || v === null) return "no";
  if (str(v) === UNKNOWN) return "maybe";
  return list(v).length ? "yes" : "no";
}

function isInfrastructure(r: NetResource): boolean {
  return labels(propsOf(r).labels)[TAG.gcp.role] !== undefined;
}

/** A zone named by the resource's `netseg-zone` label, or by a zone's network tag it carries. */
function zoneByMark(r: NetResource, tags: readonly string[], facts: SubnetFacts): string | undefined {
  const l = labels(propsOf(r).labels)[TAG.gcp.zone];
  if (l && facts.zoneTags.has(l)) return l;
  const byTag = [...facts.zoneTags].filter(([, ts]) => tags.some((t) => ts.has(t))).map(([z]) => z);
  return byTag.length === 1 ? byTag[0] : l;
}

function workloadOf(g: ResourceGraph, r: NetResource, kind: "vm" | "mig", sources: readonly NetResource[], facts: SubnetFacts, notes: Set<string>, namedPorts: Map<string, number | Unknown>): GcpWorkload | undefined {
  const placed = sources.map((s) => place(g, s, facts, kind === "mig", notes));
  if (placed.some((x) => x.infrastructure) || sources.some(isInfrastructure) || isInfrastructure(r)) return undefined;
  const tagLists = sources.map((s) => {
    const raw = propsOf(s).tags;
    if (raw === undefined || raw === null || Array.isArray(raw) || str(raw) === UNKNOWN) return strings(raw);
    notes.add(`${s.urn}: tags: ${typeof raw} (not a list); GCP needs a list of network tags, so the rules that target or name tags "may" apply to it`);
    return { values: [], unknown: true };
  });
  const tags = new Set(tagLists.flatMap((t) => t.values));
  // Instances of one group run different templates during a rollout: a tag or account only some carry "may" apply.
  const tagsDiffer = tagLists.some((t) => t.values.length !== tags.size);
  const identities = sources.map((s) => identityOf(g, s));
  const same = identities.every((i) => [...i.keys].sort().join() === [...identities[0].keys].sort().join() && i.defaultCompute === identities[0].defaultCompute);
  const identity: GcpIdentity = identities.length
    ? { keys: new Set(identities.flatMap((i) => [...i.keys])), unknown: identities.some((i) => i.unknown) || !same, defaultCompute: identities.some((i) => i.defaultCompute) }
    : { keys: new Set(), unknown: true, defaultCompute: false };
  const zone = placed.map((x) => x.zone).find((z) => z !== undefined) ?? sources.map((s) => zoneByMark(s, [...tags], facts)).find((z) => z !== undefined);
  const union = (f: (x: Placed) => CidrSet) => placed.reduce((acc, x) => acc.union(f(x)), CidrSet.EMPTY);
  const networks = new Set(placed.flatMap((x) => [...x.networks]));
  if (networks.size > 1) notes.add(`${r.urn}: interfaces in ${networks.size} networks: the firewall rules of each are applied to all its addresses, which may show paths (or blocks) a single interface would not have`);
  return {
    name: r.name || displayName(r),
    urn: r.urn,
    kind,
    ...(zone !== undefined ? { zone } : {}),
    fixed: union((x) => x.fixed),
    somewhere: union((x) => x.somewhere),
    primary: union((x) => x.primary),
    addressesUnknown: !sources.length || placed.some((x) => x.addressesUnknown),
    tags,
    tagsUnknown: !sources.length || tagLists.some((t) => t.unknown) || tagsDiffer,
    identity,
    networks,
    subnets: new Set(placed.flatMap((x) => [...x.subnets])),
    external: placed.length ? placed.reduce((acc, x) => ({ v4: triOr(acc.v4, x.external.v4), v6: triOr(acc.v6, x.external.v6) }), { v4: "no" as Tri, v6: "no" as Tri }) : { v4: "maybe", v6: "maybe" },
    families: placed.length ? placed.reduce((acc, x) => ({ v4: triOr(acc.v4, x.families.v4), v6: triOr(acc.v6, x.families.v6) }), { v4: "no" as Tri, v6: "no" as Tri }) : { v4: "maybe", v6: "maybe" },
    namedPorts,
  };
}

function namedPortsOf(r: NetResource): Map<string, number | Unknown> {
  const out = new Map<string, number | Unknown>();
  for (const x of list(propsOf(r).namedPorts)) {
    const n = str(plain(x)?.name);
    const port = num(plain(x)?.port);
    if (typeof n === "string" && port !== undefined) out.set(n, port);
  }
  return out;
}

/** Instances and managed groups as workloads; unused templates and unresolvable ones as notes. */
export function readWorkloads(g: ResourceGraph, facts: SubnetFacts, notes: Set<string>): GcpWorkload[] {
  const out: GcpWorkload[] = [];
  for (const r of g.ofType(GCP_WORKLOAD.instance)) {
    const w = workloadOf(g, r, "vm", [r], facts, notes, new Map());
    if (w) out.push(w);
  }
  const used = new Set<string>();
  // An instance made from a template: the template's properties, overridden by those it sets.
  for (const r of g.ofType(GCP_WORKLOAD.instanceFromTemplate)) {
    const refs = refsTo(g, r, "sourceInstanceTemplate", [propsOf(r).sourceInstanceTemplate], TEMPLATES);
    refs.urns.forEach((u) => used.add(u));
    if (refs.unresolved.length || refs.urns.length > 1) notes.add(`${r.urn}: sourceInstanceTemplate ${refs.unresolved.length ? `${refs.unresolved.join(", ")} names no instance template of this stack` : "may be any of several templates"}: what the instance does not set itself is unknown, its answers "maybe"`);
    const tpl = refs.urns.length === 1 ? g.byUrn.get(refs.urns[0])! : undefined;
    const own = Object.fromEntries(Object.entries(propsOf(r)).filter(([, v]) => v !== undefined && v !== null));
    const merged: NetResource = tpl
      ? { ...r, props: { ...propsOf(tpl), ...own }, propertyDependencies: { ...(tpl.propertyDependencies ?? {}), ...(r.propertyDependencies ?? {}) } }
      : { ...r, props: { networkInterfaces: UNKNOWN, tags: UNKNOWN, serviceAccount: UNKNOWN, ...own } };
    const w = workloadOf(g, merged, "vm", [merged], facts, notes, new Map());
    if (w) out.push(w);
  }
  for (const r of g.ofType(GCP_WORKLOAD.group, GCP_WORKLOAD.regionGroup)) {
    const raw = propsOf(r).versions;
    const values = str(raw) === UNKNOWN ? [UNKNOWN] : list(raw).map((v) => (str(v) === UNKNOWN ? UNKNOWN : plain(v)?.instanceTemplate));
    const refs = refsTo(g, r, "versions", values, TEMPLATES);
    refs.urns.forEach((u) => used.add(u));
    if (refs.unresolved.length) notes.add(`${r.urn}: versions[].instanceTemplate ${refs.unresolved.join(", ")} names no instance template of this stack: the group's addresses, tags and account are unknown, its answers "maybe"`);
    const templates = refs.unresolved.length ? [] : refs.urns.map((u) => g.byUrn.get(u)!);
    const w = workloadOf(g, r, "mig", templates, facts, notes, namedPortsOf(r));
    if (w) out.push(w);
  }
  for (const t of g.ofType(...TEMPLATES)) {
    if (used.has(t.urn) || isInfrastructure(t)) continue;
    notes.add(`${t.urn}: not analysed: instance template ${displayName(t)} is used by no managed instance group of this stack, so no instance runs it here`);
  }
  return out;
}
