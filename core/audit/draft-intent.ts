/**
 * A first intent for a network that exists already (brownfield adoption), drafted from what is
 * deployed: zones from the subnets' zone tags (`netseg:zone`, or the key given), each reachable
 * from the internet when the engine finds a path from it; peers from routes that leave the VPC
 * through a transit gateway, virtual private gateway or peering connection; and as flows exactly
 * the traffic the deployed rules let through (the matrix's `possible`, so that auditing the same
 * state against the draft finds no unintended path). What looks too wide is flagged in comments:
 * admin ports open to the world, all traffic allowed. Subnets no tag places are listed, not guessed.
 */
import { Document, isMap, isSeq, type YAMLMap } from "yaml";
import { formatPortSpec, TrafficSet } from "../net/ports";
import type { Matrix, NetResource } from "../reachability/model";

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

export interface Draft {
  readonly name: string;
  readonly addressSpace?: string;
  readonly zones: { name: string; internet: "inbound" | "none"; sensitive: boolean }[];
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
    .map(([via, cidrs]) => ({ name: `peer-${via.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`, cidrs: [...cidrs].sort(), via }));
}

function wideness(from: string, traffic: TrafficSet): string[] {
  const warnings: string[] = [];
  const whole = (["tcp", "udp"] as const).filter((p) => traffic.covers(TrafficSet.of(p)));
  if (whole.length) {
    const what = whole.length === 2 ? "all traffic" : `every ${whole[0].toUpperCase()} port`;
    warnings.push(`TOO WIDE: ${what} from ${from} is allowed (an any-any rule); narrow it to the ports the service uses`);
  }
  if (from === "internet") {
    for (const [port, what] of ADMIN_PORTS) {
      if (!TrafficSet.of("tcp", port, port).intersect(traffic).isEmpty()) warnings.push(`TOO WIDE: ${what} (tcp/${port}) is open to the whole internet; admin access belongs behind a bastion, VPN or SSM`);
    }
  }
  return warnings;
}

/** The draft as plain data, from the deployed resources and their matrix (computed with the draft's peers). */
export function draftIntent(name: string, resources: readonly NetResource[], matrix: Matrix, peers: readonly DraftPeer[]): Draft {
  const zoneEps = matrix.endpoints.filter((e) => e.kind === "zone" && e.zone !== undefined && !e.tenant && !e.sameAs);
  const zoneNames = [...new Set(zoneEps.map((e) => e.zone!))].sort();
  const keyOf = (id: string): string | undefined => {
    const e = matrix.endpoints.find((x) => x.id === id);
    if (!e) return undefined;
    if (e.kind === "internet") return "internet";
    if (e.kind === "peer") return e.key;
    return e.kind === "zone" && e.zone !== undefined && !e.tenant ? e.zone : undefined;
  };
  const traffic = new Map<string, TrafficSet>();
  for (const pair of matrix.pairs) {
    if (pair.possible.isEmpty()) continue;
    const [a, b] = [keyOf(pair.from), keyOf(pair.to)];
    if (!a || !b || a === b || b === "internet" || !zoneNames.includes(b)) continue;
    const k = `${a}|${b}`;
    traffic.set(k, (traffic.get(k) ?? TrafficSet.EMPTY).union(pair.possible));
  }
  const flows = [...traffic]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([k, t]) => {
      const [from, to] = k.split("|");
      return { from, to, ports: t.toSpecs().map(formatPortSpec), warnings: wideness(from, t) };
    });
  const vpcs = resources.filter((r) => r.type === "aws:ec2/vpc:Vpc").map((r) => props(r).cidrBlock).filter((c): c is string => typeof c === "string");
  return {
    name,
    ...(vpcs.length === 1 ? { addressSpace: vpcs[0] } : {}),
    zones: zoneNames.map((z) => ({ name: z, internet: flows.some((f) => f.from === "internet" && f.to === z) ? "inbound" : "none", sensitive: zoneEps.some((e) => e.zone === z && e.sensitive === true) })),
    peers: [...peers],
    flows,
    unplaced: matrix.endpoints.filter((e) => e.kind === "zone" && e.zone === undefined && !e.sameAs).map((e) => e.key).sort(),
  };
}

/** The draft as an intent YAML file, with comments on what to review. */
export function draftYaml(d: Draft, source: string): string {
  const doc = new Document({
    name: d.name,
    addressSpace: d.addressSpace ?? "10.0.0.0/16",
    zones: d.zones.map((z) => ({ name: z.name, internet: z.internet, ...(z.sensitive ? { sensitive: true } : {}), managed: false })),
    ...(d.peers.length ? { peers: d.peers.map((p) => ({ name: p.name, cidrs: p.cidrs, description: `routed through ${p.via}` })) } : {}),
    flows: d.flows.map((f) => ({ from: f.from, to: f.to, ports: f.ports })),
  });
  const header = [
    ` Drafted by \`netseg audit --draft-intent\` from ${source}.`,
    " Each flow is what the deployed rules let through today, not what should pass: review every",
    " one, narrow what is marked TOO WIDE, mark sensitive zones, then audit against this file.",
    ...(d.addressSpace ? [] : [" addressSpace: no single VPC was read; set the network's CIDR."]),
    ...(d.unplaced.length ? [` Not placed in a zone (no zone tag): ${d.unplaced.join(", ")}; tag their subnets netseg:zone=<zone> to draft them.`] : []),
  ];
  doc.commentBefore = header.join("\n");
  const flows = doc.get("flows", true);
  if (isSeq(flows)) {
    flows.items.forEach((item, i) => {
      const w = d.flows[i].warnings;
      if (w.length && isMap(item)) (item as YAMLMap).commentBefore = w.map((x) => ` ${x}`).join("\n");
    });
  }
  return doc.toString({ lineWidth: 0 });
}
