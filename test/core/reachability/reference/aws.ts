/**
 * A brute-force AWS reference, address by address and port by port, written from AWS's
 * documented behaviour and sharing no code with the engine:
 * - Security groups are stateful allow lists: a host sends what some egress rule of one of its
 *   groups allows to the peer (by CIDR, by a group the peer carries, or `self`), and receives
 *   what some ingress rule allows; replies always pass.
 * - Network ACLs are stateless and apply where traffic leaves or enters a subnet (not between
 *   two hosts of one subnet): entries in rule-number order, the first whose protocol, port (the
 *   packet's destination port) and CIDR match decides, none matching denies. A reply goes to
 *   the client's ephemeral port, so a TCP/UDP session needs ONE client port of the range whose
 *   replies pass both subnets' return checks. A subnet with no NACL has the VPC's default one,
 *   which allows everything.
 * - Routes: inside a VPC the local route; to another VPC the source subnet's route table, most
 *   specific route first, must send the address to the peering connection (a subnet without a
 *   table has the main one: local only); replies need the same the other way. From the internet
 *   a subnet must route the client's address to the internet gateway (for the replies); to the
 *   internet through the internet gateway or a NAT gateway.
 * - An EC2 instance declared with a fixed private address is a host of its own with its own
 *   groups (none: the VPC's default group, which admits its members and sends anywhere). The
 *   internet reaches it only at a public address; without one it reaches the internet only
 *   through a NAT gateway route (an internet gateway does not serve it).
 * The engine's modelling conventions are taken as given and named here: every usable address of
 * a subnet (AWS reserves the first four and the last) may hold an instance carrying all the
 * groups of its zone (an untagged subnet: the zone-less groups of its VPC); such an instance may
 * have a public address; a NAT gateway passes what reaches it. A pair is allowed on a probe when
 * SOME host of the source reaches SOME host of the destination; within one endpoint that
 * includes a host addressing itself, judged through its groups like any other packet (the engine
 * answers "some address to some address"; AWS itself never filters an instance's own loopback).
 */
import { block, ip, ipText, prefixOf, within } from "./ipv4";
import { INTERNET_SAMPLES } from "./internet";
import { awsRuleMatches, clientPortCandidates, probeText, type Probe } from "./traffic";
import { vpcCidr, type AwsSpec, type NaclEntrySpec, type RouteTargetSpec, type SgRuleSpec, type SgSpec, type SubnetSpec } from "./aws-stack";

export interface RefHost {
  readonly address: number;
  readonly subnet: SubnetSpec;
  readonly sgs: readonly SgSpec[];
  /** Has a public address (a zone's instances may). */
  readonly public: boolean;
  readonly label: string;
}

/** A VPC's default group, on an instance declared without groups: ingress from its members, egress anywhere. */
function defaultGroup(vpc: number): SgSpec {
  const all = { protocol: "-1" as const, fromPort: 0, toPort: 0, groups: [] };
  return { name: `default group of vpc${vpc}`, vpc, ingress: [{ ...all, cidrs: [], self: true }], egress: [{ ...all, cidrs: ["0.0.0.0/0"], self: false }] };
}

export interface RefEndpoint {
  readonly id: string;
  readonly hosts: readonly RefHost[];
  /** Addresses outside every VPC (the internet). */
  readonly outside: readonly number[];
}

type Peer = { readonly address: number; readonly host?: RefHost };

export class AwsReference {
  /** Each NACL's entries per direction, in rule-number order. */
  private readonly nacls: Map<string, { readonly ingress: NaclEntrySpec[]; readonly egress: NaclEntrySpec[] }>;
  private readonly routes = new Map<string, RouteTargetSpec | "local" | undefined>();
  private readonly clientPorts: number[];
  readonly endpoints: RefEndpoint[];

  /** `ephemeral`: the client's source ports, to which replies return through the NACLs. */
  constructor(
    private readonly spec: AwsSpec,
    ephemeral: readonly [number, number] = [1024, 65535],
  ) {
    const ordered = (es: readonly NaclEntrySpec[]) => [...es].sort((a, b) => a.ruleNo - b.ruleNo);
    this.nacls = new Map(spec.nacls.map((n) => [n.name, { ingress: ordered(n.ingress), egress: ordered(n.egress) }]));
    this.clientPorts = clientPortCandidates(spec.nacls.flatMap((n) => [...n.ingress, ...n.egress]), ephemeral[0], ephemeral[1]);
    this.endpoints = [];
    const zones = [...new Set(spec.subnets.flatMap((s) => (s.zone ? [s.zone] : [])))].sort();
    for (const z of zones) this.endpoints.push({ id: `aws:${z}`, hosts: spec.subnets.filter((s) => s.zone === z).flatMap((s) => this.subnetHosts(s)), outside: [] });
    for (const s of spec.subnets) if (!s.zone) this.endpoints.push({ id: `aws:subnet:${s.name}`, hosts: this.subnetHosts(s), outside: [] });
    for (const i of spec.instances) {
      const s = spec.subnets.find((x) => x.name === i.subnet)!;
      const sgs = i.sgs.length ? i.sgs.map((n) => spec.sgs.find((g) => g.name === n)!) : [defaultGroup(s.vpc)];
      const host: RefHost = { address: ip(i.ip), subnet: s, sgs, public: i.publicIp, label: `${i.ip} (${i.name})` };
      this.endpoints.push({ id: `aws:${s.zone ?? `subnet:${s.name}`}/ec2:${i.name}`, hosts: [host], outside: [] });
    }
    this.endpoints.push({ id: "internet", hosts: [], outside: INTERNET_SAMPLES });
  }

  /** Every usable address of the subnet, as a host carrying its endpoint's groups. */
  private subnetHosts(s: SubnetSpec): RefHost[] {
    const sgs = this.spec.sgs.filter((g) => (s.zone ? g.zone === s.zone : !g.zone && g.vpc === s.vpc));
    const b = block(s.cidr);
    const hosts: RefHost[] = [];
    for (let a = b.base + 4; a <= b.base + b.size - 2; a++) hosts.push({ address: a, subnet: s, sgs, public: true, label: `${ipText(a)} (${s.name})` });
    return hosts;
  }

  private sgRuleHits(rule: SgRuleSpec, owner: SgSpec, peer: Peer, p: Probe): boolean {
    if (!awsRuleMatches(rule, p)) return false;
    if (rule.cidrs.some((c) => within(peer.address, c))) return true;
    const carried = peer.host?.sgs.map((g) => g.name) ?? [];
    return rule.groups.some((g) => carried.includes(g)) || (rule.self && carried.includes(owner.name));
  }

  private sgAllows(host: RefHost, egress: boolean, peer: Peer, p: Probe): boolean {
    return host.sgs.some((g) => (egress ? g.egress : g.ingress).some((r) => this.sgRuleHits(r, g, peer, p)));
  }

  /** The subnet's NACL on a packet leaving (`egress`) or entering it, `peer` being the other end. */
  private naclAllows(subnet: SubnetSpec, egress: boolean, peer: number, p: Probe): boolean {
    const nacl = subnet.nacl ? this.nacls.get(subnet.nacl) : undefined;
    if (!nacl) return true;
    const first = (egress ? nacl.egress : nacl.ingress).find((e) => awsRuleMatches(e, p) && within(peer, e.cidr));
    return first?.action === "allow";
  }

  /** Where the subnet's route table sends `address`: `local` inside the VPC, else the most specific route's target. */
  private routeOf(subnet: SubnetSpec, address: number): RouteTargetSpec | "local" | undefined {
    const key = `${subnet.name}|${address}`;
    if (this.routes.has(key)) return this.routes.get(key);
    let target: RouteTargetSpec | "local" | undefined;
    if (within(address, vpcCidr(subnet.vpc))) target = "local";
    else {
      const table = this.spec.rts.find((t) => t.name === subnet.rt);
      const hits = (table?.routes ?? []).filter((r) => within(address, r.cidr)).sort((a, b) => prefixOf(b.cidr) - prefixOf(a.cidr));
      target = hits[0]?.target;
    }
    this.routes.set(key, target);
    return target;
  }

  private routesToHost(from: SubnetSpec, to: RefHost): boolean {
    const t = this.routeOf(from, to.address);
    return t === "local" || (t === "pcx" && from.vpc !== to.subnet.vpc);
  }

  /** Some client port of the ephemeral range gets the replies back through every check given. */
  private replies(p: Probe, checks: ((reply: Probe) => boolean)[]): boolean {
    if (!checks.length) return true;
    if (p.protocol === "icmp") return checks.every((c) => c(p));
    return this.clientPorts.some((port) => checks.every((c) => c({ protocol: p.protocol, port })));
  }

  private hostToHost(s: RefHost, d: RefHost, p: Probe): boolean {
    const crossing = s.subnet.name !== d.subnet.name;
    const request =
      this.sgAllows(s, true, { address: d.address, host: d }, p) &&
      this.routesToHost(s.subnet, d) &&
      (!crossing || (this.naclAllows(s.subnet, true, d.address, p) && this.naclAllows(d.subnet, false, s.address, p))) &&
      this.sgAllows(d, false, { address: s.address, host: s }, p);
    if (!request || !this.routesToHost(d.subnet, s)) return false;
    return !crossing || this.replies(p, [(r) => this.naclAllows(d.subnet, true, s.address, r), (r) => this.naclAllows(s.subnet, false, d.address, r)]);
  }

  private fromOutside(address: number, d: RefHost, p: Probe): boolean {
    return (
      d.public &&
      this.routeOf(d.subnet, address) === "igw" &&
      this.naclAllows(d.subnet, false, address, p) &&
      this.sgAllows(d, false, { address }, p) &&
      this.replies(p, [(r) => this.naclAllows(d.subnet, true, address, r)])
    );
  }

  private toOutside(s: RefHost, address: number, p: Probe): boolean {
    const t = this.routeOf(s.subnet, address);
    return (
      this.sgAllows(s, true, { address }, p) &&
      ((t === "igw" && s.public) || t === "nat") &&
      this.naclAllows(s.subnet, true, address, p) &&
      this.replies(p, [(r) => this.naclAllows(s.subnet, false, address, r)])
    );
  }

  /** An address pair of `from` and `to` that passes on `p`, described; undefined when none does. */
  witness(from: RefEndpoint, to: RefEndpoint, p: Probe): string | undefined {
    // Two different addresses first: a witness of an address reaching itself reads oddly.
    for (const same of [false, true]) {
      for (const s of from.hosts) for (const d of to.hosts) if ((s.address === d.address) === same && this.hostToHost(s, d, p)) return `${s.label} -> ${d.label} on ${probeText(p)}`;
    }
    for (const s of from.hosts) for (const a of to.outside) if (this.toOutside(s, a, p)) return `${s.label} -> ${ipText(a)} on ${probeText(p)}`;
    for (const a of from.outside) for (const d of to.hosts) if (this.fromOutside(a, d, p)) return `${ipText(a)} -> ${d.label} on ${probeText(p)}`;
    return undefined;
  }
}
