/**
 * AWS reachability between zones, the internet and peers. A zone is its security groups plus
 * its subnets; subnets sharing a NACL and route table form one group, and traffic from zone A
 * to zone B may take any pairing of their groups. Each pairing needs: A's SG egress, A's route
 * (only across VPCs or out of the VPC; through a transit gateway, the TGW route table of A's
 * attachment too, and the NACL of each attachment's own subnets), A's NACL outbound, B's NACL
 * inbound, B's SG ingress, and on the way back (NACLs are stateless) B's NACL outbound and A's
 * NACL inbound on the client's ephemeral ports (one port of the range must pass them all, see
 * ../reply), and B's route back to A. Rules are indexed once per endpoint they touch, so a pair
 * costs only its own rules. Rules name peers by addresses that may cover only part of a subnet
 * group or of the internet: every peer is judged per address class (../addr-classes), IPv4 and
 * IPv6 apart, and a pairing reaches where some pair of classes does.
 *
 * A subnet no zone tag names is an endpoint of its own, `aws:subnet:<logical name>` (a ':' never
 * appears in a zone key, so it cannot collide with one; a repeated name gets `#2`...), evaluated
 * like a zone with its NACL, route table and the security groups of no zone in its VPC. netseg's
 * own infrastructure subnets (`netseg:managed-by=netseg` with a `netseg:role`: the egress path's)
 * and transit gateway attachment subnets are stages of paths, not endpoints. What cannot be
 * placed (a zone-less group with no such subnet, a zone-less subnet of unknown VPC) is a note.
 */
import type { CidrSet } from "../../net/cidr";
import { TAG } from "../../tags";
import { AddressIndex } from "../addr-index";
import { AddressSplitter, ClassPath, classLabel, type AddressClass } from "../addr-classes";
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

/** One address class of a peer: of a subnet group (or of a zone without subnets) or of an external. */
interface PeerClass extends AddressClass {
  /** The endpoint id of the zone or external it belongs to. */
  readonly endpoint: string;
}

const DEFAULT_NACL: RuleRef = { urn: "", resource: "default NACL", rule: "rule 100 (allow all)" };

export function analyseAws(model: AwsModel, externals: readonly External[], ephemeralPorts?: EphemeralPorts): PlatformAnalysis {
  const returnStage = returnStages(ephemeralPorts);
  const notes = [...model.notes];
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
      cidrs: ss.every((s) => s.cidrs) ? ss.slice(1).reduce((acc, s) => acc.union(s.cidrs!), ss[0].cidrs!) : undefined,
      nacl: ss[0].nacl,
      rt: ss[0].routeTable,
      vpc: ss[0].vpc,
    }));
    const sgs = sgsByZone.get(name) ?? [];
    const sensitive = sgs.some((s) => s.sensitive) || subnets.some((s) => s.sensitive);
    const addresses = groups.length && groups.every((g) => g.cidrs) ? groups.slice(1).reduce((a, g) => a.union(g.cidrs!), groups[0].cidrs!) : undefined;
    const ep: Endpoint = { id: `aws:${name}`, key: name, kind: "zone", platform: "aws", zone, ...(tenant ? { tenant } : {}), ...(addresses ? { addresses } : {}), ...(sensitive ? { sensitive } : {}) };
    zones.set(ep.id, { ep, sgs, groups, addresses });
  }
  // Subnets no zone tag names are endpoints of their own (`aws:subnet:<logical name>`: a zone
  // key never holds a ':'), with their NACL, route table and the security groups of no zone that
  // can be placed in them (those of their VPC, or of no VPC the engine can tell). netseg's own
  // infrastructure subnets (`netseg:managed-by` with a `netseg:role`: the egress path's subnets)
  // and the subnets of a transit gateway attachment are stages of paths, not endpoints.
  const attachmentSubnets = new Set([...model.transit.attachments.values()].flatMap((a) => a.subnets));
  const looseSgs = [...model.sgs.values()].filter((s) => s.zone === undefined && !s.infra);
  const placed = new Set<string>();
  const taken = new Set(zones.keys());
  for (const s of model.subnets) {
    if (s.zone !== undefined || s.infra || attachmentSubnets.has(s.urn)) continue;
    if (s.vpc === undefined) {
      notes.push(`${s.urn}: not analysed: subnet ${s.name} has no zone tag and its VPC is unknown, so no security group can be placed in it; give it a vpcId of this stack or a ${TAG.aws.zone} tag`);
      continue;
    }
    const sgs = looseSgs.filter((g) => g.vpc === undefined || g.vpc === s.vpc);
    sgs.forEach((g) => placed.add(g.urn));
    let key = `subnet:${s.name}`;
    for (let n = 2; taken.has(`aws:${key}`); n++) key = `subnet:${s.name}#${n}`;
    taken.add(`aws:${key}`);
    const group: Group = { key: `${key}|${s.urn}`, zone: key, subnets: [s], cidrs: s.cidrs, nacl: s.nacl, rt: s.routeTable, vpc: s.vpc };
    const ep: Endpoint = { id: `aws:${key}`, key, kind: "zone", platform: "aws", network: s.urn, ...(s.tenant ? { tenant: s.tenant } : {}), ...(s.cidrs ? { addresses: s.cidrs } : {}) };
    zones.set(ep.id, { ep, sgs, groups: [group], addresses: s.cidrs });
  }
  for (const g of looseSgs) {
    if (!placed.has(g.urn)) notes.push(`${g.urn}: not analysed: security group ${g.name} has no zone tag and no subnet of its VPC without one to be placed in; tag it ${TAG.aws.zone}=<zone> (or tag the subnets it is used in)`);
  }
  const zoneList = [...zones.values()];
  const extById = new Map(externals.map((e) => [e.endpoint.id, e]));

  // Peers are address classes: each subnet group's and each external's addresses cut where some
  // rule's (SG rule, NACL entry, route) cut them. Every rule is matched once against every class.
  const splitter = new AddressSplitter([
    ...[...model.sgs.values()].flatMap((sg) => sg.rules.map((r) => r.cidrs)),
    ...[...model.nacls.values()].flatMap((n) => n.entries.map((e) => e.cidrs)),
    ...[...model.routeTables.values()].flatMap((t) => t.routes.map((r) => r.dest)),
  ]);
  const classes: PeerClass[] = [];
  const classesOf = new Map<string, number[]>();
  const addClasses = (owner: string, endpoint: string, addresses: CidrSet | undefined) =>
    classesOf.set(owner, splitter.classes(addresses).map((c) => classes.push({ ...c, endpoint }) - 1));
  for (const z of zoneList) {
    // A zone without subnets is one class of unknown addresses, under its own id.
    if (!z.groups.length) addClasses(z.ep.id, z.ep.id, undefined);
    for (const g of z.groups) addClasses(g.key, z.ep.id, g.cidrs);
  }
  for (const e of externals) addClasses(e.endpoint.id, e.endpoint.id, e.addresses);
  const zoneClasses = new Map<string, number[]>();
  for (const z of zoneList) zoneClasses.set(z.ep.id, z.groups.length ? z.groups.flatMap((g) => classesOf.get(g.key)!) : classesOf.get(z.ep.id)!);
  const classIndex = new AddressIndex(classes.map((c) => c.cidrs));
  const zonesOfSg = new Map<string, string[]>();
  for (const z of zoneList) for (const s of z.sgs) zonesOfSg.set(s.urn, [...(zonesOfSg.get(s.urn) ?? []), z.ep.id]);
  const sgByLiteral = new Map<string, string>();
  for (const s of model.sgs.values()) if (s.literalId) sgByLiteral.set(s.literalId, s.urn);
  /** sg urn + direction -> peer class -> entries */
  const sgBuckets = new Map<string, Map<number, Entry[]>>();
  for (const sg of model.sgs.values()) {
    for (const rule of sg.rules) {
      const bucketKey = `${sg.urn}|${rule.egress ? "egress" : "ingress"}`;
      const bucket = sgBuckets.get(bucketKey) ?? new Map<number, Entry[]>();
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

  function sgRuleMatches(rule: SgRule, owner: Sg): Map<number, Tri> {
    const out = new Map<number, Tri>();
    const add = (i: number, t: Tri) => out.set(i, triOr(out.get(i) ?? "no", t));
    const addZone = (id: string, t: Tri) => zoneClasses.get(id)!.forEach((i) => add(i, t));
    if (rule.cidrsUnknown || rule.prefixList) classes.forEach((_, i) => add(i, "maybe"));
    if (!rule.cidrs.isEmpty()) for (const [i, t] of classIndex.match(rule.cidrs)) add(i, t);
    for (const g of rule.groups) {
      // An unknown reference with no dependency to go by may be any group: any zone, maybe.
      if (!g.literal && !g.urns.length && !g.certain) for (const z of zoneList) addZone(z.ep.id, "maybe");
      const urns = g.literal ? (sgByLiteral.has(g.literal) ? [sgByLiteral.get(g.literal)!] : []) : g.urns;
      for (const u of urns) for (const z of zonesOfSg.get(u) ?? []) addZone(z, g.certain && urns.length === 1 ? "yes" : "maybe");
    }
    if (rule.self) for (const z of zonesOfSg.get(owner.urn) ?? []) addZone(z, "yes");
    return out;
  }

  /** Names of a zone's groups for messages: a few, then a count (a zone may span hundreds of VPCs). */
  const sgNames = (zone: ZoneEp) => {
    const names = zone.sgs.slice(0, 3).map((s) => s.name).join(", ");
    return zone.sgs.length > 3 ? `${names} and ${zone.sgs.length - 3} more` : names;
  };
  /** One stage per (zone, peer class, direction): every subnet pairing of a zone pair shares it. */
  const sgStages = new Map<string, Stage>();
  function sgStage(zone: ZoneEp, peer: Endpoint, peerClass: number, egress: boolean): Stage {
    const dir = egress ? "egress" : "ingress";
    const key = `${zone.ep.id}|${peerClass}|${dir}`;
    const cached = sgStages.get(key);
    if (cached) return cached;
    const names = sgNames(zone);
    const label = `security group ${names || zone.ep.key} ${dir}`;
    const missing = `no ${dir} rule in ${names || "any security group"} ${egress ? "to" : "from"} ${peer.key}`;
    const stage = !zone.sgs.length
      ? unknownStage(label, zone.ep.network ? `no security group of this stack can be placed in ${zone.ep.key} (its instances may have any)` : `zone ${zone.ep.key} has no security group tagged with its zone`)
      : allowStage(label, zone.sgs.flatMap((s) => sgBuckets.get(`${s.urn}|${dir}`)?.get(peerClass) ?? []), missing);
    sgStages.set(key, stage);
    return stage;
  }

  // NACLs: entries are bucketed per peer class.
  const naclBuckets = new Map<string, Entry[][]>();
  function naclBucket(nacl: Nacl, egress: boolean): Entry[][] {
    const key = `${nacl.urn}|${egress}`;
    let b = naclBuckets.get(key);
    if (b) return b;
    b = classes.map(() => []);
    for (const e of nacl.entries) {
      if (e.egress !== egress) continue;
      const hits: Map<number, Tri> = e.cidrsUnknown ? new Map(classes.map((_, i) => [i, "maybe" as Tri])) : classIndex.match(e.cidrs);
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
  function naclStage(group: Group, peerClass: number, egress: boolean, peerName: string): Stage {
    const dirWord = egress ? "outbound" : "inbound";
    if (!group.nacl) return passStage(`default NACL of ${group.zone} ${dirWord}`, DEFAULT_NACL);
    const key = `${group.nacl.urn}|${egress}|${peerClass}`;
    const cached = naclStages.get(key);
    if (cached) return cached;
    const bucket = naclBucket(group.nacl, egress);
    const label = `NACL ${group.nacl.name} ${dirWord}`;
    const fallback = { rule: { urn: group.nacl.urn, resource: group.nacl.name, rule: `${dirWord} rule 32767 (default deny)` }, action: "deny" as const };
    const stage = firstMatchStage(label, bucket[peerClass], fallback, `no ${dirWord} rule in NACL ${group.nacl.name} ${egress ? "to" : "from"} ${peerName}`);
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
  /** The attachment-subnet NACL stages of a packet from `from` (class `fromClass`) to `to` (class `toClass`) through a transit gateway. */
  function transitNacls(from: Group, to: Group, fromClass: number, toClass: number, fromName: string, toName: string, back: boolean): Stage[] {
    const gw = model.transit.gateways.get(transitGatewayOf(from, { vpc: to.vpc, cidrs: to.cidrs, name: toName, zone: true }) ?? "");
    if (!gw) return [];
    const attachmentIn = (vpc: string | undefined) => {
      const atts = vpc === undefined ? [] : gw.attachments.filter((a) => a.vpc === vpc);
      return atts.length === 1 ? attachmentGroup(atts[0]) : undefined;
    };
    const stages: Stage[] = [];
    const src = attachmentIn(from.vpc);
    if (src) stages.push(naclStage(src, fromClass, false, fromName));
    const dst = attachmentIn(to.vpc);
    if (dst) stages.push(naclStage(dst, toClass, true, toName));
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
        const [fromName, toName] = x && y ? [subnetNames(x), subnetNames(y)] : [a.ep.key, b.ep.key];
        const way = `${fromName} -> ${toName}`;
        for (const cx of classesOf.get(x?.key ?? a.ep.id)!) {
          for (const cy of classesOf.get(y?.key ?? b.ep.id)!) {
            const steps: (() => Stage | readonly Stage[] | undefined)[] = [() => sgStage(a, b.ep, cy, true)];
            if (x && y && crossing) {
              steps.push(
                () => routes(x, { vpc: y.vpc, cidrs: classes[cy].cidrs, name: b.ep.key, zone: true }),
                () => naclStage(x, cy, true, b.ep.key),
                () => transitNacls(x, y, cx, cy, a.ep.key, b.ep.key, false),
                () => naclStage(y, cx, false, a.ep.key),
              );
            }
            steps.push(() => sgStage(b, a.ep, cx, false));
            if (x && y && crossing) {
              steps.push(
                () => returnStage(naclStage(y, cx, true, a.ep.key)),
                () => transitNacls(y, x, cy, cx, b.ep.key, a.ep.key, true),
                () => returnStage(naclStage(x, cy, false, b.ep.key)),
                () => routes(y, { vpc: x.vpc, cidrs: classes[cx].cidrs, name: a.ep.key, zone: true }, true),
              );
            }
            const parted = classes[cx].part || classes[cy].part;
            paths.push(new ClassPath(way, steps, parted ? `${classLabel(fromName, classes[cx])} -> ${classLabel(toName, classes[cy])}` : undefined));
          }
        }
      }
    }
    if (example) {
      const [x, y] = example;
      const label = `${unrouted} subnet pairing(s) across VPCs, e.g. ${subnetNames(x)} -> ${subnetNames(y)}`;
      const table = x.rt ? x.rt.name : `the main route table of ${x.zone} (local only)`;
      const more = unrouted > 1 ? `; ${unrouted - 1} more subnet pairing(s) across VPCs alike` : "";
      paths.push(new LazyPath(label, [() => sgStage(a, b.ep, classesOf.get(y.key)![0], true), () => blockStage(`route table ${x.rt?.name ?? "main"}`, `no route to ${b.ep.key} out of the VPC (peering, transit or VPN) in ${table}${more}`)]));
    }
    return paths;
  }

  function externalPaths(z: ZoneEp, ext: External, outbound: boolean): Path[] {
    const internet = ext.endpoint.kind === "internet";
    const groups = z.groups.length ? z.groups : [undefined];
    const key = ext.endpoint.key;
    return groups.flatMap((g) =>
      classesOf.get(ext.endpoint.id)!.map((c) => {
        const steps: (() => Stage | readonly Stage[] | undefined)[] = [];
        if (outbound) steps.push(() => sgStage(z, ext.endpoint, c, true));
        if (g) {
          steps.push(() => routes(g, { cidrs: classes[c].cidrs, name: key, internet: internet ? (outbound ? "out" : "in") : undefined, peer: !internet }, !outbound));
          if (outbound) steps.push(() => naclStage(g, c, true, key), () => returnStage(naclStage(g, c, false, key)));
          else steps.push(() => naclStage(g, c, false, key), () => returnStage(naclStage(g, c, true, key)));
        }
        if (!outbound) steps.push(() => sgStage(z, ext.endpoint, c, false));
        const way = g ? subnetNames(g) : z.ep.key;
        const other = classLabel(key, classes[c]);
        return new ClassPath(way, steps, outbound ? `${way} -> ${other}` : `${other} -> ${way}`);
      }),
    );
  }

  return {
    endpoints: zoneList.map((z) => z.ep),
    notes,
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
