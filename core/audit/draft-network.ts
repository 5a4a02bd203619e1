/**
 * The one network a drafted intent describes (`netseg audit --draft-intent`): an intent is one
 * VPC's, so the draft takes the VPC given (`--vpc`), else the one holding most subnets to place in
 * zones; its address space is that VPC's block; its peers are the destinations its routes send out
 * through a transit gateway, virtual private gateway or peering connection (named after the
 * inventory's VPC whose block they are); the inventory's other VPCs are named for a draft of their own.
 */
import { formatAddress, parseCidr, type Cidr } from "../net/cidr";
import type { NetResource } from "../reachability/model";
import { TAG } from "../tags";
import { zoneSlug, type ZoneGuess } from "./zones";

export interface DraftPeer {
  readonly name: string;
  readonly cidrs: string[];
  readonly via: string;
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
export function internetRouted(resources: readonly NetResource[]): Set<string> {
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
