/**
 * Reads a GCP stack: zones (from subnetworks and service accounts whose description or labels
 * carry `netseg-zone=<zone>`, instances and templates labelled with it, and network tags named
 * after a zone), firewall rules with their targets and sources, and routes to the internet.
 * Service-account references are joined through the graph, since an email is usually unknown.
 * A subnetwork no zone mark names is an endpoint of its own (`gcp:subnet:<logical name>`), except
 * netseg's egress proxy subnetwork; one of unknown network is a note.
 */
import { CidrSet } from "../../net/cidr";
import { TrafficSet } from "../../net/ports";
import { TAG } from "../../tags";
import { displayName, propsOf, type ResourceGraph } from "../graph";
import type { NetResource, RuleRef } from "../model";
import { gcpTraffic } from "../protocols";
import { bool, cidrSet, labels, list, num, plain, str, strings, triOr, UNKNOWN, type Tri } from "../values";
import { GCP_LB, readLoadBalancers, type GcpLoadBalancer } from "./lb";
import { GCP_NAT, readNats, type GcpNat } from "./nat";
import { accountKeys, GCP_WORKLOAD, readWorkloads, stackFamilies, type GcpWorkload } from "./workloads";

export const GCP = {
  network: "gcp:compute/network:Network",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  firewall: "gcp:compute/firewall:Firewall",
  route: "gcp:compute/route:Route",
  account: "gcp:serviceaccount/account:Account",
  ...GCP_WORKLOAD,
  ...GCP_LB,
  ...GCP_NAT,
  backendBucket: "gcp:compute/backendBucket:BackendBucket",
} as const;

export interface GcpZone {
  readonly name: string;
  readonly tags: Set<string>;
  readonly accountUrns: Set<string>;
  readonly emails: Set<string>;
  /** Account ids (the part of an email before `@`) of the zone's accounts. */
  readonly accountIds: Set<string>;
  /** Undefined when some subnet range is unknown. */
  ranges?: CidrSet;
  rangesUnknown: boolean;
  networks: Set<string>;
  sensitive: boolean;
  /** The subnetwork's URN when no zone mark names it: an endpoint of its own (`subnet:<logical name>`), with no zone. */
  network?: string;
  /**
   * The kinds of instance the zone holds, one per distinct set of network tags and service
   * accounts (an instance or template labelled with the zone gives its own): a firewall rule
   * applies to an instance by its own tags and account, so each kind is judged apart and the
   * zone reaches what some kind reaches. Unset: one kind carrying `tags` and the zone's accounts.
   */
  members?: GcpZoneMember[];
  /** Whether the zone's subnetworks give its instances IPv4 / IPv6 addresses (stackType), "maybe" when unknown. */
  families: { v4: Tri; v6: Tri };
}

/** One kind of instance of a zone: its network tags and service accounts. */
export interface GcpZoneMember {
  readonly tags: ReadonlySet<string>;
  readonly accountUrns: ReadonlySet<string>;
  readonly emails: ReadonlySet<string>;
  readonly accountIds: ReadonlySet<string>;
}

/** A list of service accounts a rule names: by email, or by account resource when the email is unknown. */
export interface AccountRefs {
  readonly emails: readonly string[];
  readonly urns: readonly string[];
  /** True when every unknown element could be pinned to one account. */
  readonly certain: boolean;
  /** The keys (`u:`, `e:`, `a:`, see ./workloads) of the accounts `urns` names, for matching workloads. */
  readonly urnKeys?: readonly string[];
}

export interface GcpFirewall {
  readonly ref: RuleRef;
  readonly network?: string;
  readonly direction: "INGRESS" | "EGRESS";
  readonly priority: number;
  readonly action: "allow" | "deny";
  readonly traffic: TrafficSet;
  readonly certain: boolean;
  readonly targetTags: readonly string[];
  readonly targetAccounts?: AccountRefs;
  readonly sourceRanges?: CidrSet;
  readonly sourceTags: readonly string[];
  readonly sourceAccounts?: AccountRefs;
  readonly destinationRanges?: CidrSet;
  /** Some address list was unknown: the rule may match anything. */
  readonly rangesUnknown: boolean;
}

export interface GcpRoute {
  readonly ref: RuleRef;
  readonly network?: string;
  readonly dest: CidrSet;
  readonly internet: boolean;
  readonly tags: readonly string[];
}

export interface GcpModel {
  readonly zones: Map<string, GcpZone>;
  readonly firewalls: GcpFirewall[];
  readonly routes: GcpRoute[];
  /** Networks keeping GCP's default internet route (deleteDefaultRoutesOnCreate not set). */
  readonly defaultRoute: Set<string>;
  readonly present: boolean;
  /** Values GCP would reject (a port of 70000, "22-x"...), each naming its firewall and field. */
  readonly notes?: readonly string[];
  /** Instances and managed instance groups, each an endpoint of its own (./workloads). */
  readonly workloads?: readonly GcpWorkload[];
  /** Subnetwork URN -> the zone it is in (its zone's name, `subnet:<name>` for an unmarked one). */
  readonly subnetZones?: ReadonlyMap<string, string>;
  /** Cloud NATs: the way out for instances without an external IP (./nat). */
  readonly nats?: readonly GcpNat[];
  /** Subnetwork URN -> its region, when known. */
  readonly subnetRegions?: ReadonlyMap<string, string>;
  /** Networks declared in this stack (their URNs): a way out of them that the stack does not declare does not exist. */
  readonly stackNetworks?: ReadonlySet<string>;
  /** Forwarding rules and the workloads behind them (./lb). */
  readonly loadBalancers?: readonly GcpLoadBalancer[];
}

const ZONE_MARK = new RegExp(`${TAG.gcp.zone}=([a-z][-a-z0-9]*)`);

function zoneMark(r: NetResource): string | undefined {
  const p = propsOf(r);
  const l = labels(p.labels)[TAG.gcp.zone];
  if (l) return l;
  const d = str(p.description);
  return typeof d === "string" ? ZONE_MARK.exec(d)?.[1] : undefined;
}

export function networkKey(g: ResourceGraph, r: NetResource, prop: string): string | undefined {
  const v = propsOf(r)[prop];
  const res = g.resolve(r, prop, v, [GCP.network]);
  if (!res) return undefined;
  if ("literal" in res) {
    const byName = g.ofType(GCP.network).find((n) => {
      const name = str(propsOf(n).name);
      return typeof name === "string" && (name === res.literal || res.literal.endsWith(`/${name}`));
    });
    return byName?.urn ?? res.literal;
  }
  return res.urns.length === 1 ? res.urns[0] : undefined;
}

function accountRefs(g: ResourceGraph, r: NetResource, prop: string): AccountRefs | undefined {
  const raw = propsOf(r)[prop];
  if (raw === undefined || raw === null) return undefined;
  const s = strings(raw);
  const unknownCount = list(raw).filter((x) => str(x) === UNKNOWN).length + (s.unknown && !list(raw).length ? 1 : 0);
  if (!unknownCount) return { emails: s.values, urns: [], certain: true };
  const res = g.resolve(r, prop, UNKNOWN, [GCP.account]);
  const urns = res && !("literal" in res) ? res.urns : [];
  return { emails: s.values, urns, certain: urns.length > 0 && urns.length === unknownCount, urnKeys: urns.flatMap((u) => accountKeys(g, u)) };
}

/** Ranges as a set; a value GCP would reject (a bad CIDR, a list that is not a list) makes them unknown, a "maybe", and is reported. */
function ranges(v: unknown): { set?: CidrSet; unknown: boolean; bad: readonly string[] } {
  if (v === undefined || v === null) return { unknown: false, bad: [] };
  const s = str(v);
  if (s === UNKNOWN) return { unknown: true, bad: [] };
  if (!Array.isArray(v)) return { set: CidrSet.EMPTY, unknown: true, bad: [`${typeof v === "string" ? JSON.stringify(v) : typeof v} (not a list)`] };
  const r = cidrSet(list(v));
  const notText = v.filter((x) => x !== undefined && x !== null && str(x) === undefined).map((x) => (typeof x === "object" ? "an object" : String(x)));
  const bad = [...r.bad.map((b) => JSON.stringify(b)), ...notText];
  return { set: r.set, unknown: r.unknown || bad.length > 0, bad };
}

export function readGcp(g: ResourceGraph): GcpModel {
  // A Set: a rule of unknown direction is read twice, its problems noted once.
  const notes = new Set<string>();
  const zones = new Map<string, GcpZone>();
  const subnetZone = new Map<string, string>();
  const subnetRanges = new Map<string, CidrSet | undefined>();
  const subnetPrimary = new Map<string, CidrSet | undefined>();
  const subnetNetwork = new Map<string, string>();
  const infrastructure = new Set<string>();
  const zone = (name: string): GcpZone => {
    let z = zones.get(name);
    if (!z) zones.set(name, (z = { name, tags: new Set(), accountUrns: new Set(), emails: new Set(), accountIds: new Set(), rangesUnknown: false, networks: new Set(), sensitive: false, families: { v4: "no", v6: "no" } }));
    return z;
  };
  for (const r of g.ofType(GCP.subnet)) {
    let name = zoneMark(r);
    const p = propsOf(r);
    if (!name) {
      // A subnetwork no zone mark names is an endpoint of its own, with the firewall rules that
      // target every instance of its network. netseg's own egress proxy subnetwork (its
      // description says so, or carries `netseg-role=`) holds only the proxy, judged as egress.
      const d = String(str(p.description) ?? "");
      if (/^netseg egress proxy subnet of /.test(d) || new RegExp(`${TAG.gcp.role}=`).test(d)) {
        infrastructure.add(r.urn);
        continue;
      }
      if (networkKey(g, r, "network") === undefined) {
        notes.add(`${r.urn}: not analysed: subnetwork ${displayName(r)} has no zone mark and its network is unknown; give it a network of this stack or a ${TAG.gcp.zone}=<zone> description mark`);
        continue;
      }
      name = `subnet:${r.name}`;
      for (let n = 2; zones.has(name); n++) name = `subnet:${r.name}#${n}`;
      zone(name).network = r.urn;
    }
    const z = zone(name);
    const fam = stackFamilies(p.stackType);
    z.families = { v4: triOr(z.families.v4, fam.v4), v6: triOr(z.families.v6, fam.v6) };
    const c = ranges([p.ipCidrRange, ...list(p.secondaryIpRanges).map((x) => plain(x)?.ipCidrRange)].filter((x) => x !== undefined));
    if (c.unknown || !c.set) z.rangesUnknown = true;
    else z.ranges = (z.ranges ?? c.set).union(c.set);
    const net = networkKey(g, r, "network");
    if (net) z.networks.add(net);
    subnetZone.set(r.urn, name);
    subnetRanges.set(r.urn, c.unknown ? undefined : c.set);
    const primary = ranges([p.ipCidrRange]);
    subnetPrimary.set(r.urn, primary.unknown || !primary.set || primary.set.isEmpty() ? undefined : primary.set);
    if (net) subnetNetwork.set(r.urn, net);
    if (/netseg-sensitive=true/.test(String(str(p.description) ?? ""))) z.sensitive = true;
  }
  for (const r of g.ofType(GCP.account)) {
    const name = zoneMark(r);
    if (!name) continue;
    const z = zone(name);
    z.accountUrns.add(r.urn);
    const p = propsOf(r);
    const email = str(p.email);
    if (typeof email === "string") z.emails.add(email);
    const id = str(p.accountId);
    if (typeof id === "string") z.accountIds.add(id);
  }
  /** Per zone, its instances' and templates' own tags and accounts (each a kind of member). */
  const ownMembers = new Map<string, { tags: Set<string>; emails: Set<string>; urns: Set<string> }[]>();
  for (const r of g.ofType(GCP.instance, GCP.template)) {
    const p = propsOf(r);
    const name = labels(p.labels)[TAG.gcp.zone];
    if (!name) continue;
    const z = zone(name);
    const own = { tags: new Set(strings(p.tags).values), emails: new Set<string>(), urns: new Set<string>() };
    for (const t of own.tags) z.tags.add(t);
    const sa = plain(p.serviceAccount);
    const email = str(sa?.email);
    if (typeof email === "string") {
      z.emails.add(email);
      own.emails.add(email);
    } else if (email === UNKNOWN) {
      const res = g.resolve(r, "serviceAccount", UNKNOWN, [GCP.account]);
      if (res && !("literal" in res) && res.urns.length === 1) {
        z.accountUrns.add(res.urns[0]);
        own.urns.add(res.urns[0]);
      }
    }
    ownMembers.set(name, [...(ownMembers.get(name) ?? []), own]);
  }
  const firewalls: GcpFirewall[] = [];
  for (const r of g.ofType(GCP.firewall)) {
    const p = propsOf(r);
    if (bool(p.disabled) === true) continue;
    // An unknown direction may be either: the rule is read both ways, as a "maybe".
    const directionUnknown = str(p.direction) === UNKNOWN;
    const directions: ("INGRESS" | "EGRESS")[] = directionUnknown ? ["INGRESS", "EGRESS"] : [str(p.direction) === "EGRESS" ? "EGRESS" : "INGRESS"];
    const priority = num(p.priority);
    const name = displayName(r);
    const src = ranges(p.sourceRanges);
    const dst = ranges(p.destinationRanges);
    for (const [field, rr] of [["sourceRanges", src], ["destinationRanges", dst]] as const) {
      for (const b of rr.bad) notes.add(`${r.urn}: ${field}: ${b} is not an IPv4 or IPv6 CIDR block; GCP would reject it, so the rule is read as a "maybe" for any address`);
    }
    for (const [direction, action] of directions.flatMap((d) => (["allow", "deny"] as const).map((a) => [d, a] as const))) {
      const raw = p[action === "allow" ? "allows" : "denies"];
      const whole = str(raw) === UNKNOWN;
      const blocks = whole ? [{ protocol: raw }] : list(raw);
      if (!blocks.length) continue;
      let traffic = TrafficSet.EMPTY;
      let certain = !whole;
      for (const b of blocks) {
        const t = gcpTraffic(plain(b)?.protocol, plain(b)?.ports);
        if (t.problem) notes.add(`${r.urn}: ${action === "allow" ? "allows" : "denies"}[${blocks.indexOf(b)}]: ${t.problem}; GCP would reject it, so it is read at its widest, as a "maybe"`);
        traffic = traffic.union(t.traffic);
        certain &&= t.certain;
      }
      // Unknown priority: placed first as a "maybe", where it can both allow and deny the most (as NACL entries).
      const pr = typeof priority === "number" ? priority : priority === UNKNOWN ? -1 : 1000;
      firewalls.push({
        ref: { urn: r.urn, resource: name, rule: `${action} ${direction.toLowerCase()} priority ${priority === UNKNOWN ? "unknown" : pr}`, ...(typeof str(p.description) === "string" ? { description: str(p.description) as string } : {}) },
        network: networkKey(g, r, "network"),
        direction,
        priority: pr,
        action,
        traffic,
        certain: certain && priority !== UNKNOWN && !directionUnknown,
        targetTags: strings(p.targetTags).values,
        targetAccounts: accountRefs(g, r, "targetServiceAccounts"),
        sourceRanges: src.set,
        sourceTags: strings(p.sourceTags).values,
        sourceAccounts: accountRefs(g, r, "sourceServiceAccounts"),
        destinationRanges: dst.set,
        rangesUnknown: src.unknown || dst.unknown || strings(p.targetTags).unknown || strings(p.sourceTags).unknown,
      });
    }
  }
  // Tags named after a zone (`<prefix>-<zone>` or `<zone>`) identify it when no instance says
  // so; firewall rules and routes (which select instances only by tag) both name them.
  const routeTags = g.ofType(GCP.route).flatMap((r) => strings(propsOf(r).tags).values);
  /** Tags named after a zone: every instance of the zone is taken to carry them. */
  const zoneNamed = new Map<string, string[]>();
  const allTags = new Set([...firewalls.flatMap((f) => [...f.targetTags, ...f.sourceTags]), ...routeTags]);
  for (const t of allTags) {
    const owner = [...zones.keys()].filter((z) => t === z || t.endsWith(`-${z}`)).sort((a, b) => b.length - a.length)[0];
    if (owner && ![...zones.values()].some((z) => z.tags.has(t))) {
      zones.get(owner)!.tags.add(t);
      zoneNamed.set(owner, [...(zoneNamed.get(owner) ?? []), t]);
    }
  }
  for (const z of zones.values()) z.members = zoneMembers(z, ownMembers.get(z.name) ?? [], zoneNamed.get(z.name) ?? []);
  const routes: GcpRoute[] = g.ofType(GCP.route).map((r) => {
    const p = propsOf(r);
    const dest = ranges([p.destRange]);
    const hop = str(p.nextHopGateway);
    return {
      ref: { urn: r.urn, resource: displayName(r), rule: `route ${str(p.destRange) === UNKNOWN ? "(unknown)" : String(str(p.destRange))}` },
      network: networkKey(g, r, "network"),
      dest: dest.set!,
      internet: typeof hop === "string" && hop.endsWith("default-internet-gateway"),
      tags: strings(p.tags).values,
    };
  });
  const defaultRoute = new Set(g.ofType(GCP.network).filter((n) => bool(propsOf(n).deleteDefaultRoutesOnCreate) !== true).map((n) => n.urn));
  const zoneTags = new Map([...zones.values()].filter((z) => !z.network).map((z) => [z.name, z.tags as ReadonlySet<string>]));
  const workloads = readWorkloads(g, { zoneOf: subnetZone, ranges: subnetRanges, primaryRanges: subnetPrimary, networkOf: subnetNetwork, infrastructure, zoneTags }, notes);
  const loadBalancers = readLoadBalancers(g, notes);
  const nats = readNats(g, notes, (router) => networkKey(g, router, "network"));
  const subnetRegions = new Map(g.ofType(GCP.subnet).flatMap((s) => {
    const region = str(propsOf(s).region);
    return typeof region === "string" ? [[s.urn, region] as const] : [];
  }));
  return { zones, firewalls, routes, defaultRoute, present: zones.size > 0 || firewalls.length > 0 || workloads.length > 0, notes: [...notes], workloads, loadBalancers, subnetZones: subnetZone, nats, subnetRegions, stackNetworks: new Set(g.ofType(GCP.network).map((n) => n.urn)) };
}

/**
 * A zone's kinds of member: each instance or template labelled with it, with its own tags and
 * the tags named after the zone, running as its own service account or, when it names none, as
 * the zone's (the accounts marked with the zone); alike kinds are one. No instance or template:
 * one kind with the zone's tags and accounts.
 */
function zoneMembers(z: GcpZone, own: readonly { tags: Set<string>; emails: Set<string>; urns: Set<string> }[], named: readonly string[]): GcpZoneMember[] {
  // The zone's own accounts: those marked with it (the instances' own are added to the zone's sets too, so kept apart here).
  const marked = { urns: new Set([...z.accountUrns].filter((u) => !own.some((o) => o.urns.has(u)))), emails: new Set([...z.emails].filter((e) => !own.some((o) => o.emails.has(e)))) };
  const ids = (emails: Iterable<string>) => new Set([...emails].map((e) => e.split("@")[0]));
  const markedIds = new Set([...z.accountIds].filter((id) => !own.some((o) => [...o.emails].some((e) => e.split("@")[0] === id))));
  if (!own.length) return [{ tags: z.tags, accountUrns: marked.urns, emails: marked.emails, accountIds: markedIds }];
  const out = new Map<string, GcpZoneMember>();
  for (const o of own) {
    const tags = new Set([...o.tags, ...named]);
    const hasOwn = o.emails.size > 0 || o.urns.size > 0;
    const m: GcpZoneMember = hasOwn ? { tags, accountUrns: o.urns, emails: o.emails, accountIds: ids(o.emails) } : { tags, accountUrns: marked.urns, emails: marked.emails, accountIds: markedIds };
    const key = JSON.stringify([[...m.tags].sort(), [...m.accountUrns].sort(), [...m.emails].sort(), [...m.accountIds].sort()]);
    if (!out.has(key)) out.set(key, m);
  }
  return [...out.values()].sort((a, b) => (JSON.stringify([...a.tags].sort()) < JSON.stringify([...b.tags].sort()) ? -1 : 1));
}

export function accountMatch(refs: AccountRefs, z: GcpZone): Tri {
  if (refs.emails.some((e) => z.emails.has(e) || z.accountIds.has(e.split("@")[0]))) return "yes";
  const hit = refs.urns.some((u) => z.accountUrns.has(u));
  return hit ? (refs.certain ? "yes" : "maybe") : "no";
}
