/**
 * A brute-force GCP reference, address by address and port by port, written from GCP's
 * documented VPC firewall behaviour and sharing no code with the engine:
 * - A rule applies to the instances of its network that carry one of its target tags, or that
 *   run as one of its target service accounts (every instance without either). Ingress rules
 *   match the source address against their source ranges, or the source instance of the same
 *   network by its tags or service account against their source tags or accounts (any
 *   suffices); egress rules match the destination address against their destination ranges.
 * - Of the matching rules, the lowest priority number decides; at equal priority a deny wins.
 *   Nothing matching: the implied rules, allow egress and deny ingress.
 * - Firewalls are stateful: a pair needs the source's egress and the destination's ingress.
 * - Instances of different networks do not reach each other (no peering here).
 * - The internet reaches an instance only at an external address (an access config), and an
 *   instance without one reaches the internet only through Cloud NAT (none in these stacks).
 * - Traffic with the internet needs a route to the default internet gateway covering the
 *   address: the network's default route (unless deleted) or a route whose tags the instance
 *   carries (or that has none).
 * Modelling conventions taken as given: every usable address of a subnetwork (GCP reserves the
 * first two and the last two) may hold an instance of any of its zone's templates, carrying that
 * template's tags and running as the zone's service account when it has one (an unmarked
 * subnetwork's instances carry no tags and run as no account), which may have an external
 * address. An instance declared with a fixed `networkIp` is an endpoint of its own, with its own
 * tags and external address or none. A pair is
 * allowed on a probe when SOME address of the source reaches SOME address of the destination
 * (within one endpoint, an address may be both, judged through the firewall like any packet).
 */
import { block, ip, ipText, within } from "./ipv4";
import { INTERNET_SAMPLES } from "./internet";
import { probeText, type Probe } from "./traffic";
import type { GcpFirewallSpec, GcpSpec, GcpSubnetSpec } from "./gcp-stack";

export interface GcpHost {
  readonly address: number;
  readonly subnet: GcpSubnetSpec;
  readonly tags: readonly string[];
  /** Whether it has an external address (a zone's instances may). */
  readonly external: boolean;
  /** The service account id it runs as (a zone's instances: the zone's account, when it has one). */
  readonly account?: string;
  readonly label: string;
}

export interface GcpRefEndpoint {
  readonly id: string;
  readonly hosts: readonly GcpHost[];
  readonly outside: readonly number[];
}

type Peer = { readonly address: number; readonly host?: GcpHost };

function portsMatch(f: GcpFirewallSpec, p: Probe): boolean {
  if (f.protocol === "all") return true;
  if (f.protocol !== p.protocol) return false;
  if (p.protocol === "icmp" || !f.ports.length) return true;
  return f.ports.some((text) => {
    const [from, to = from] = text.split("-").map(Number);
    return p.port >= from && p.port <= to;
  });
}

export class GcpReference {
  readonly endpoints: GcpRefEndpoint[] = [];

  constructor(private readonly spec: GcpSpec) {
    const zones = [...new Set(spec.subnets.flatMap((s) => (s.zone ? [s.zone] : [])))].sort();
    for (const z of zones) this.endpoints.push({ id: `gcp:${z}`, hosts: spec.subnets.filter((s) => s.zone === z).flatMap((s) => this.hosts(s)), outside: [] });
    for (const s of spec.subnets) if (!s.zone) this.endpoints.push({ id: `gcp:subnet:${s.name}`, hosts: this.hosts(s), outside: [] });
    for (const i of spec.instances) {
      const s = spec.subnets.find((x) => x.name === i.subnet)!;
      const host: GcpHost = { address: ip(i.ip), subnet: s, tags: i.tags, external: i.external, ...(i.account ? { account: i.account } : {}), label: `${i.ip} (${i.name})` };
      this.endpoints.push({ id: `gcp:${s.zone ?? `subnet:${s.name}`}/vm:${i.name}`, hosts: [host], outside: [] });
    }
    this.endpoints.push({ id: "internet", hosts: [], outside: INTERNET_SAMPLES });
  }

  /** Every usable address, as an instance of each template of the zone (one without tags when it has none). */
  private hosts(s: GcpSubnetSpec): GcpHost[] {
    const templates = s.zone ? this.spec.zoneTags.filter((z) => z.zone === s.zone).map((z) => z.tags) : [];
    const account = s.zone && this.spec.zoneAccounts.includes(s.zone) ? { account: `sa-${s.zone}` } : {};
    const b = block(s.cidr);
    const out: GcpHost[] = [];
    for (let a = b.base + 2; a <= b.base + b.size - 3; a++) {
      for (const tags of templates.length ? templates : [[]]) out.push({ address: a, subnet: s, tags, external: true, ...account, label: `${ipText(a)} (${s.name}${tags.length ? `, tags ${tags.join(",")}` : ""})` });
    }
    return out;
  }

  /** The firewall's verdict for `host` sending (egress) to or receiving from `peer`. */
  private firewall(host: GcpHost, egress: boolean, peer: Peer, p: Probe): boolean {
    const matching = this.spec.firewalls.filter(
      (f) =>
        f.network === host.subnet.network &&
        (f.direction === "EGRESS") === egress &&
        (f.targetTags.length ? f.targetTags.some((t) => host.tags.includes(t)) : f.targetAccounts.length ? host.account !== undefined && f.targetAccounts.includes(host.account) : true) &&
        portsMatch(f, p) &&
        (egress
          ? f.destinationRanges.some((c) => within(peer.address, c))
          : f.sourceRanges.some((c) => within(peer.address, c)) || (peer.host !== undefined && peer.host.subnet.network === f.network && this.sourceIdentity(f, peer.host))),
    );
    if (!matching.length) return egress;
    const top = Math.min(...matching.map((f) => f.priority));
    return !matching.some((f) => f.priority === top && f.action === "deny");
  }

  /** An instance of the rule's network named by one of its source tags or source accounts. */
  private sourceIdentity(f: GcpFirewallSpec, h: GcpHost): boolean {
    return f.sourceTags.some((t) => h.tags.includes(t)) || (h.account !== undefined && f.sourceAccounts.includes(h.account));
  }

  private internetRoute(host: GcpHost, address: number): boolean {
    const net = this.spec.networks.find((n) => n.name === host.subnet.network)!;
    if (!net.deleteDefaultRoutes) return true;
    return this.spec.routes.some((r) => r.network === net.name && within(address, r.dest) && (!r.tags.length || r.tags.some((t) => host.tags.includes(t))));
  }

  witness(from: GcpRefEndpoint, to: GcpRefEndpoint, p: Probe): string | undefined {
    // Two different addresses first: a witness of an address reaching itself reads oddly.
    for (const same of [false, true]) {
      for (const s of from.hosts) {
        for (const d of to.hosts) {
          if ((s.address === d.address) !== same || s.subnet.network !== d.subnet.network) continue;
          if (this.firewall(s, true, { address: d.address, host: d }, p) && this.firewall(d, false, { address: s.address, host: s }, p)) return `${s.label} -> ${d.label} on ${probeText(p)}`;
        }
      }
    }
    // Without an external address an instance reaches the internet only through Cloud NAT, which no stack here has.
    for (const s of from.hosts) for (const a of to.outside) if (s.external && this.firewall(s, true, { address: a }, p) && this.internetRoute(s, a)) return `${s.label} -> ${ipText(a)} on ${probeText(p)}`;
    for (const a of from.outside) for (const d of to.hosts) if (d.external && this.firewall(d, false, { address: a }, p) && this.internetRoute(d, a)) return `${ipText(a)} -> ${d.label} on ${probeText(p)}`;
    return undefined;
  }
}
