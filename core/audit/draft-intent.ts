/**
 * A first intent for a network that exists already (brownfield adoption), drafted from what is
 * deployed: zones from the subnets' `netseg:zone` tags, else as ./zones guesses them (tier tag,
 * Name prefix, route table), each open to the internet when the engine finds a path from it (a
 * route to an internet gateway alone is noted: inbound possible); peers from routes that leave the VPC
 * through a transit gateway, virtual private gateway or peering connection; and as flows exactly
 * the traffic the deployed rules certainly let through (so that auditing the same state against
 * the draft finds no unintended path; what the draft still leaves, latent paths, paths possible
 * only, traffic one source of a flow cannot send, is listed in its header). What looks too wide is flagged in comments:
 * admin ports open to the world, all traffic allowed. Subnets with nothing to go by are listed.
 */
import { Document, isMap, isSeq, type YAMLMap } from "yaml";
import { formatAddress, parseCidr, type Cidr } from "../net/cidr";
import { formatPortSpec, TrafficSet } from "../net/ports";
import type { Matrix, NetResource } from "../reachability/model";
import { cidrSet } from "../reachability/values";
import { TAG } from "../tags";
import { zoneSlug, type ZoneGuess } from "./zones";

/** Kubernetes' own namespaces (the intent refuses them as managed zones). */
function isKubernetesNamespace(name: string): boolean {
  return name === "default" || name.startsWith("kube-");
}

/** Ports that administer a host: open to the internet, they are flagged. */
const ADMIN_PORTS: readonly [number, string][] = [
  [22, "SSH"],
  [3389, "RDP"],
  [5985, "WinRM"],
  [5986, "WinRM"],
  [23, "telnet"],
  [3306, "MySQL"],
  [5432, "PostgreSQL"],
  [6379, "Redis"],
  [27017, "MongoDB"],
];

export interface DraftPeer {
  readonly name: string;
  readonly cidrs: string[];
  readonly via: string;
}

export interface DraftFlow {
  readonly from: string;
  readonly to: string;
  readonly ports: string[];
  readonly warnings: string[];
}

export interface DraftZone {
  readonly name: string;
  readonly internet: "inbound" | "none";
  /** `nat` when the zone reaches the internet (a flow to the internet needs it). */
  readonly egress: "nat" | "none";
  readonly sensitive: boolean;
  /** Its subnets, each with why it is in the zone (`tag netseg:zone`, `Name prod-app-a`...). */
  readonly subnets: string[];
  /** Some subnet of the zone routes 0.0.0.0/0 or ::/0 to an internet gateway. */
  readonly internetRoute: boolean;
}

export interface Draft {
  readonly name: string;
  readonly addressSpace?: string;
  readonly vpcId?: string;
  /** The inventory's other VPCs (peers of this one where routed), each to draft on its own. */
  readonly otherVpcs: OtherVpc[];
  readonly zones: DraftZone[];
  readonly peers: DraftPeer[];
  readonly flows: DraftFlow[];
  /** Networks no tag places in a zone (`subnet:<name>` endpoints). */
  readonly unplaced: string[];
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

const props = (r: NetResource) => r.props ?? r.inputs ?? {};

/** Peers: destinations routed out of the VPC through a TGW, a VGW or a peering connection. */
export function draftPeers(resources: readonly NetResource[]): DraftPeer[] {
  const byVia = new Map<string, Set<string>>();
  const note = (route: Record<string, unknown>, dest: unknown) => {
    if (typeof dest !== "string" || dest === "" || dest === "0.0.0.0/0" || dest === "::/0") return;
    const tgw = route.transitGatewayId;
    const pcx = route.vpcPeeringConnectionId;
    const gw = route.gatewayId;
    const via = typeof tgw === "string" && tgw ? tgw : typeof pcx === "string" && pcx ? pcx : typeof gw === "string" && gw.startsWith("vgw-") ? gw : undefined;
    if (!via) return;
    byVia.set(via, (byVia.get(via) ?? new Set()).add(dest));
  };
  for (const r of resources) {
    const p = props(r);
    if (r.type === "aws:ec2/route:Route") note(p, p.destinationCidrBlock);
    if (r.type === "aws:ec2/routeTable:RouteTable" && Array.isArray(p.routes)) for (const x of p.routes) if (asRecord(x)) note(asRecord(x)!, asRecord(x)!.cidrBlock);
  }
  return [...byVia]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([via, cidrs]) => ({ name: `peer-${via.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`.slice(0, 30).replace(/-+$/, ""), cidrs: [...cidrs].sort(), via: `routed through ${via}` }));
}

function wideness(from: string, traffic: TrafficSet): string[] {
  const whole = (["tcp", "udp"] as const).filter((p) => traffic.covers(TrafficSet.of(p)));
  const admin = from === "internet" ? ADMIN_PORTS.filter(([port]) => !TrafficSet.of("tcp", port, port).intersect(traffic).isEmpty()).map(([port, what]) => `${what} tcp/${port}`) : [];
  const adminNote = admin.length ? ` (admin ports ${admin.join(", ")} among them: admin access belongs behind a bastion, VPN or SSM)` : "";
  if (whole.length) {
    const what = whole.length === 2 ? "all traffic" : `every ${whole[0].toUpperCase()} port`;
    return [`TOO WIDE: ${what} from ${from} is allowed (an any-any rule); narrow it to the ports the service uses${adminNote}`];
  }
  if (admin.length) return [`TOO WIDE: admin ports open to the whole internet: ${admin.join(", ")}; admin access belongs behind a bastion, VPN or SSM`];
  return [];
}

/** The smallest IPv4 block holding every given block (the drafted intent's address space). */
export function coveringCidr(blocks: readonly string[]): string | undefined {
  const v4 = blocks.map((b) => parseCidr(b)).filter((c): c is Cidr => !("error" in c) && c.family === 4);
  if (!v4.length) return undefined;
  const start = v4.reduce((m, c) => (c.start < m ? c.start : m), v4[0].start);
  const end = v4.reduce((m, c) => (c.end > m ? c.end : m), v4[0].end);
  let prefix = 32;
  while (prefix > 0 && (start >> BigInt(32 - prefix)) !== (end >> BigInt(32 - prefix))) prefix--;
  const base = prefix === 0 ? 0n : (start >> BigInt(32 - prefix)) << BigInt(32 - prefix);
  return `${formatAddress(4, base)}/${prefix}`;
}

/** Another VPC of the inventory: a peer of the drafted network. */
export interface OtherVpc {
  readonly id: string;
  readonly name: string;
  readonly cidrs: string[];
  /** Zones its subnets would form (guessed), for the comment that suggests drafting it too. */
  readonly zones: string[];
}

/** The one network (VPC) a draft describes, its address space, the guesses inside it, the other VPCs. */
export interface DraftNetwork {
  readonly vpcId?: string;
  readonly addressSpace?: string;
  readonly guesses: ZoneGuess[];
  readonly otherVpcs: OtherVpc[];
}

/**
 * An intent describes one network: the VPC given, else the one holding most subnets to place in
 * zones. Its address space is the VPC's block (else the smallest block holding those subnets);
 * subnets of other VPCs are left to their own draft, and those VPCs become peers.
 */
export function chooseNetwork(resources: readonly NetResource[], guesses: readonly ZoneGuess[], vpcId?: string): DraftNetwork {
  const vpcOf = new Map(resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").map((r) => [r.urn, typeof props(r).vpcId === "string" ? (props(r).vpcId as string) : undefined]));
  const guessed = new Set(guesses.map((g) => g.urn));
  const zoneSubnets = resources.filter((r) => r.type === "aws:ec2/subnet:Subnet" && (guessed.has(r.urn) || typeof asRecord(props(r).tags)?.[TAG.aws.zone] === "string"));
  const vpcs = resources.filter((r) => r.type === "aws:ec2/vpc:Vpc" && r.id);
  const count = (id: string) => zoneSubnets.filter((r) => vpcOf.get(r.urn) === id).length;
  const chosen = vpcId ?? [...vpcs].sort((a, b) => count(b.id!) - count(a.id!) || a.id!.localeCompare(b.id!))[0]?.id;
  const inside = zoneSubnets.filter((r) => chosen === undefined || vpcOf.get(r.urn) === chosen);
  const covering = coveringCidr(inside.map((r) => props(r).cidrBlock).filter((c): c is string => typeof c === "string"));
  const vpcBlock = vpcs.find((r) => r.id === chosen) ? props(vpcs.find((r) => r.id === chosen)!).cidrBlock : undefined;
  const addressSpace = typeof vpcBlock === "string" ? vpcBlock : covering;
  const extra = new Map<string, string[]>();
  for (const r of resources) {
    const p = props(r);
    if (r.type === "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation" && typeof p.vpcId === "string" && typeof p.cidrBlock === "string") extra.set(p.vpcId, [...(extra.get(p.vpcId) ?? []), p.cidrBlock]);
  }
  const withSubnets = new Set([...vpcOf.values()].filter((v): v is string => v !== undefined));
  const otherVpcs = vpcs
    .filter((r) => r.id !== chosen && withSubnets.has(r.id!))
    .map((r) => {
      const name = asRecord(props(r).tags)?.Name;
      return {
        id: r.id!,
        name: zoneSlug(typeof name === "string" && name.trim() ? name : r.id!),
        cidrs: [props(r).cidrBlock, ...(extra.get(r.id!) ?? [])].filter((c): c is string => typeof c === "string").sort(),
        zones: [...new Set(guesses.filter((g) => vpcOf.get(g.urn) === r.id).map((g) => g.zone))].sort(),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  return { ...(chosen ? { vpcId: chosen } : {}), ...(addressSpace ? { addressSpace } : {}), guesses: guesses.filter((g) => chosen === undefined || vpcOf.get(g.urn) === chosen), otherVpcs };
}

/**
 * The draft's peers: destinations its routes send out of the network (less any block inside its
 * address space, which is its own), a peer taking the name of the inventory's VPC whose block it is.
 */
export function networkPeers(resources: readonly NetResource[], network: DraftNetwork): DraftPeer[] {
  const own = network.addressSpace ? parseCidr(network.addressSpace) : undefined;
  const inside = (c: string) => {
    const x = parseCidr(c);
    return own !== undefined && !("error" in own) && !("error" in x) && x.family === own.family && x.start <= own.end && own.start <= x.end;
  };
  const peers = draftPeers(resources)
    .map((p) => ({ ...p, cidrs: p.cidrs.filter((c) => !inside(c)) }))
    .filter((p) => p.cidrs.length > 0);
  for (const vpc of network.otherVpcs) {
    const cidrs = vpc.cidrs.filter((c) => !inside(c));
    if (!cidrs.length) continue;
    const routed = peers.findIndex((p) => p.cidrs.some((c) => cidrs.includes(c)));
    if (routed >= 0)
      peers[routed] = { name: vpc.name, cidrs: [...new Set([...peers[routed].cidrs, ...cidrs])].sort(), via: `VPC ${vpc.id}, ${peers[routed].via}` };
    // A VPC no route of this network reaches is no peer of it (only the comment names it).
  }
  const seen = new Set<string>();
  return peers.map((p) => {
    let name = p.name;
    for (let i = 2; seen.has(name); i++) name = `${p.name.slice(0, 27)}-${i}`;
    seen.add(name);
    return { ...p, name };
  });
}

/** Subnets whose route table sends a default route to an internet gateway, by subnet id. */
function internetRouted(resources: readonly NetResource[]): Set<string> {
  const tables = new Set<string>();
  const toIgw = (route: Record<string, unknown>, dest: unknown) => (dest === "0.0.0.0/0" || dest === "::/0") && typeof route.gatewayId === "string" && route.gatewayId.startsWith("igw-");
  for (const r of resources) {
    const p = props(r);
    if (r.type === "aws:ec2/route:Route" && typeof p.routeTableId === "string" && (toIgw(p, p.destinationCidrBlock) || toIgw(p, p.destinationIpv6CidrBlock))) tables.add(p.routeTableId);
    if (r.type === "aws:ec2/routeTable:RouteTable" && r.id && Array.isArray(p.routes) && p.routes.some((x) => asRecord(x) && (toIgw(asRecord(x)!, asRecord(x)!.cidrBlock) || toIgw(asRecord(x)!, asRecord(x)!.ipv6CidrBlock)))) tables.add(r.id);
  }
  const subnets = new Set<string>();
  const mains = new Map<string, string>();
  const associated = new Map<string, string>();
  for (const r of resources) {
    const p = props(r);
    if (r.type === "aws:ec2/routeTableAssociation:RouteTableAssociation" && typeof p.subnetId === "string" && typeof p.routeTableId === "string") associated.set(p.subnetId, p.routeTableId);
    if (r.type === "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation" && typeof p.vpcId === "string" && typeof p.routeTableId === "string") mains.set(p.vpcId, p.routeTableId);
  }
  for (const r of resources) {
    if (r.type !== "aws:ec2/subnet:Subnet" || !r.id) continue;
    const vpc = props(r).vpcId;
    const table = associated.get(r.id) ?? (typeof vpc === "string" ? mains.get(vpc) : undefined);
    if (table && tables.has(table)) subnets.add(r.id);
  }
  return subnets;
}

/**
 * The draft as plain data, from the deployed resources (guessed zones already tagged, see
 * ./zones), their matrix (computed with the draft's peers) and the guesses made.
 */
export function draftIntent(name: string, resources: readonly NetResource[], matrix: Matrix, peers: readonly DraftPeer[], network: DraftNetwork): Draft {
  const guesses = network.guesses;
  const zoneEps = matrix.endpoints.filter((e) => e.kind === "zone" && e.zone !== undefined && !e.tenant && !e.sameAs);
  const zoneNames = [...new Set(zoneEps.map((e) => e.zone!))].sort();
  // Each matrix endpoint as the intent names it: a zone (its workloads too), the internet, a peer
  // (a network no zone takes counts as the peer whose blocks hold it, as conformance counts it).
  const peerSets = peers.map((p) => ({ name: p.name, set: cidrSet(p.cidrs).set }));
  const byId = new Map(matrix.endpoints.map((e) => [e.id, e]));
  const keyOf = (id: string): string | undefined => {
    const e = byId.get(id);
    if (!e) return undefined;
    if (e.kind === "internet") return "internet";
    if (e.kind === "peer") return e.key;
    if (e.zone !== undefined) return e.tenant ? undefined : e.zone;
    if (e.network !== undefined && e.addresses && !e.addresses.isEmpty()) return peerSets.find((p) => p.set.covers(e.addresses!))?.name;
    return undefined;
  };
  // What certainly passes between them (a path only possible is a warning of the audit, not a flow).
  const traffic = new Map<string, TrafficSet>();
  for (const pair of matrix.pairs) {
    if (pair.allowed.isEmpty()) continue;
    const [a, b] = [keyOf(pair.from), keyOf(pair.to)];
    if (!a || !b || a === b || (!zoneNames.includes(a) && !zoneNames.includes(b))) continue;
    const k = `${a}|${b}`;
    traffic.set(k, (traffic.get(k) ?? TrafficSet.EMPTY).union(pair.allowed));
  }
  const flows = [...traffic]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([k, t]) => {
      const [from, to] = k.split("|");
      return { from, to, ports: t.toSpecs().map(formatPortSpec), warnings: wideness(from, t) };
    });
  const because = new Map(guesses.map((g) => [g.urn, g.because]));
  const routed = internetRouted(resources);
  const subnetsOf = (zone: string) => resources.filter((r) => r.type === "aws:ec2/subnet:Subnet" && asRecord(props(r).tags)?.[TAG.aws.zone] === zone);
  const { addressSpace } = network;
  const vpcOfSubnet = new Map(resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").map((r) => [r.urn, props(r).vpcId]));
  return {
    name,
    ...(addressSpace ? { addressSpace } : {}),
    otherVpcs: network.otherVpcs,
    ...(network.vpcId ? { vpcId: network.vpcId } : {}),
    zones: zoneNames.map((z) => ({
      name: z,
      internet: flows.some((f) => f.from === "internet" && f.to === z) ? "inbound" : "none",
      egress: flows.some((f) => f.from === z && f.to === "internet") ? "nat" : "none",
      sensitive: zoneEps.some((e) => e.zone === z && e.sensitive === true),
      subnets: subnetsOf(z).map((r) => `${r.id ?? r.name} (${because.get(r.urn) ?? `tag ${TAG.aws.zone}`})`),
      internetRoute: subnetsOf(z).some((r) => r.id !== undefined && routed.has(r.id)),
    })),
    peers: [...peers],
    flows,
    // Networks of this VPC no zone takes (another VPC's are its own draft's).
    unplaced: matrix.endpoints
      .filter((e) => e.kind === "zone" && e.zone === undefined && !e.sameAs && (network.vpcId === undefined || (e.network !== undefined && vpcOfSubnet.get(e.network) === network.vpcId)))
      .map((e) => e.key)
      .sort(),
  };
}

/** The draft as an intent YAML file, with comments on what to review. */
export function draftYaml(d: Draft, source: string, findings: readonly string[] = []): string {
  const doc = new Document({
    name: d.name,
    addressSpace: d.addressSpace ?? "10.0.0.0/16",
    // Managed (the default): an unmanaged zone is one conformance does not judge, and these must be;
    // only Kubernetes' own namespaces are referenced unmanaged (netseg must never take them over).
    zones: d.zones.map((z) => ({ name: z.name, internet: z.internet, egress: z.egress, ...(z.sensitive ? { sensitive: true } : {}), ...(isKubernetesNamespace(z.name) ? { managed: false } : {}) })),
    ...(d.peers.length ? { peers: d.peers.map((p) => ({ name: p.name, cidrs: p.cidrs, description: p.via })) } : {}),
    flows: d.flows.map((f) => ({ from: f.from, to: f.to, ports: f.ports })),
  });
  const header = [
    ` Drafted by \`netseg audit --draft-intent\` from ${source}.`,
    " Each flow is what the deployed rules let through today, not what should pass: review every",
    " one, narrow what is marked TOO WIDE, mark sensitive zones, then audit against this file.",
    " The zones exist already: audit judges them as they are; netseg's components would lay out new ones.",
    ...(!d.addressSpace ? [" addressSpace: no VPC or IPv4 subnet read; set the network's CIDR."] : [` addressSpace: the block of ${d.vpcId ? `VPC ${d.vpcId}` : "the zones' subnets"}.`]),
    ...d.otherVpcs.map(
      (v) => ` Other VPC ${v.id} (${v.name}, ${v.cidrs.join(", ")})${d.peers.some((p) => p.name === v.name) ? " is a peer here" : ", not routed from this one"}${v.zones.length ? `; its subnets would form zones ${v.zones.join(", ")}` : ""}: draft its own intent with --vpc ${v.id}.`,
    ),
    ...(d.unplaced.length ? [` Not placed in a zone (no zone tag): ${d.unplaced.join(", ")}; tag their subnets netseg:zone=<zone> to draft them.`] : []),
    ...(findings.length ? [" The deployed state held against this draft still shows (fix the rules, or the draft):", ...findings.map((f) => `   ${f}`)] : []),
  ];
  doc.commentBefore = header.join("\n");
  const zones = doc.get("zones", true);
  if (isSeq(zones)) {
    zones.items.forEach((item, i) => {
      const z = d.zones[i];
      const notes = [
        ...(z.subnets.length ? [` subnets: ${z.subnets.join(", ")}`] : []),
        ...(z.internetRoute && z.internet === "none" ? [" routes to an internet gateway: inbound is possible once a rule opens it (no rule does today)"] : []),
        ...(isKubernetesNamespace(z.name) ? [" Kubernetes' own namespace: referenced (managed: false), so the audit does not judge its traffic"] : []),
      ];
      if (notes.length && isMap(item)) (item as YAMLMap).commentBefore = notes.join("\n");
    });
  }
  const flows = doc.get("flows", true);
  if (isSeq(flows)) {
    flows.items.forEach((item, i) => {
      const w = d.flows[i].warnings;
      if (w.length && isMap(item)) (item as YAMLMap).commentBefore = w.map((x) => ` ${x}`).join("\n");
    });
  }
  return doc.toString({ lineWidth: 0 });
}
