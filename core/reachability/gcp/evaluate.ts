/**
 * GCP VPC firewall reachability. Rules apply to their targets (tags, service accounts, or every
 * instance); they are taken by priority, lowest number first, and at equal priority a deny
 * beats an allow; after them come the implied rules at 65535: allow all egress, deny all
 * ingress. Firewalls are stateful, so a pair needs the source's egress and the target's
 * ingress only. Traffic to or from the internet also needs a route to the default internet
 * gateway for the instance (GCP's default route, or a tagged route when it was deleted).
 * Rules name peers by address ranges that may hold only part of a peer: each peer is judged per
 * address class (../addr-classes), so a deny of part of the internet cuts only that part.
 *
 * A packet is IPv4 or IPv6 end to end: class pairs with no family in common (an IPv4-only
 * subnetwork and the internet's IPv6 part, say; see `stackType`) are skipped, and a pair left with
 * none is blocked at "address family". A declared peer network is reached only along a route: a
 * route of the stack to a VPN tunnel, an instance or the like, or the internet gateway for a
 * public peer (then an instance needs an external address or Cloud NAT, as for the internet); with
 * none, routes from outside the stack (a Cloud Router's) make it possible, never certain.
 *
 * Endpoints are zones (their instances in general) and workloads (./workloads): one instance or
 * managed group with its own addresses, tags and account. The internet reaches a workload
 * directly only through an external address on one of its interfaces, and through the load
 * balancers that name it as a backend (./lb); a load balancer is an endpoint of its own too,
 * reached on its forwarding rule's ports where some backend admits the traffic.
 *
 * A zone is judged per kind of member (`GcpZone.members`: each instance template's own tags and
 * service account): a rule applies to an instance by its own, so each kind is a node of its own,
 * with address classes of its own (source tags and accounts tell them apart), and the zone
 * reaches what some kind reaches.
 *
 * Workloads every rule treats alike (see `workloadClassKey`) are judged once: the others are
 * endpoints marked `sameAs` their representative, which the matrix answers for. A pair whose
 * destination's ingress (or source's egress) admits none of the other's address classes is
 * `closed`, judged without building its paths; paths share what passes their stages through a
 * walk memo (../stage).
 */
import type { Endpoint, Path, RuleRef, Stage } from "../model";
import type { External, PlatformAnalysis } from "../platform";
import { CidrSet } from "../../net/cidr";
import { TrafficSet } from "../../net/ports";
import { AddressSplitter, ClassPath, classLabel, type AddressClass } from "../addr-classes";
import { blockStage, firstMatchStage, passStage, unknownStage, WalkMemo } from "../stage";
import { triAnd, triOr, UNKNOWN, type Tri } from "../values";
import type { AccountRefs, GcpFirewall, GcpModel, GcpZone, GcpZoneMember } from "./model";
import type { GcpBackend, GcpLoadBalancer } from "./lb";
import { classesOfWorkload, FirewallIndex, type Target } from "./firewall-index";
import type { GcpWorkload } from "./workloads";
import { natServes } from "./nat";

const byPriority = (a: GcpFirewall, b: GcpFirewall) => a.priority - b.priority || (a.action === b.action ? 0 : a.action === "deny" ? -1 : 1);

interface Node extends Target {
  readonly ep: Endpoint;
  /** How stages name it: the zone's name, the workload's key. */
  readonly name: string;
  readonly tags: ReadonlySet<string>;
  readonly tagsUnknown: boolean;
  readonly vague: (c: AddressClass) => boolean;
  /** Whether it has IPv4 / IPv6 addresses: a packet is one or the other end to end. */
  readonly families: { readonly v4: Tri; readonly v6: Tri };
}

interface Lb {
  readonly ep: Endpoint;
  readonly lb: GcpLoadBalancer;
  /** Backends that are workloads of this analysis, with their node index. */
  readonly backends: readonly (GcpBackend & { node: number })[];
}

type Step = () => Stage | undefined;

/** Whether two endpoints may share a network (one whose networks are unknown may share any). */
function sharesNetwork(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (!a.size || !b.size) return true;
  for (const n of a) if (b.has(n)) return true;
  return false;
}

function uniqueKey(taken: Set<string>, key: string): string {
  let k = key;
  for (let n = 2; taken.has(k); n++) k = `${key}#${n}`;
  taken.add(k);
  return k;
}

/**
 * A workload's equivalence class as a text: equal for two workloads every rule treats alike, so
 * only one of them is judged (issue 12's scale target). It holds everything the analysis reads
 * of a workload: its zone (the intent it answers to), networks (which rules and routes apply),
 * the network tags some rule or route names, its service account, external addresses and Cloud
 * NAT, the load balancers naming it as a backend (with the port they send to), what is unknown
 * about it, and its addresses as the rules see them: the address signature (../addr-classes)
 * of its primary addresses and of its alias ranges apart (rules naming sources by tag or account
 * match the former only). Where GCP's pick of an address matters (`vague`, some rule cuts the
 * range it may land in), the range itself must match, unless the workload's addresses are all
 * picked in its primary range, where every class is vague alike. GCP firewalls apply per network,
 * not per subnetwork, so members in different subnetworks share all their paths.
 */
function workloadClassKey(model: GcpModel): (w: GcpWorkload, networks: ReadonlySet<string>, addresses: string) => string {
  const named = new Set([...model.firewalls.flatMap((f) => [...f.targetTags, ...f.sourceTags]), ...model.routes.flatMap((r) => r.tags)]);
  const backendOf = new Map<string, string[]>();
  for (const lb of model.loadBalancers ?? []) {
    for (const b of lb.backends) backendOf.set(b.urn, [...(backendOf.get(b.urn) ?? []), `${lb.urn}|${String(b.port)}|${b.portName ?? ""}`]);
  }
  const sorted = (xs: Iterable<string>) => [...xs].sort();
  return (w, networks, addresses) => {
    const nat = natServes(model.nats ?? [], w.subnets, networks, (x) => model.subnetRegions?.get(x));
    return JSON.stringify([
      w.zone ?? "",
      sorted(networks),
      sorted([...w.tags].filter((t) => named.has(t))),
      w.tagsUnknown,
      sorted(w.identity.keys),
      w.identity.unknown,
      w.identity.defaultCompute,
      w.external.v4,
      w.external.v6,
      w.families.v4,
      w.families.v6,
      nat.tri,
      nat.ref?.urn ?? "",
      sorted(backendOf.get(w.urn) ?? []),
      addresses,
    ]);
  };
}

/** The address part of a workload's class key (see {@link workloadClassKey}); `vague`: some class of it is GCP's pick. */
function addressKey(splitter: AddressSplitter, w: GcpWorkload, vague: boolean): string {
  if (w.addressesUnknown) return "?";
  const all = w.fixed.union(w.somewhere);
  const alias = all.subtract(w.primary);
  if (!vague) return `same:${splitter.signature(w.primary)}/${splitter.signature(alias)}`;
  if (w.fixed.isEmpty() && alias.isEmpty()) return `picked:${splitter.signature(w.primary)}`;
  return `exact:${w.fixed.toString()}/${w.somewhere.toString()}/${w.primary.toString()}`;
}

/**
 * A zone's kinds of member as the analysis tells them apart: by the tags some rule or route names
 * (`named`) and by service account; alike kinds are one, so a zone whose templates differ only in
 * tags no rule names is judged once.
 */
function zoneKinds(z: GcpZone, named: ReadonlySet<string>): GcpZoneMember[] {
  const all = z.members ?? [{ tags: z.tags, accountUrns: z.accountUrns, emails: z.emails, accountIds: z.accountIds }];
  const out = new Map<string, GcpZoneMember>();
  for (const m of all) {
    const kind = { ...m, tags: new Set([...m.tags].filter((t) => named.has(t))) };
    const key = JSON.stringify([[...kind.tags].sort(), [...m.accountUrns].sort(), [...m.emails].sort(), [...m.accountIds].sort()]);
    if (!out.has(key)) out.set(key, kind);
  }
  return [...out.values()];
}

/** A zone's kind of member as its stages name it: its tags and accounts. */
function memberText(m: GcpZoneMember): string {
  const tags = [...m.tags].sort();
  const accounts = [...new Set([...m.emails, ...[...m.accountUrns].map((u) => u.slice(u.lastIndexOf(":") + 1))])].sort();
  const parts = [tags.length ? `tags ${tags.join(",")}` : "no tags", ...(accounts.length ? [`account ${accounts.join(",")}`] : [])];
  return `instances with ${parts.join(", ")}`;
}

export function analyseGcp(model: GcpModel, externals: readonly External[]): PlatformAnalysis {
  const memo = new WalkMemo();
  const notes = [...(model.notes ?? [])];
  const sorted = [...model.firewalls].sort(byPriority);
  const splitter = new AddressSplitter([...sorted.flatMap((f) => [f.sourceRanges, f.destinationRanges]), ...model.routes.filter((r) => r.internet).map((r) => r.dest)]);
  const nodes: Node[] = [];
  const nodeById = new Map<string, number>();
  /** Every peer's classes, each with its index in `peerClasses`. */
  const classesOf = new Map<string, { cls: AddressClass; index: number }[]>();
  const peerClasses: AddressClass[] = [];
  const addPeer = (id: string, classes: AddressClass[]) => classesOf.set(id, classes.map((cls) => ({ cls, index: peerClasses.push(cls) - 1 })));
  const keys = new Set<string>();
  /** Tags some rule or route names: the only ones that tell a zone's kinds of member apart. */
  const named = new Set([...model.firewalls.flatMap((f) => [...f.targetTags, ...f.sourceTags]), ...model.routes.flatMap((r) => r.tags)]);
  /** Each node's own address classes: a zone's kinds of member have their own (source tags and accounts tell them apart). */
  const nodeClasses: { cls: AddressClass; index: number }[][] = [];
  /** A zone endpoint's nodes, one per kind of member (see `GcpZone.members`); other endpoints are their one node. */
  const kindsOf = new Map<string, readonly number[]>();

  for (const z of [...model.zones.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // An untagged subnetwork (`subnet:<name>`, a ':' no zone name holds) has no zone.
    const ep: Endpoint = z.network
      ? { id: `gcp:${z.name}`, key: z.name, kind: "zone", platform: "gcp", network: z.network, ...(z.ranges && !z.rangesUnknown ? { addresses: z.ranges } : {}) }
      : { id: `gcp:${z.name}`, key: z.name, kind: "zone", platform: "gcp", zone: z.name, ...(z.sensitive ? { sensitive: true } : {}) };
    keys.add(z.name);
    const members = zoneKinds(z, named);
    // A zone without a subnetwork of this stack: its instances' addresses are elsewhere, IPv6 perhaps.
    const families = z.ranges === undefined && !z.rangesUnknown ? { v4: "yes" as Tri, v6: "maybe" as Tri } : z.families;
    const classes = splitter.classes(z.rangesUnknown ? undefined : z.ranges ?? CidrSet.EMPTY);
    const kinds = members.map((m, k) => {
      // Each kind of member is a target of its own, judged by its own tags and accounts.
      const zone: GcpZone = { ...z, tags: new Set(m.tags), accountUrns: new Set(m.accountUrns), emails: new Set(m.emails), accountIds: new Set(m.accountIds) };
      const name = members.length > 1 ? `${z.name} (${memberText(m)})` : z.name;
      const i = nodes.push({ ep, name, zone, networks: z.networks, tags: zone.tags, tagsUnknown: false, vague: () => false, families }) - 1;
      addPeer(k === 0 ? ep.id : `${ep.id}#kind${k}`, classes);
      nodeClasses[i] = classesOf.get(k === 0 ? ep.id : `${ep.id}#kind${k}`)!;
      return i;
    });
    nodeById.set(ep.id, kinds[0]);
    kindsOf.set(ep.id, kinds);
  }
  const nodeByUrn = new Map<string, number>();
  /** Workloads alike to a judged one (`Endpoint.sameAs`): endpoints, but no node of their own. */
  const members: Endpoint[] = [];
  const representative = new Map<string, number>();
  const classKey = workloadClassKey(model);
  /** Workloads with the same addresses (instances whose address GCP picks in one subnetwork) share their classes. */
  const byAddresses = new Map<string, { classes: AddressClass[]; vague: (c: AddressClass) => boolean; key: string }>();
  const addressesOf = (w: GcpWorkload) => {
    const text = (c: CidrSet) => `${c.v4.toString()}/${c.v6.toString()}`;
    const k = w.addressesUnknown ? "?" : `${text(w.fixed)}|${text(w.somewhere)}|${text(w.primary)}`;
    let hit = byAddresses.get(k);
    if (!hit) {
      const { classes, vague } = classesOfWorkload(splitter, w);
      byAddresses.set(k, (hit = { classes, vague, key: addressKey(splitter, w, classes.some(vague)) }));
    }
    return hit;
  };
  for (const w of [...(model.workloads ?? [])].sort((a, b) => (a.urn < b.urn ? -1 : 1))) {
    const z = w.zone !== undefined ? model.zones.get(w.zone) : undefined;
    const key = uniqueKey(keys, z ? `${z.name}/${w.kind}:${w.name}` : `${w.kind}:${w.name}`);
    const fixedOnly = !w.addressesUnknown && w.somewhere.isEmpty() && !w.fixed.isEmpty();
    const networks = w.networks.size ? w.networks : z?.networks ?? new Set<string>();
    const { classes, vague, key: addresses } = addressesOf(w);
    const signature = classKey(w, networks, addresses);
    const rep = representative.get(signature);
    const ep: Endpoint = {
      id: `gcp:${key}`,
      key,
      kind: "workload",
      platform: "gcp",
      ...(z && !z.network ? { zone: z.name } : {}),
      ...(z?.network ? { network: z.network } : {}),
      workload: w.name,
      resource: w.urn,
      workloadKind: w.kind,
      ...(fixedOnly ? { addresses: w.fixed } : {}),
      ...(z?.sensitive ? { sensitive: true } : {}),
      ...(rep !== undefined ? { sameAs: nodes[rep].ep.id } : {}),
    };
    if (rep !== undefined) {
      // Judged through its representative: a load balancer naming it reaches the representative.
      members.push(ep);
      nodeByUrn.set(w.urn, rep);
      continue;
    }
    const i = nodes.push({ ep, name: key, workload: w, networks, tags: w.tags, tagsUnknown: w.tagsUnknown, vague, families: w.families }) - 1;
    representative.set(signature, i);
    nodeById.set(ep.id, i);
    kindsOf.set(ep.id, [i]);
    nodeByUrn.set(w.urn, i);
    addPeer(ep.id, classes);
    nodeClasses[i] = classesOf.get(ep.id)!;
  }
  const lbs: Lb[] = [];
  const lbById = new Map<string, number>();
  for (const lb of [...(model.loadBalancers ?? [])].sort((a, b) => (a.urn < b.urn ? -1 : 1))) {
    // Backends alike (one class) are one backend: the representative's.
    const seenBackend = new Set<string>();
    const backends = lb.backends.flatMap((b) => {
      const node = nodeByUrn.get(b.urn);
      const k = `${node}|${String(b.port)}|${b.portName ?? ""}`;
      if (node === undefined || seenBackend.has(k)) return [];
      seenBackend.add(k);
      return [{ ...b, node }];
    });
    // Every backend is netseg's own infrastructure (the egress proxy): judged as egress, not here.
    if (lb.backends.length && !backends.length && !lb.partial) continue;
    const subnetZone = lb.subnetwork ? model.subnetZones?.get(lb.subnetwork) : undefined;
    const backendZones = [...new Set(backends.map((b) => nodes[b.node].workload!.zone))];
    const zoneName = lb.external === "no" ? subnetZone : backendZones.length === 1 ? backendZones[0] : undefined;
    const z = zoneName !== undefined ? model.zones.get(zoneName) : undefined;
    const key = uniqueKey(keys, z ? `${z.name}/lb:${lb.name}` : `lb:${lb.name}`);
    const ep: Endpoint = { id: `gcp:${key}`, key, kind: "workload", platform: "gcp", ...(z && !z.network ? { zone: z.name } : {}), ...(z?.network ? { network: z.network } : {}), workload: lb.name, resource: lb.urn, workloadKind: "lb", ...(z?.sensitive ? { sensitive: true } : {}) };
    lbById.set(ep.id, lbs.push({ ep, lb, backends }) - 1);
    const own = lb.address ?? (lb.subnetwork && z && !z.rangesUnknown ? z.ranges : undefined);
    addPeer(ep.id, splitter.classes(lb.external === "no" ? own : undefined));
    if (lb.proxyRanges) addPeer(`proxies:${lb.urn}`, splitter.classes(lb.proxyRanges));
  }
  const backendNodes = new Set(lbs.flatMap((l) => l.backends.map((b) => b.node)));
  for (const e of externals) addPeer(e.endpoint.id, splitter.classes(e.addresses));
  const extById = new Map(externals.map((e) => [e.endpoint.id, e]));

  // Accounts by email, account id and resource, so a rule's accounts find their zones (their kinds of member) directly.
  const zonesByAccount = new Map<string, number[]>();
  const addAccount = (k: string, i: number) => zonesByAccount.set(k, [...(zonesByAccount.get(k) ?? []), i]);
  for (const [i, n] of nodes.entries()) {
    const z = n.zone;
    if (!z) continue;
    z.emails.forEach((e) => addAccount(`e:${e}`, i));
    z.accountIds.forEach((a) => addAccount(`a:${a}`, i));
    z.accountUrns.forEach((u) => addAccount(`u:${u}`, i));
  }
  const accountZones = (refs: AccountRefs): Map<number, Tri> => {
    const out = new Map<number, Tri>();
    for (const e of refs.emails) for (const i of [...(zonesByAccount.get(`e:${e}`) ?? []), ...(zonesByAccount.get(`a:${e.split("@")[0]}`) ?? [])]) out.set(i, "yes");
    for (const u of refs.urns) for (const i of zonesByAccount.get(`u:${u}`) ?? []) if (out.get(i) !== "yes") out.set(i, refs.certain ? "yes" : "maybe");
    return out;
  };
  const index = new FirewallIndex(
    nodes,
    nodes.map((n, i) => nodeClasses[i].filter((c) => !n.workload || !c.cls.cidrs || n.workload.primary.isEmpty() || c.cls.cidrs.overlaps(n.workload.primary)).map((c) => c.index)),
    peerClasses,
    sorted,
    accountZones,
  );

  /**
   * The firewall of node `t` in one direction, for the peer class `other` (index in `peerClasses`).
   * Peers no rule names apart share one rule list, so their stage is computed once per node and
   * direction: with workloads most pairs are such peers. (The implied rule always decides what no
   * rule matched, so the stage's `missing` text, which would name the peer, is never shown.)
   */
  const fwCache: Map<number, Stage>[][] = nodes.map(() => [new Map(), new Map()]);
  function firewall(t: number, ingress: boolean, other: number, otherKey: string): Stage {
    const list = index.listOf(t, ingress, other);
    const cache = fwCache[t][ingress ? 0 : 1];
    const hit = cache.get(list);
    if (hit) return hit;
    const name = nodes[t].name;
    const label = `firewall ${ingress ? "ingress to" : "egress from"} ${name}`;
    const implied = { urn: "", resource: "GCP implied rule", rule: ingress ? "deny all ingress, priority 65535" : "allow all egress, priority 65535" };
    const peer = list === -1 ? "" : ` ${ingress ? "from" : "to"} ${otherKey}`;
    const stage = firstMatchStage(label, index.rules(t, ingress, other), { rule: implied, action: ingress ? "deny" : "allow" }, `no firewall rule allows ${ingress ? "ingress to" : "egress from"} ${name}${peer}`);
    cache.set(list, stage);
    return stage;
  }

  /** Stages made once per node and peer class (an absent stage, `undefined`, too). */
  const stageCache = new Map<string, Stage | undefined>();
  function once(key: string, make: () => Stage | undefined): Stage | undefined {
    if (stageCache.has(key)) return stageCache.get(key);
    const st = make();
    stageCache.set(key, st);
    return st;
  }

  function internetRoute(t: number, ext: External, cls: AddressClass): Stage | undefined {
    if (ext.endpoint.kind !== "internet") return undefined;
    const n = nodes[t];
    const label = `route from ${n.name} to the internet`;
    let maybe = false;
    for (const r of model.routes) {
      if (!r.internet || !r.dest || !r.dest.overlaps(cls.cidrs ?? ext.addresses)) continue;
      if (r.network && n.networks.size && !n.networks.has(r.network)) continue;
      if (!r.tags.length || r.tags.some((tag) => n.tags.has(tag))) return passStage(label, r.ref);
      if (n.tagsUnknown) maybe = true;
    }
    if ([...n.networks].some((net) => model.defaultRoute.has(net)) || n.networks.size === 0) {
      return passStage(label, { urn: "", resource: "GCP default route", rule: "0.0.0.0/0 via default-internet-gateway" });
    }
    if (maybe) return unknownStage(label, `only tagged routes lead to the internet and ${n.name}'s network tags are unknown at preview`);
    // A network this stack does not declare keeps the routes it has elsewhere.
    if ([...n.networks].some((net) => !model.stackNetworks?.has(net))) return unknownStage(label, `${n.name}'s network is not declared in this stack, so its routes to the internet cannot be told`);
    return blockStage(label, `no route to the default internet gateway for ${n.name} (default routes deleted, no route tagged for it)`);
  }

  /**
   * How node `t` reaches a declared peer network's class `cls`: through a route of this stack
   * to something other than the internet gateway (a VPN tunnel, an internal load balancer, an
   * instance), through the internet gateway (a public class only: GCP does not deliver private
   * addresses there, and the node then needs an external address or Cloud NAT, as for the
   * internet), or by no route the stack shows.
   */
  function peerWay(t: number, ext: External, cls: AddressClass): { via: "private" | "internet"; ref: RuleRef } | { via: "none" | "maybe" } {
    const n = nodes[t];
    const dest = cls.cidrs ?? ext.addresses;
    const pub = !dest.publicPart().isEmpty();
    let maybe = false;
    let internet: RuleRef | undefined;
    for (const r of model.routes) {
      if (!r.dest || !r.dest.overlaps(dest)) continue;
      if (r.network && n.networks.size && !n.networks.has(r.network)) continue;
      if (r.tags.length && !r.tags.some((tag) => n.tags.has(tag))) {
        if (n.tagsUnknown) maybe = true;
        continue;
      }
      if (!r.internet) return { via: "private", ref: r.ref };
      if (pub) internet ??= r.ref;
    }
    if (!internet && pub && ([...n.networks].some((net) => model.defaultRoute.has(net)) || n.networks.size === 0)) internet = { urn: "", resource: "GCP default route", rule: "0.0.0.0/0 via default-internet-gateway" };
    if (internet) return { via: "internet", ref: internet };
    return { via: maybe ? "maybe" : "none" };
  }

  /** The route from node `t` to an outside endpoint's class (the same route carries the replies). */
  function outsideRoute(t: number, ext: External, cls: AddressClass): Stage | undefined {
    if (ext.endpoint.kind === "internet") return internetRoute(t, ext, cls);
    const n = nodes[t];
    const label = `route from ${n.name} to ${classLabel(ext.endpoint.key, cls)}`;
    const way = peerWay(t, ext, cls);
    if (way.via === "private" || way.via === "internet") return passStage(label, way.ref);
    if (way.via === "maybe") return unknownStage(label, `only tagged routes lead to ${ext.endpoint.key} and ${n.name}'s network tags are unknown at preview`);
    // Dynamic routes (a Cloud Router over VPN or Interconnect) and peerings may be declared elsewhere: possible, never certain.
    return unknownStage(label, `no route of this stack leads from ${n.name} to ${ext.endpoint.key}; routes may come from outside the stack (a Cloud Router's dynamic routes over VPN or Interconnect, a peering)`);
  }

  /** A workload's own external address, which the internet needs to reach it (or it the internet, else Cloud NAT). */
  function externalAddress(t: number, ext: External, cls: AddressClass, inbound: boolean): Stage | undefined {
    const w = nodes[t].workload;
    if (!w) return undefined;
    // A peer network is reached as the internet is only through the internet gateway.
    if (ext.endpoint.kind !== "internet" && peerWay(t, ext, cls).via !== "internet") return undefined;
    const v6 = !!cls.cidrs && cls.cidrs.v4.isEmpty() && !cls.cidrs.v6.isEmpty();
    const has = v6 ? w.external.v6 : w.external.v4;
    if (has === "yes") return undefined;
    const name = nodes[t].name;
    const what = v6 ? "external IPv6 address (ipv6AccessConfigs)" : "external IP (accessConfigs)";
    const label = `external address of ${name}`;
    if (!inbound) {
      // Out without an external address: through Cloud NAT (IPv4 only).
      const nat = v6 ? { tri: "no" as Tri } : natServes(model.nats ?? [], w.subnets, nodes[t].networks, (s) => model.subnetRegions?.get(s));
      if (nat.tri === "yes") return passStage(`Cloud NAT for ${name}`, nat.ref!);
      // A network of this stack has only the ways out the stack declares; another stack's network may have a NAT of its own.
      const known = nodes[t].networks.size > 0 && [...nodes[t].networks].every((n) => model.stackNetworks?.has(n));
      if (has === "no" && nat.tri === "no" && known) return blockStage(label, `${name} has no ${what} and no Cloud NAT of this stack serves its subnetwork`);
      return unknownStage(label, `${name} has ${has === "no" ? "no" : "perhaps no"} ${what}, and whether a Cloud NAT serves it cannot be told from this stack`);
    }
    if (has === "maybe") return unknownStage(label, `whether ${name} has an ${what} is unknown at preview`);
    return blockStage(label, `${name} has no ${what}: the internet cannot reach it directly, whatever its firewall allows`);
  }

  function vague(t: number, cls: AddressClass): Stage | undefined {
    const n = nodes[t];
    if (!n.vague(cls)) return undefined;
    return unknownStage(`address of ${n.name}`, `GCP picks ${n.name}'s address in ${n.workload!.somewhere}, and firewall rules treat parts of that range differently`);
  }

  function frontStage(l: Lb): Stage {
    const label = `load balancer ${l.lb.name}`;
    if (l.lb.frontCertain) return passStage(label, l.lb.ref, l.lb.front);
    return { label, lower: TrafficSet.EMPTY, upper: l.lb.front, grants: [{ rule: l.lb.ref, traffic: l.lb.front, certain: false }], denies: [], missing: `${l.lb.name}'s ports are unknown at preview` };
  }

  /**
   * A proxy's connections reach backend `b` on its named port: the front traffic passes when the
   * backend's firewall admits the proxy class on that port (on some TCP port, as a "maybe", when
   * the port cannot be told).
   */
  function proxyIngress(l: Lb, b: GcpBackend & { node: number }, proxyClass: number, proxyKey: string): Stage {
    const fw = firewall(b.node, true, proxyClass, proxyKey);
    const port = typeof b.port === "number" ? TrafficSet.of("tcp", b.port) : undefined;
    const passes = (t: TrafficSet, need: TrafficSet | undefined) => (need ? need.subtract(t).isEmpty() : !t.intersect(TrafficSet.of("tcp")).isEmpty());
    const front = l.lb.front;
    const lower = port && passes(fw.lower, port) ? front : TrafficSet.EMPTY;
    const upper = passes(fw.upper, port) ? front : TrafficSet.EMPTY;
    const on = port ? String(port) : `its port ${b.port === UNKNOWN || b.port === undefined ? `named ${b.portName ?? "http"} (unknown)` : String(b.port)}`;
    return {
      label: `${fw.label} from ${proxyKey}`,
      lower,
      upper,
      get grants() {
        return fw.grants.filter((g) => !g.traffic.intersect(port ?? TrafficSet.of("tcp")).isEmpty()).map((g) => ({ ...g, traffic: front }));
      },
      denies: [],
      missing: `no firewall rule admits ${proxyKey} to ${nodes[b.node].name} on ${on}, where ${l.lb.name} sends the traffic it takes`,
    };
  }

  /** The ways from a source, through load balancer `l`, to its backend `b`. */
  function viaLb(l: Lb, b: GcpBackend & { node: number }, from: Endpoint, to: Endpoint, a: number | undefined): Path[] {
    const way = `${a === undefined ? from.key : wayName(from, a)} -> ${to.key} through ${l.lb.name}`;
    const ext = extById.get(from.id);
    const out: Path[] = [];
    const head: Step[] = [() => frontStage(l)];
    if (ext && l.lb.external === "maybe") head.push(() => unknownStage(`load balancer ${l.lb.name}`, `whether ${l.lb.name} is external is unknown at preview`));
    if (ext && l.lb.external === "no") return [{ label: way, stages: [blockStage(`load balancer ${l.lb.name}`, `${l.lb.name} is internal: only its network reaches it`)] }];
    if (a !== undefined && l.lb.external !== "no") {
      return [{ label: way, stages: [unknownStage(`load balancer ${l.lb.name}`, `traffic from inside the network to the external load balancer ${l.lb.name} leaves through the internet, which is not analysed`)] }];
    }
    const srcClasses = a === undefined ? classesOf.get(from.id)! : nodeClasses[a];
    if (l.lb.mode === "proxy") {
      const proxies = classesOf.get(`proxies:${l.lb.urn}`);
      const proxyKey = `${l.lb.name}'s proxies`;
      const egress: Step[][] = a === undefined ? [[]] : srcClasses.flatMap(({ cls }) => classesOf.get(l.ep.id)!.map(({ index }) => [() => vague(a, cls), () => firewall(a, false, index, l.ep.key)]));
      for (const e of egress) {
        if (!proxies) out.push(new ClassPath(way, [...head, ...e, () => unknownStage(`firewall ingress to ${nodes[b.node].name} from ${proxyKey}`, `the addresses of ${proxyKey} (the network's proxy-only subnetwork) are not in this stack`)]));
        else for (const p of proxies) out.push(new ClassPath(way, [...head, ...e, () => proxyIngress(l, b, p.index, proxyKey)], p.cls.part ? `${way} (proxies ${p.cls.part})` : undefined));
      }
      return out;
    }
    // Passthrough: the backend sees the client's own address and ports.
    const lbClasses = a === undefined ? [undefined] : classesOf.get(l.ep.id)!.map((c) => c.index);
    for (const { cls, index: fi } of srcClasses) {
      for (const li of lbClasses) {
        const steps: Step[] = [...head];
        if (a !== undefined && li !== undefined) steps.push(() => vague(a, cls), () => firewall(a, false, li, l.ep.key));
        steps.push(() => firewall(b.node, true, fi, from.key));
        if (ext) steps.push(() => internetRoute(b.node, ext, cls));
        out.push(new ClassPath(way, steps, cls.part ? `${classLabel(from.key, cls)} -> ${to.key} through ${l.lb.name}` : undefined));
      }
    }
    return out;
  }

  /** A node's name in a way's label when its endpoint has several kinds of member (`web (tags t1)`), else the endpoint's key. */
  const wayName = (ep: Endpoint, t: number | undefined) => (t !== undefined && kindsOf.get(ep.id)!.length > 1 ? nodes[t].name : ep.key);

  /**
   * Whether a packet between node `t` and the other end's class `c` can be of one address
   * family (a packet is IPv4 or IPv6 end to end): `other` is the other end's node, if any.
   */
  function familyShared(t: number, c: AddressClass, other: number | undefined): Tri {
    const f = nodes[t].families;
    if (other !== undefined) {
      const g = nodes[other].families;
      return triOr(triAnd(f.v4, g.v4), triAnd(f.v6, g.v6));
    }
    if (!c.cidrs || c.cidrs.isEmpty()) return "yes";
    return triOr(c.cidrs.v4.isEmpty() ? "no" : f.v4, c.cidrs.v6.isEmpty() ? "no" : f.v6);
  }

  /** The direct paths from node `a` (or the outside endpoint `from`) to node `b` (or the outside endpoint `to`): one per pair of address classes. */
  function directPaths(from: Endpoint, to: Endpoint, a: number | undefined, b: number | undefined): Path[] {
    const fromName = wayName(from, a);
    const toName = wayName(to, b);
    const way = `${fromName} -> ${toName}`;
    if (a !== undefined && b !== undefined && !sharesNetwork(nodes[a].networks, nodes[b].networks)) return [{ label: way, stages: [blockStage("network", `${from.key} and ${to.key} are in different VPC networks`)] }];
    const paths: Path[] = [];
    let apart = 0;
    // One path per pair of address classes: the pair reaches where some pair of classes does.
    for (const { cls: fc, index: fi } of a === undefined ? classesOf.get(from.id)! : nodeClasses[a]) {
      for (const { cls: tc, index: ti } of b === undefined ? classesOf.get(to.id)! : nodeClasses[b]) {
        const family = a !== undefined ? familyShared(a, tc, b) : b !== undefined ? familyShared(b, fc, undefined) : "yes";
        if (family === "no") {
          apart++;
          continue;
        }
        const steps: Step[] = [];
        if (family === "maybe") {
          const t = a ?? b!;
          steps.push(() => unknownStage("address family", `whether ${nodes[t].name} has an address of the family of ${a === undefined ? classLabel(from.key, fc) : b === undefined ? classLabel(to.key, tc) : toName} (IPv4 or IPv6) is unknown at preview`));
        }
        // The address check only where GCP's pick of an address matters (saves a closure a pair).
        // Stages are cached objects, so the walk memo shares what passes them across pairs.
        if (a !== undefined && nodes[a].vague(fc)) steps.push(() => once(`v|${a}|${fi}`, () => vague(a, fc)));
        if (a !== undefined) steps.push(() => firewall(a, false, ti, to.key));
        if (b !== undefined && nodes[b].vague(tc)) steps.push(() => once(`v|${b}|${ti}`, () => vague(b, tc)));
        if (b !== undefined) steps.push(() => firewall(b, true, fi, from.key));
        if (a !== undefined && b === undefined) {
          const ext = extById.get(to.id)!;
          steps.push(() => once(`r|${a}|${ti}`, () => outsideRoute(a, ext, tc)), () => once(`x|${a}|${ti}|out`, () => externalAddress(a, ext, tc, false)));
        }
        if (b !== undefined && a === undefined) {
          const ext = extById.get(from.id)!;
          steps.push(() => once(`r|${b}|${fi}`, () => outsideRoute(b, ext, fc)), () => once(`x|${b}|${fi}|in`, () => externalAddress(b, ext, fc, true)));
        }
        paths.push(new ClassPath(way, steps, fc.part || tc.part ? `${classLabel(fromName, fc)} -> ${classLabel(toName, tc)}` : undefined, undefined, memo));
      }
    }
    if (apart && !paths.length) paths.push({ label: way, stages: [blockStage("address family", `${fromName} and ${toName} have no address family in common (one is IPv4 only, the other IPv6 only)`)] });
    return paths;
  }

  return {
    endpoints: [...nodes.flatMap((n, i) => (nodeById.get(n.ep.id) === i ? [n.ep] : [])), ...members, ...lbs.map((l) => l.ep)],
    notes,
    closed(from, to) {
      // Between nodes (or from the internet or a peer to a node): when the destination's
      // ingress rules admit no address class of the source, or the source's egress rules none of
      // the destination's, every direct path stops there. Load balancer backends have more ways in.
      // A zone is closed when every pair of its kinds of member is.
      const as = kindsOf.get(from.id);
      const bs = kindsOf.get(to.id);
      if (bs === undefined || bs.some((b) => backendNodes.has(b)) || !classesOf.has(from.id) || !classesOf.has(to.id)) return false;
      if (as === undefined && !extById.has(from.id)) return false;
      const fromClasses = (a: number | undefined) => (a === undefined ? classesOf.get(from.id)! : nodeClasses[a]);
      return (as ?? [undefined]).every((a) =>
        bs.every((b) => {
          if (a !== undefined && !sharesNetwork(nodes[a].networks, nodes[b].networks)) return true;
          if (fromClasses(a).every((c) => firewall(b, true, c.index, from.key).upper.isEmpty())) return true;
          return a !== undefined && nodeClasses[b].every((c) => firewall(a, false, c.index, to.key).upper.isEmpty());
        }),
      );
    },
    paths(from, to): Path[] | undefined {
      const la = lbById.get(from.id);
      const lt = lbById.get(to.id);
      const as = kindsOf.get(from.id);
      const bs = kindsOf.get(to.id);
      if (la !== undefined) return [{ label: `${from.key} -> ${to.key}`, stages: [blockStage("load balancer", `${from.key} forwards its clients' traffic to its backends and starts none of its own`)] }];
      if (lt !== undefined) {
        if (as === undefined && !extById.has(from.id)) return undefined;
        const l = lbs[lt];
        const paths = (as ?? [undefined]).flatMap((a) => l.backends.flatMap((bk) => viaLb(l, bk, from, to, a)));
        if (l.lb.partial) paths.push({ label: `${from.key} -> ${to.key}`, stages: [unknownStage(`load balancer ${l.lb.name}`, `some of ${l.lb.name}'s backends are not in this stack (see the notes)`)] });
        return paths.length ? paths : [{ label: `${from.key} -> ${to.key}`, stages: [blockStage(`load balancer ${l.lb.name}`, `${l.lb.name} has no backend`)] }];
      }
      if (as === undefined && bs === undefined) return undefined;
      if (!classesOf.has(from.id) || !classesOf.has(to.id)) return undefined;
      const paths: Path[] = [];
      for (const a of as ?? [undefined]) for (const b of bs ?? [undefined]) paths.push(...directPaths(from, to, a, b));
      // Load balancers that name the destination as a backend: from outside through external
      // ones, from inside through internal proxies (an internal passthrough keeps the addresses,
      // which the direct paths already judge).
      const b = nodeById.get(to.id);
      if (b !== undefined && nodes[b].workload) {
        for (const l of lbs) {
          const bk = l.backends.find((x) => x.node === b);
          if (!bk) continue;
          for (const a of as ?? [undefined]) {
            if (a === undefined ? l.lb.external !== "no" : l.lb.external === "no" && l.lb.mode === "proxy") paths.push(...viaLb(l, bk, from, to, a));
          }
        }
      }
      return paths;
    },
  };
}
