/**
 * AWS reachability between zones, the internet and peers. A zone is its security groups plus
 * its subnets; subnets sharing a NACL and route table form one group, and traffic from zone A
 * to zone B may take any pairing of their groups. Each pairing needs: A's SG egress, A's route
 * (only across VPCs or out of the VPC; through a transit gateway, the TGW route table of A's
 * attachment too, and the NACL of each attachment's own subnets), A's NACL outbound, B's NACL
 * inbound, B's SG ingress, and on the way back (NACLs are stateless) B's NACL outbound and A's
 * NACL inbound on the client's ephemeral ports (one port of the range must pass them all, see
 * ../reply), and B's route back to A. Rules are indexed once per endpoint they touch, so a pair
 * costs only its own rules.
 */
import { CidrSet } from "../../net/cidr";
import { AddressIndex } from "../addr-index";
import { flat } from "../sweep";
import type { Endpoint, Path, RuleRef, Stage } from "../model";
import type { External, PlatformAnalysis } from "../platform";
import { allowStage, blockStage, firstMatchStage, LazyPath, passStage, unknownStage, type Entry } from "../stage";
import { returnStages } from "../reply";
import type { EphemeralPorts } from "../ephemeral";
import { triOr, type Tri } from "../values";
import type { AwsModel, Nacl, RouteTable, Sg, SgRule, Subnet } from "./model";
import { routeStages, transitGatewayOf, type RouteDestination } from "./route-stage";
import type { TgwAttachment } from "./transit";

interface Group {
  readonly key: string;
  readonly zone: string;
  readonly subnets: Subnet[];
  readonly cidrs?: CidrSet;
  readonly nacl?: Nacl;
  readonly rt?: RouteTable;
  readonly vpc?: string;
}

interface ZoneEp {
  readonly ep: Endpoint;
  readonly sgs: Sg[];
  readonly groups: Group[];
  /** Undefined when some subnet's block is unknown, or the zone has no subnet. */
  readonly addresses?: CidrSet;
}

/** A NACL peer: one group or one external, in one address family (NACLs decide per family). */
interface Atom {
  readonly peer: string;
  readonly cidrs?: CidrSet;
}

const DEFAULT_NACL: RuleRef = { urn: "", resource: "default NACL", rule: "rule 100 (allow all)" };

function family(set: CidrSet, f: 4 | 6): CidrSet {
  return set.intersect(f === 4 ? CidrSet.WORLD_V4 : CidrSet.WORLD_V6);
}

export function analyseAws(model: AwsModel, externals: readonly External[], ephemeralPorts?: EphemeralPorts): PlatformAnalysis {
  const returnStage = returnStages(ephemeralPorts);
  const zones = new Map<string, ZoneEp>();
  // A tenant's zones are its own endpoints (`acme/app`): tenant VPCs share their zone names.
  const zoneKey = (x: { zone?: string; tenant?: string }) => (x.zone === undefined ? undefined : x.tenant ? `${x.tenant}/${x.zone}` : x.zone);
  const zoneNames = new Map<string, { zone: string; tenant?: string }>();
  const subnetsByZone = new Map<string, Subnet[]>();
  const sgsByZone = new Map<string, Sg[]>();
  for (const s of model.sgs.values()) {
    const k = zoneKey(s);
    if (k === undefined) continue;
    zoneNames.set(k, { zone: s.zone!, tenant: s.tenant });
    sgsByZone.set(k, [...(sgsByZone.get(k) ?? []), s]);
  }
  for (const s of model.subnets) {
    const k = zoneKey(s);
    if (k === undefined) continue;
    zoneNames.set(k, { zone: s.zone!, tenant: s.tenant });
    const list = subnetsByZone.get(k);
    if (list) list.push(s);
    else subnetsByZone.set(k, [s]);
  }
  for (const name of [...zoneNames.keys()].sort()) {
    const { zone, tenant } = zoneNames.get(name)!;
    const subnets = subnetsByZone.get(name) ?? [];
    const byKey = new Map<string, Subnet[]>();
    for (const s of subnets) {
      const key = `${s.nacl?.urn ?? "-"}|${s.routeTable?.urn ?? "-"}|${s.vpc ?? "-"}`;
      byKey.set(key, [...(byKey.get(key) ?? []), s]);
    }
    const groups: Group[] = [...byKey.entries()].map(([key, ss]) => ({
      key: `${name}|${key}`,
      zone: name,
      subnets: ss,
      cidrs: ss.every((s) => s.cidrs) ? ss.reduce((acc, s) => acc.union(s.cidrs!), CidrSet.EMPTY) : undefined,
      nacl: ss[0].nacl,
      rt: ss[0].routeTable,
      vpc: ss[0].vpc,
    }));
    const sgs = sgsByZone.get(name) ?? [];
    const sensitive = sgs.some((s) => s.sensitive) || subnets.some((s) => s.sensitive);
    const addresses = groups.length && groups.every((g) => g.cidrs) ? groups.reduce((a, g) => a.union(g.cidrs!), CidrSet.EMPTY) : undefined;
    const ep: Endpoint = { id: `aws:${name}`, key: name, kind: "zone", platform: "aws", zone, ...(tenant ? { tenant } : {}), ...(addresses ? { addresses } : {}), ...(sensitive ? { sensitive } : {}) };
    zones.set(ep.id, { ep, sgs, groups, addresses });
  }
  const zoneList = [...zones.values()];
  const extById = new Map(externals.map((e) => [e.endpoint.id, e]));

  // Security groups: each rule is matched once against every endpoint through the address index.
  const endpointIds = [...zoneList.map((z) => z.ep.id), ...externals.map((e) => e.endpoint.id)];
  const epAddresses = [...zoneList.map((z) => z.addresses), ...externals.map((e) => e.addresses)];
  const epIndex = new AddressIndex(epAddresses);
  const zonesOfSg = new Map<string, string[]>();
  for (const z of zoneList) for (const s of z.sgs) zonesOfSg.set(s.urn, [...(zonesOfSg.get(s.urn) ?? []), z.ep.id]);
  const sgByLiteral = new Map<string, string>();
  for (const s of model.sgs.values()) if (s.literalId) sgByLiteral.set(s.literalId, s.urn);
  /** sg urn + direction -> peer endpoint id -> entries */
  const sgBuckets = new Map<string, Map<string, Entry[]>>();
  for (const sg of model.sgs.values()) {
    for (const rule of sg.rules) {
      const bucketKey = `${sg.urn}|${rule.egress ? "egress" : "ingress"}`;
      const bucket = sgBuckets.get(bucketKey) ?? new Map<string, Entry[]>();
      sgBuckets.set(bucketKey, bucket);
      // One entry object per rule and certainty, shared by every peer it is filed under.
      const yes: Entry = { rule: rule.ref, action: "allow", traffic: rule.traffic, match: "yes", ports: flat(rule.traffic) };
      const maybe: Entry = { ...yes, match: "maybe" };
      for (const [peer, tri] of sgRuleMatches(rule, sg)) {
        if (tri === "no") continue;
        const list = bucket.get(peer);
        const entry = rule.certain && tri === "yes" ? yes : maybe;
        if (list) list.push(entry);
        else bucket.set(peer, [entry]);
      }
    }
  }

  function sgRuleMatches(rule: SgRule, owner: Sg): Map<string, Tri> {
    const out = new Map<string, Tri>();
    const add = (id: string, t: Tri) => out.set(id, triOr(out.get(id) ?? "no", t));
    if (rule.cidrsUnknown || rule.prefixList) for (const id of endpointIds) add(id, "maybe");
    if (!rule.cidrs.isEmpty()) for (const [i, t] of epIndex.match(rule.cidrs)) add(endpointIds[i], t);
    for (const g of rule.groups) {
      // An unknown reference with no dependency to go by may be any group: any zone, maybe.
      if (!g.literal && !g.urns.length && !g.certain) for (const z of zoneList) add(z.ep.id, "maybe");
      const urns = g.literal ? (sgByLiteral.has(g.literal) ? [sgByLiteral.get(g.literal)!] : []) : g.urns;
      for (const u of urns) for (const z of zonesOfSg.get(u) ?? []) add(z, g.certain && urns.length === 1 ? "yes" : "maybe");
    }
    if (rule.self) for (const z of zonesOfSg.get(owner.urn) ?? []) add(z, "yes");
    return out;
  }

  /** Names of a zone's groups for messages: a few, then a count (a zone may span hundreds of VPCs). */
  const sgNames = (zone: ZoneEp) => {
    const names = zone.sgs.slice(0, 3).map((s) => s.name).join(", ");
    return zone.sgs.length > 3 ? `${names} and ${zone.sgs.length - 3} more` : names;
  };
  /** One stage per (zone, peer, direction): every subnet pairing of a zone pair shares it. */
  const sgStages = new Map<string, Stage>();
  function sgStage(zone: ZoneEp, peer: Endpoint, egress: boolean): Stage {
    const dir = egress ? "egress" : "ingress";
    const key = `${zone.ep.id}|${peer.id}|${dir}`;
    const cached = sgStages.get(key);
    if (cached) return cached;
    const names = sgNames(zone);
    const label = `security group ${names || zone.ep.key} ${dir}`;
    const missing = `no ${dir} rule in ${names || "any security group"} ${egress ? "to" : "from"} ${peer.key}`;
    const stage = !zone.sgs.length
      ? unknownStage(label, `zone ${zone.ep.key} has no security group tagged with its zone`)
      : allowStage(label, zone.sgs.flatMap((s) => sgBuckets.get(`${s.urn}|${dir}`)?.get(peer.id) ?? []), missing);
    sgStages.set(key, stage);
    return stage;
  }

  // NACLs: atoms are (group or external) x address family; entries are bucketed per atom.
  const atoms: Atom[] = [];
  const atomsOf = new Map<string, number[]>();
  const addAtoms = (peer: string, cidrs: CidrSet | undefined) => {
    const ids: number[] = [];
    if (!cidrs) ids.push(atoms.push({ peer }) - 1);
    else for (const f of [4, 6] as const) if (!family(cidrs, f).isEmpty()) ids.push(atoms.push({ peer, cidrs: family(cidrs, f) }) - 1);
    atomsOf.set(peer, ids);
  };
  for (const z of zoneList) for (const g of z.groups) addAtoms(g.key, g.cidrs);
  for (const e of externals) addAtoms(e.endpoint.id, e.addresses);
  const atomIndex = new AddressIndex(atoms.map((a) => a.cidrs));
  const naclBuckets = new Map<string, Entry[][]>();
  function naclBucket(nacl: Nacl, egress: boolean): Entry[][] {
    const key = `${nacl.urn}|${egress}`;
    let b = naclBuckets.get(key);
    if (b) return b;
    b = atoms.map(() => []);
    for (const e of nacl.entries) {
      if (e.egress !== egress) continue;
      const hits: Map<number, Tri> = e.cidrsUnknown ? new Map(atoms.map((_, i) => [i, "maybe" as Tri])) : atomIndex.match(e.cidrs, e.action === "deny");
      const yes: Entry = { rule: e.ref, action: e.action, traffic: e.traffic, match: "yes", ports: flat(e.traffic) };
      const maybe: Entry = { ...yes, match: "maybe" };
      // An entry whose action is unknown may allow (for what is possible) or deny (for what is certain).
      const maybeAllow: Entry | undefined = e.actionUnknown ? { ...maybe, action: "allow" } : undefined;
      for (const [i, tri] of hits) {
        if (tri === "no") continue;
        if (maybeAllow) b[i].push(maybeAllow);
        b[i].push(e.certain && tri === "yes" ? yes : maybe);
      }
    }
    naclBuckets.set(key, b);
    return b;
  }
  const naclStages = new Map<string, Stage>();
  function naclStage(group: Group, peer: string, egress: boolean, peerName: string): Stage {
    const dirWord = egress ? "outbound" : "inbound";
    if (!group.nacl) return passStage(`default NACL of ${group.zone} ${dirWord}`, DEFAULT_NACL);
    const key = `${group.nacl.urn}|${egress}|${peer}`;
    const cached = naclStages.get(key);
    if (cached) return cached;
    const bucket = naclBucket(group.nacl, egress);
    const label = `NACL ${group.nacl.name} ${dirWord}`;
    const fallback = { rule: { urn: group.nacl.urn, resource: group.nacl.name, rule: `${dirWord} rule 32767 (default deny)` }, action: "deny" as const };
    const perFamily = (atomsOf.get(peer) ?? []).map((i) => firstMatchStage(label, bucket[i], fallback, `no ${dirWord} rule in NACL ${group.nacl!.name} ${egress ? "to" : "from"} ${peerName}`));
    const stage = perFamily.length === 1 ? perFamily[0] : mergeFamilies(label, perFamily, fallback.rule, `no ${dirWord} rule in NACL ${group.nacl.name} ${egress ? "to" : "from"} ${peerName}`);
    naclStages.set(key, stage);
    return stage;
  }

  /** The route table's verdict and, through a transit gateway of this stack, the gateway's leg. */
  const routes = (group: Group, to: RouteDestination, back = false) => routeStages(model.transit, group, to, back);

  // A transit gateway attachment's own subnets have a NACL too. AWS applies it to a packet
  // between a zone and the gateway: inbound rules by source on the way to the gateway, outbound
  // rules by destination on the way from it (AWS's "different subnets" case). It is judged when
  // an attachment's subnets are known for sure, share one NACL and hold no zone's instances (the
  // layout AWS recommends and TenantVpcs builds); an attachment in a zone's own subnets follows
  // other rules and is left to the zone's NACL, as before.
  const subnetByUrn = new Map(model.subnets.map((s) => [s.urn, s]));
  const attachmentGroups = new Map<string, Group | undefined>();
  function attachmentGroup(att: TgwAttachment): Group | undefined {
    if (attachmentGroups.has(att.urn)) return attachmentGroups.get(att.urn);
    const subnets = att.subnets.map((u) => subnetByUrn.get(u)).filter((x): x is Subnet => x !== undefined);
    const judged = att.subnetsCertain && subnets.length > 0 && subnets.length === att.subnets.length && subnets.every((x) => x.zone === undefined && x.nacl === subnets[0].nacl);
    const group: Group | undefined = judged ? { key: `tgw:${att.urn}`, zone: `attachment ${att.name}`, subnets, nacl: subnets[0].nacl, vpc: att.vpc } : undefined;
    attachmentGroups.set(att.urn, group);
    return group;
  }
  /** The attachment-subnet NACL stages of a packet from `from` to `to` through a transit gateway. */
  function transitNacls(from: Group, to: Group, fromName: string, toName: string, back: boolean): Stage[] {
    const gw = model.transit.gateways.get(transitGatewayOf(from, { vpc: to.vpc, cidrs: to.cidrs, name: toName, zone: true }) ?? "");
    if (!gw) return [];
    const attachmentIn = (vpc: string | undefined) => {
      const atts = vpc === undefined ? [] : gw.attachments.filter((a) => a.vpc === vpc);
      return atts.length === 1 ? attachmentGroup(atts[0]) : undefined;
    };
    const stages: Stage[] = [];
    const src = attachmentIn(from.vpc);
    if (src) stages.push(naclStage(src, from.key, false, fromName));
    const dst = attachmentIn(to.vpc);
    if (dst) stages.push(naclStage(dst, to.key, true, toName));
    return back ? stages.map((st) => returnStage(st)) : stages;
  }

  /** Route kinds that can carry traffic to another VPC's private addresses. */
  const BETWEEN_VPCS = new Set(["peering", "tgw", "vgw", "appliance", "unknown"]);
  /** A group whose route table has no route that could reach another VPC (the common case). */
  const staysInVpc = (g: Group) => !g.rt || !g.rt.routes.some((r) => BETWEEN_VPCS.has(r.target));

  const vpcIndex = new Map<string, Map<string | undefined, Group[]>>();
  /** A zone's groups by VPC (undefined: VPC unknown at preview), built once per zone. */
  function groupsByVpc(z: ZoneEp): Map<string | undefined, Group[]> {
    let m = vpcIndex.get(z.ep.id);
    if (!m) {
      m = new Map();
      for (const g of z.groups) m.set(g.vpc, [...(m.get(g.vpc) ?? []), g]);
      vpcIndex.set(z.ep.id, m);
    }
    return m;
  }

  function zonePaths(a: ZoneEp, b: ZoneEp): Path[] {
    const paths: Path[] = [];
    const ga = a.groups.length ? a.groups : [undefined];
    const gb = b.groups.length ? b.groups : [undefined];
    // Pairings of subnets in different VPCs whose source cannot route out of its VPC are all
    // blocked the same way: they are counted into one path instead of one each, so a zone spread
    // over hundreds of VPCs costs its pairings within each VPC, not their square.
    let unrouted = 0;
    let example: [Group, Group] | undefined;
    const gbByVpc = groupsByVpc(b);
    for (const x of ga) {
      // A source that cannot route out of its VPC pairs only with its own VPC's groups (and
      // groups whose VPC is unknown); the rest are counted, not walked.
      let targets: readonly (Group | undefined)[] = gb;
      if (x && x.vpc !== undefined && staysInVpc(x)) {
        const same = gbByVpc.get(x.vpc) ?? [];
        const unknownVpc = gbByVpc.get(undefined) ?? [];
        const elsewhere = b.groups.length - same.length - unknownVpc.length;
        if (elsewhere > 0) {
          unrouted += elsewhere;
          example ??= [x, b.groups.find((y) => y.vpc !== undefined && y.vpc !== x.vpc)!];
          targets = same.length + unknownVpc.length === b.groups.length ? gb : [...same, ...unknownVpc];
        }
      }
      for (const y of targets) {
        const crossing = !!x && !!y && x !== y;
        const steps: (() => Stage | readonly Stage[] | undefined)[] = [() => sgStage(a, b.ep, true)];
        if (x && y && crossing) {
          steps.push(
            () => routes(x, { vpc: y.vpc, cidrs: y.cidrs, name: b.ep.key, zone: true }),
            () => naclStage(x, y.key, true, b.ep.key),
            () => transitNacls(x, y, a.ep.key, b.ep.key, false),
            () => naclStage(y, x.key, false, a.ep.key),
          );
        }
        steps.push(() => sgStage(b, a.ep, false));
        if (x && y && crossing) {
          steps.push(
            () => returnStage(naclStage(y, x.key, true, a.ep.key)),
            () => transitNacls(y, x, b.ep.key, a.ep.key, true),
            () => returnStage(naclStage(x, y.key, false, b.ep.key)),
            () => routes(y, { vpc: x.vpc, cidrs: x.cidrs, name: a.ep.key, zone: true }, true),
          );
        }
        paths.push(new LazyPath(x && y ? `${subnetNames(x)} -> ${subnetNames(y)}` : `${a.ep.key} -> ${b.ep.key}`, steps));
      }
    }
    if (example) {
      const [x, y] = example;
      const label = `${unrouted} subnet pairing(s) across VPCs, e.g. ${subnetNames(x)} -> ${subnetNames(y)}`;
      const table = x.rt ? x.rt.name : `the main route table of ${x.zone} (local only)`;
      const more = unrouted > 1 ? `; ${unrouted - 1} more subnet pairing(s) across VPCs alike` : "";
      paths.push(new LazyPath(label, [() => sgStage(a, b.ep, true), () => blockStage(`route table ${x.rt?.name ?? "main"}`, `no route to ${b.ep.key} out of the VPC (peering, transit or VPN) in ${table}${more}`)]));
    }
    return paths;
  }

  function externalPaths(z: ZoneEp, ext: External, outbound: boolean): Path[] {
    const internet = ext.endpoint.kind === "internet";
    const groups = z.groups.length ? z.groups : [undefined];
    const id = ext.endpoint.id;
    const key = ext.endpoint.key;
    return groups.map((g) => {
      const steps: (() => Stage | readonly Stage[] | undefined)[] = [];
      if (outbound) steps.push(() => sgStage(z, ext.endpoint, true));
      if (g) {
        steps.push(() => routes(g, { cidrs: ext.addresses, name: key, internet: internet ? (outbound ? "out" : "in") : undefined, peer: !internet }, !outbound));
        if (outbound) steps.push(() => naclStage(g, id, true, key), () => returnStage(naclStage(g, id, false, key)));
        else steps.push(() => naclStage(g, id, false, key), () => returnStage(naclStage(g, id, true, key)));
      }
      if (!outbound) steps.push(() => sgStage(z, ext.endpoint, false));
      return new LazyPath(g ? subnetNames(g) : z.ep.key, steps);
    });
  }

  return {
    endpoints: zoneList.map((z) => z.ep),
    notes: model.notes,
    paths(from, to) {
      const a = zones.get(from.id);
      const b = zones.get(to.id);
      if (a && b) return zonePaths(a, b);
      if (a && extById.has(to.id)) return externalPaths(a, extById.get(to.id)!, true);
      if (b && extById.has(from.id)) return externalPaths(b, extById.get(from.id)!, false);
      return undefined;
    },
  };
}

function subnetNames(g: Group): string {
  return g.subnets.map((s) => s.name).join("+");
}

/** Per-family results of one NACL side by side: a pair reaches if either family does. */
function mergeFamilies(label: string, stages: Stage[], fallback: RuleRef, missing: string): Stage {
  if (!stages.length) return blockStage(label, missing, fallback);
  return {
    label,
    lower: stages.reduce((a, s) => a.union(s.lower), stages[0].lower),
    upper: stages.reduce((a, s) => a.union(s.upper), stages[0].upper),
    get grants() {
      return stages.flatMap((s) => s.grants);
    },
    get denies() {
      return stages.flatMap((s) => s.denies);
    },
    fallback,
    missing,
  };
}
