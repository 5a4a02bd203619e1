/**
 * A first intent for a network that exists already (brownfield adoption), drafted from what is
 * deployed: zones from the subnets' `netseg:zone` tags, else as ./zones guesses them (tier tag,
 * Name prefix, route table), each open to the internet when the engine finds a path from it (a
 * route to an internet gateway alone is noted: inbound possible); the network and its peers as
 * ./draft-network chooses them; and as flows the traffic the deployed rules certainly let through,
 * so that auditing the same state against the draft finds no unintended path (what a flow cannot
 * declare, latent paths, paths only possible, traffic one source of a flow cannot send, the
 * caller lists in the draft's header). Comments flag what looks too wide: admin ports open to
 * the world, all traffic allowed. Subnets with nothing to go by are listed.
 */
import { Document, isMap, isSeq, type YAMLMap } from "yaml";
import { formatPortSpec, TrafficSet } from "../net/ports";
import type { Matrix, NetResource } from "../reachability/model";
import { cidrSet } from "../reachability/values";
import { TAG } from "../tags";
import { internetRouted, type DraftNetwork, type DraftPeer, type OtherVpc } from "./draft-network";

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
