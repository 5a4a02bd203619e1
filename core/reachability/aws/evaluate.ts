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
 *
 * A workload (./workloads: an instance, a database, a function, a load balancer...) is an
 * endpoint of its own, `aws:<zone key>/<kind>:<name>`, evaluated like a zone with its own groups
 * and one group per subnet holding its own addresses. Inside one subnet no NACL applies (a zone
 * group of several subnets is judged per subnet inside and across its subnets); a load balancer
 * admits only its listeners' ports and is a way to its targets; the internet reaches only a
 * public address. Workloads every rule treats alike are judged once (`Endpoint.sameAs`); members
 * of a class may sit in different subnets of one network group, and a class pair's paths say
 * whether they hold inside one subnet or across (`Path.between`).
 */
import { CidrSet } from "../../net/cidr";
import { TAG } from "../../tags";
import { AddressIndex } from "../addr-index";
import { AddressSplitter, ClassPath, classLabel, type AddressClass } from "../addr-classes";
import { flat } from "../sweep";
import type { Endpoint, Path, RuleRef, Stage } from "../model";
import type { External, PlatformAnalysis } from "../platform";
import { allowStage, blockStage, firstMatchStage, LazyPath, passStage, pathTraffic, unknownStage, WalkMemo, type Entry } from "../stage";
import { returnStages } from "../reply";
import type { EphemeralPorts } from "../ephemeral";
import { triOr, type Tri } from "../values";
import type { AwsModel, Nacl, RouteTable, Sg, SgRule, Subnet } from "./model";
import type { AwsWorkload } from "./workloads";
import { TrafficSet } from "../../net/ports";
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
  /** Set for a workload endpoint: what it is, and what is uncertain about it. */
  readonly workload?: AwsWorkload;
  /** A workload's zone key (or untagged subnet's), when its subnets tell one. */
  readonly home?: string;
}

/** One address class of a peer: of a subnet group (or of a zone without subnets) or of an external. */
interface PeerClass extends AddressClass {
  /** The endpoint id of the zone or external it belongs to. */
  readonly endpoint: string;
}

const DEFAULT_NACL: RuleRef = { urn: "", resource: "default NACL", rule: "rule 100 (allow all)" };

export function analyseAws(model: AwsModel, externals: readonly External[], ephemeralPorts?: EphemeralPorts): PlatformAnalysis {
  const memo = new WalkMemo();
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
  /** The endpoint key of the zone (or untagged subnet) each subnet belongs to. */
  const subnetKeys = new Map<string, string>();
  for (const s of model.subnets) {
    const k = zoneKey(s);
    if (k !== undefined) subnetKeys.set(s.urn, k);
  }
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
    subnetKeys.set(s.urn, key);
    const group: Group = { key: `${key}|${s.urn}`, zone: key, subnets: [s], cidrs: s.cidrs, nacl: s.nacl, rt: s.routeTable, vpc: s.vpc };
    const ep: Endpoint = { id: `aws:${key}`, key, kind: "zone", platform: "aws", network: s.urn, ...(s.tenant ? { tenant: s.tenant } : {}), ...(s.cidrs ? { addresses: s.cidrs } : {}) };
    zones.set(ep.id, { ep, sgs, groups: [group], addresses: s.cidrs });
  }
  // Groups a workload carries that the stack does not declare: the VPC's default group AWS
  // gives an interface that names none, a group outside the stack, a reference unknown at preview.
  const syntheticSgs = new Map<string, Sg>();
  const anyRule = (r: RuleRef, egress: boolean): SgRule => ({ ref: r, egress, traffic: TrafficSet.ALL, certain: false, cidrs: CidrSet.EMPTY, cidrsUnknown: true, groups: [], self: false, prefixList: false });
  function syntheticSg(key: string, make: () => Omit<Sg, "urn">): Sg {
    let sg = syntheticSgs.get(key);
    if (!sg) syntheticSgs.set(key, (sg = { urn: key, ...make() }));
    return sg;
  }
  function defaultSgOf(vpc: string | undefined): Sg {
    const managed = [...model.sgs.values()].find((g) => g.urn.includes(`::${AWS_DEFAULT_SG}::`) && g.vpc === vpc);
    if (managed) return managed;
    return syntheticSg(`aws-default-sg:${vpc ?? "?"}`, () => {
      const name = "the VPC's default security group";
      const implied = (rule: string): RuleRef => ({ urn: "", resource: name, rule });
      const base = { cidrsUnknown: false, groups: [], prefixList: false, traffic: TrafficSet.ALL, certain: true };
      return {
        name,
        rules: [
          { ...base, ref: implied("ingress from itself (AWS default)"), egress: false, cidrs: CidrSet.EMPTY, self: true },
          { ...base, ref: implied("egress to all (AWS default)"), egress: true, cidrs: CidrSet.WORLD, self: false },
        ],
      };
    });
  }
  const outsideSg = (id: string) =>
    syntheticSg(`aws-outside-sg:${id}`, () => ({ name: id, rules: [true, false].map((egress) => anyRule({ urn: "", resource: id, rule: `${egress ? "egress" : "ingress"} (a group outside this stack: its rules are unknown)` }, egress)) }));
  const unknownSg = (w: AwsWorkload) =>
    syntheticSg(`aws-unknown-sg:${w.urn}`, () => ({ name: `a group of ${w.name} unknown at preview`, rules: [true, false].map((egress) => anyRule({ urn: w.urn, resource: w.name, rule: `${egress ? "egress" : "ingress"} of a security group unknown at preview` }, egress)) }));
  const targetsOf = new Map<string, string[]>();
  for (const tg of model.workloads.targetGroups.values()) for (const t of tg.targets) targetsOf.set(t, [...(targetsOf.get(t) ?? []), tg.urn]);

  /** Every workload as an endpoint in its subnet's zone (`<zone key>/<kind>:<name>`), one group per subnet. */
  function addWorkloads(): ZoneEp[] {
    const out: ZoneEp[] = [];
    const bySubnet = new Map(model.subnets.map((x) => [x.urn, x]));
    for (const w of model.workloads.workloads) {
      const subnets = w.subnets.map((u) => bySubnet.get(u)).filter((x): x is Subnet => x !== undefined);
      // netseg's own infrastructure subnets (the egress path's) are stages of paths: what runs
      // there is netseg's proxy fleet or firewall, or else something no zone's intent covers.
      if (subnets.every((x) => x.infra)) {
        if (!w.sgs.every((u) => model.sgs.get(u)?.infra)) {
          notes.push(`${w.urn}: not analysed: ${w.name} sits only in netseg's infrastructure subnets (${subnets.map((x) => x.name).join(", ")}, role ${subnets[0].infra}), which are stages of the egress path, not a zone; place it in a zone's subnets`);
        }
        continue;
      }
      const keys = [...new Set(subnets.map((x) => subnetKeys.get(x.urn) ?? `subnet:${x.name}`))];
      const zk = keys.length === 1 ? keys[0] : undefined;
      const first = subnets[0];
      const zone = zk !== undefined && first.zone !== undefined && subnetKeys.get(first.urn) === zk ? first.zone : undefined;
      let key = zk !== undefined ? `${zk}/${w.kind}:${w.name}` : `${w.kind}:${w.name}`;
      for (let n = 2; taken.has(`aws:${key}`); n++) key = `${zk !== undefined ? `${zk}/` : ""}${w.kind}:${w.name}#${n}`;
      taken.add(`aws:${key}`);
      const id = `aws:${key}`;
      const sgs = w.sgs.map((u) => model.sgs.get(u)).filter((x): x is Sg => x !== undefined);
      for (const literal of w.outsideSgs) sgs.push(sgByLiteralId.has(literal) ? model.sgs.get(sgByLiteralId.get(literal)!)! : outsideSg(literal));
      if (w.sgsUncertain) sgs.push(unknownSg(w));
      if (w.defaultSg) for (const vpc of new Set(subnets.map((x) => x.vpc))) sgs.push(defaultSgOf(vpc));
      let groups: Group[] = subnets.map((x) => ({ key: `${id}|${x.urn}`, zone: key, subnets: [x], cidrs: narrowed(x.cidrs, w.addresses), nacl: x.nacl, rt: x.routeTable, vpc: x.vpc }));
      // Fixed addresses sit in some of the subnets only (a load balancer's one per subnet).
      const holding = groups.filter((g) => !g.cidrs || !g.cidrs.isEmpty());
      if (holding.length) groups = holding;
      else groups = groups.map((g) => ({ ...g, cidrs: w.addresses }));
      const addresses = groups.every((g) => g.cidrs) ? groups.slice(1).reduce((acc, g) => acc.union(g.cidrs!), groups[0].cidrs!) : undefined;
      const sensitive = w.sensitive || (zk !== undefined && !!zones.get(`aws:${zk}`)?.ep.sensitive);
      const ep: Endpoint = {
        id,
        key,
        kind: "workload",
        platform: "aws",
        ...(zone !== undefined ? { zone } : {}),
        ...(zk !== undefined && first.tenant ? { tenant: first.tenant } : {}),
        workload: w.name,
        resource: w.urn,
        workloadKind: w.kind,
        ...(addresses ? { addresses } : {}),
        ...(sensitive ? { sensitive } : {}),
        ...(zone === undefined && zk !== undefined ? { network: first.urn } : {}),
      };
      const z: ZoneEp = { ep, sgs, groups, addresses, workload: w, ...(zk !== undefined ? { home: zk } : {}) };
      zones.set(id, z);
      out.push(z);
    }
    return out;
  }
  const sgByLiteralId = new Map<string, string>();
  for (const sg of model.sgs.values()) if (sg.literalId) sgByLiteralId.set(sg.literalId, sg.urn);
  const workloadEps = addWorkloads();
  for (const w of workloadEps) for (const sg of w.sgs) placed.add(sg.urn);
  for (const g of looseSgs) {
    if (!placed.has(g.urn)) notes.push(`${g.urn}: not analysed: security group ${g.name} has no zone tag and no subnet of its VPC without one to be placed in; tag it ${TAG.aws.zone}=<zone> (or tag the subnets it is used in)`);
  }
  const extById = new Map(externals.map((e) => [e.endpoint.id, e]));

  // Peers are address classes: each subnet group's and each external's addresses cut where some
  // rule's (SG rule, NACL entry, route) cut them. Every rule is matched once against every class.
  const allSgs = [...model.sgs.values(), ...syntheticSgs.values()];
  const splitter = new AddressSplitter([
    ...allSgs.flatMap((sg) => sg.rules.map((r) => r.cidrs)),
    ...[...model.nacls.values()].flatMap((n) => n.entries.map((e) => e.cidrs)),
    ...[...model.routeTables.values()].flatMap((t) => t.routes.map((r) => r.dest)),
  ]);
  // Workloads every rule treats alike are judged once (equivalence classes): same zone, same
  // NACL, route table and VPC for each of their subnets (subnets the rules treat alike), same
  // groups, same public address, same load balancer role, addresses the rules cannot tell apart.
  // Members of a class may sit in different subnets of one network group: whether two workloads
  // share a subnet (no NACL between them) is kept per member (`memberSubnets`), and a class
  // pair's paths say which case they hold for (`Path.between`).
  const representative = new Map<string, ZoneEp>();
  const memberSubnets = new Map<string, Map<string, string[]>>();
  const classSubnets = new Map<string, Map<string, Set<string>>>();
  for (const z of workloadEps) {
    const w = z.workload!;
    const places = z.groups.map((g) => `${netKey(g)}#${splitter.signature(g.subnets[0].cidrs)}#${splitter.signature(g.cidrs)}`).sort();
    const signature = JSON.stringify([w.kind === "lb" ? w.urn : "", z.home ?? "", places, z.sgs.map((sg) => sg.urn).sort(), w.publicIp, w.subnetsCertain, w.unfiltered, targetsOf.get(w.urn) ?? []]);
    let rep = representative.get(signature);
    if (!rep) representative.set(signature, (rep = z));
    else zones.set(z.ep.id, { ...z, ep: { ...z.ep, sameAs: rep.ep.id } });
    const mine = new Map<string, string[]>();
    const theirs = classSubnets.get(rep.ep.id) ?? new Map<string, Set<string>>();
    classSubnets.set(rep.ep.id, theirs);
    for (const g of z.groups) {
      const k = netKey(g);
      mine.set(k, [...(mine.get(k) ?? []), g.subnets[0].urn]);
      const set = theirs.get(k) ?? new Set<string>();
      set.add(g.subnets[0].urn);
      theirs.set(k, set);
    }
    memberSubnets.set(z.ep.id, mine);
  }
  const allEndpoints = [...zones.values()];
  /** The endpoints judged: zones, and one workload per equivalence class. */
  const zoneList = allEndpoints.filter((z) => !z.ep.sameAs);

  const classes: PeerClass[] = [];
  const classesOf = new Map<string, number[]>();
  const addClasses = (owner: string, endpoint: string, addresses: CidrSet | undefined) =>
    classesOf.set(owner, splitter.classes(addresses).map((c) => classes.push({ ...c, endpoint }) - 1));
  // A zone group of several subnets (alike in NACL, route table and VPC) has, besides its own
  // classes, each subnet's part as classes (`<group>@<subnet>`): traffic inside one subnet
  // meets no NACL, between two subnets of the group it meets the group's NACL both ways.
  const subnetParts = new Map<string, string[]>();
  for (const z of zoneList) {
    // A zone without subnets is one class of unknown addresses, under its own id.
    if (!z.groups.length) addClasses(z.ep.id, z.ep.id, undefined);
    for (const g of z.groups) {
      addClasses(g.key, z.ep.id, g.cidrs);
      if (g.subnets.length > 1 && !z.workload) {
        for (const sn of g.subnets) addClasses(`${g.key}@${sn.urn}`, z.ep.id, sn.cidrs);
        subnetParts.set(z.ep.id, [...(subnetParts.get(z.ep.id) ?? []), ...g.subnets.map((sn) => `${g.key}@${sn.urn}`)]);
      }
    }
  }
  for (const e of externals) addClasses(e.endpoint.id, e.endpoint.id, e.addresses);
  const zoneClasses = new Map<string, number[]>();
  for (const z of zoneList) {
    const own = z.groups.length ? z.groups.flatMap((g) => classesOf.get(g.key)!) : classesOf.get(z.ep.id)!;
    // A rule naming the zone's group names every part of its addresses, the subnet parts too.
    zoneClasses.set(z.ep.id, [...own, ...(subnetParts.get(z.ep.id) ?? []).flatMap((k) => classesOf.get(k)!)]);
  }
  const classIndex = new AddressIndex(classes.map((c) => c.cidrs));
  // Many rules name the same blocks (10.0.0.0/8 in every group of a fleet): matched once.
  const cidrMatches = new Map<string, ReadonlyMap<number, Tri>>();
  const matchCidrs = (cidrs: CidrSet): ReadonlyMap<number, Tri> => {
    const key = cidrs.toString();
    let hit = cidrMatches.get(key);
    if (!hit) cidrMatches.set(key, (hit = classIndex.match(cidrs)));
    return hit;
  };
  const zonesOfSg = new Map<string, string[]>();
  for (const z of zoneList) {
    for (const sg of z.sgs) {
      const list = zonesOfSg.get(sg.urn);
      if (list) list.push(z.ep.id);
      else zonesOfSg.set(sg.urn, [z.ep.id]);
    }
  }
  const sgByLiteral = new Map<string, string>();
  for (const s of model.sgs.values()) if (s.literalId) sgByLiteral.set(s.literalId, s.urn);
  const ruleMatches = new Map<string, ReadonlyMap<number, Tri>>();
  function sgRuleMatches(rule: SgRule, owner: Sg): ReadonlyMap<number, Tri> {
    // A rule of blocks alone matches what its blocks match (the shared answer, read only).
    if (!rule.cidrsUnknown && !rule.prefixList && !rule.groups.length && !rule.self) return rule.cidrs.isEmpty() ? new Map() : matchCidrs(rule.cidrs);
    // What the rule names, as zones: its answer depends on nothing else.
    let anyZone = false;
    const zoneTris = new Map<string, Tri>();
    const addZone = (id: string, t: Tri) => zoneTris.set(id, triOr(zoneTris.get(id) ?? "no", t));
    for (const g of rule.groups) {
      // An unknown reference with no dependency to go by may be any group: any zone, maybe.
      if (!g.literal && !g.urns.length && !g.certain) anyZone = true;
      const urns = g.literal ? (sgByLiteral.has(g.literal) ? [sgByLiteral.get(g.literal)!] : []) : g.urns;
      for (const u of urns) for (const z of zonesOfSg.get(u) ?? []) addZone(z, g.certain && urns.length === 1 ? "yes" : "maybe");
    }
    if (rule.self) for (const z of zonesOfSg.get(owner.urn) ?? []) addZone(z, "yes");
    const all = rule.cidrsUnknown || rule.prefixList;
    const key = `${all}|${anyZone}|${rule.cidrs.isEmpty() ? "" : rule.cidrs.toString()}|${[...zoneTris].map(([z, t]) => `${z}=${t}`).sort().join(",")}`;
    const hit = ruleMatches.get(key);
    if (hit) return hit;
    const out = new Map<number, Tri>();
    const add = (i: number, t: Tri) => out.set(i, triOr(out.get(i) ?? "no", t));
    if (all) classes.forEach((_, i) => add(i, "maybe"));
    if (!rule.cidrs.isEmpty()) for (const [i, t] of matchCidrs(rule.cidrs)) add(i, t);
    if (anyZone) for (const z of zoneList) zoneClasses.get(z.ep.id)!.forEach((i) => add(i, "maybe"));
    for (const [z, t] of zoneTris) zoneClasses.get(z)!.forEach((i) => add(i, t));
    ruleMatches.set(key, out);
    return out;
  }

  /**
   * sg urn + direction -> its rules in order, each with the peer classes it matches. A rule's
   * matches are shared by every rule that names the same blocks and the same zones (a fleet's
   * groups each name "their" app group, all of one zone): computed once, and never spread into
   * per-peer lists, which cost rules x classes on a stack of hundreds of VPCs.
   */
  interface FiledRule {
    readonly yes: Entry;
    readonly maybe: Entry;
    readonly certain: boolean;
    readonly matches: ReadonlyMap<number, Tri>;
  }
  const sgRules = new Map<string, FiledRule[]>();
  for (const sg of allSgs) {
    for (const rule of sg.rules) {
      const key = `${sg.urn}|${rule.egress ? "egress" : "ingress"}`;
      const list = sgRules.get(key) ?? [];
      sgRules.set(key, list);
      // One entry object per rule and certainty, shared by every peer it matches.
      const yes: Entry = { rule: rule.ref, action: "allow", traffic: rule.traffic, match: "yes", ports: flat(rule.traffic) };
      list.push({ yes, maybe: { ...yes, match: "maybe" }, certain: rule.certain, matches: sgRuleMatches(rule, sg) });
    }
  }
  const mayMatch = (tri: Tri | undefined): tri is "yes" | "maybe" => tri !== undefined && tri !== "no";
  /** The entries of `sg`'s rules in direction `dir` that may match peer class `c`, in rule order. */
  const sgEntries = (sg: string, dir: "egress" | "ingress", c: number): Entry[] => {
    const out: Entry[] = [];
    for (const r of sgRules.get(`${sg}|${dir}`) ?? []) {
      const tri = r.matches.get(c);
      if (mayMatch(tri)) out.push(r.certain && tri === "yes" ? r.yes : r.maybe);
    }
    return out;
  };
  /** Whether some rule of `sg` in direction `dir` may match peer class `c`. */
  const sgNamesClass = (sg: string, dir: "egress" | "ingress", c: number): boolean => (sgRules.get(`${sg}|${dir}`) ?? []).some((r) => mayMatch(r.matches.get(c)));

  /** Names of a zone's groups for messages: a few, then a count (a zone may span hundreds of VPCs). */
  const sgNames = (zone: ZoneEp) => {
    const names = zone.sgs.slice(0, 3).map((s) => s.name).join(", ");
    return zone.sgs.length > 3 ? `${names} and ${zone.sgs.length - 3} more` : names;
  };
  /** One stage per (zone, peer class, direction): every subnet pairing of a zone pair shares it. */
  const sgStages = new Map<string, Stage>();
  /** Endpoints with the same groups share their stages (workloads of one tier across subnets). */
  // The set's full text (every group's URN: tens of kilobytes for a zone across hundreds of VPCs)
  // is looked up once per endpoint; stage keys carry a short number for it, since building and
  // hashing the long text on every stage lookup cost a minute on a 560-VPC stack.
  const sgSetKeys = new Map<string, string>();
  const sgSetIds = new Map<string, string>();
  const sgSetKey = (zone: ZoneEp) => {
    let k = sgSetKeys.get(zone.ep.id);
    if (k === undefined) {
      const full = zone.workload?.unfiltered || !zone.sgs.length ? `ep:${zone.ep.id}` : `sgs:${zone.sgs.map((s) => s.urn).sort().join(",")}`;
      k = sgSetIds.get(full);
      if (k === undefined) sgSetIds.set(full, (k = `#${sgSetIds.size}`));
      sgSetKeys.set(zone.ep.id, k);
    }
    return k;
  };
  function sgStage(zone: ZoneEp, peer: Endpoint, peerClass: number, egress: boolean): Stage {
    const dir = egress ? "egress" : "ingress";
    const key = `${sgSetKey(zone)}|${peerClass}|${dir}`;
    const cached = sgStages.get(key);
    if (cached) return cached;
    const names = sgNames(zone);
    const label = `security group ${names || zone.ep.key} ${dir}`;
    const missing = `no ${dir} rule in ${names || "any security group"} ${egress ? "to" : "from"} ${peer.key}`;
    const stage = zone.workload?.unfiltered
      ? passStage(label, { urn: zone.workload.urn, resource: zone.workload.name, rule: "no security group (a Network Load Balancer without groups passes what its listeners accept)" })
      : !zone.sgs.length
      ? unknownStage(label, zone.ep.network ? `no security group of this stack can be placed in ${zone.ep.key} (its instances may have any)` : `zone ${zone.ep.key} has no security group tagged with its zone`)
      : allowStage(label, zone.sgs.flatMap((s) => sgEntries(s.urn, dir, peerClass)), missing);
    // A destination's groups' ingress is its own admission check (see Stage.role).
    if (!egress && zone.sgs.length && !zone.workload?.unfiltered) Object.assign(stage, { role: "admission" as const });
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
      const hits: ReadonlyMap<number, Tri> = e.cidrsUnknown ? new Map(classes.map((_, i) => [i, "maybe" as Tri])) : matchCidrs(e.cidrs);
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
    if (!group.nacl) {
      // A VPC outside the stack (a literal vpcId) may have changed its default NACL: unknown.
      return outsideVpc(group.vpc)
        ? unknownStage(`default NACL of ${group.zone} ${dirWord}`, `the default NACL of VPC ${group.vpc} (outside this stack) is not known; give ${group.zone}'s subnets a NACL of this stack`)
        : passStage(`default NACL of ${group.zone} ${dirWord}`, DEFAULT_NACL);
    }
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

  // What a workload adds to every path it is on: a subnet unknown at preview makes every answer a
  // "maybe"; a load balancer accepts only its listeners' ports; the internet reaches only a
  // workload with a public address.
  const workloadStageCache = new Map<string, Stage | undefined>();
  const cachedStage = (key: string, make: () => Stage | undefined) => {
    if (!workloadStageCache.has(key)) workloadStageCache.set(key, make());
    return workloadStageCache.get(key);
  };
  const workloadRef = (w: AwsWorkload, rule: string): RuleRef => ({ urn: w.urn, resource: w.name, rule });
  function placementStage(z: ZoneEp): Stage | undefined {
    const w = z.workload;
    if (!w || w.subnetsCertain) return undefined;
    return cachedStage(`placement|${z.ep.id}`, () => {
      const where = z.groups.map((g) => g.subnets[0].name).join(", ");
      return unknownStage(`subnet of ${w.name}`, `the subnet of ${w.name} is unknown at preview (it may be ${where || "outside this stack"})`);
    });
  }
  function listenerStage(z: ZoneEp): Stage | undefined {
    const w = z.workload;
    if (!w?.listeners) return undefined;
    return cachedStage(`listeners|${z.ep.id}`, () => {
      const label = `listeners of ${w.name}`;
      if (!w.listeners!.length) return unknownStage(label, `no listener of this stack is on load balancer ${w.name} (one declared elsewhere may accept any port)`);
      const entries: Entry[] = w.listeners!.map((l) => ({ rule: l.ref, action: "allow", traffic: l.traffic, match: l.certain ? "yes" : "maybe" }));
      return allowStage(label, entries, `no listener of load balancer ${w.name} accepts it`);
    });
  }
  function publicStage(z: ZoneEp): Stage | undefined {
    const w = z.workload;
    if (!w || w.publicIp === "yes") return undefined;
    return cachedStage(`public|${z.ep.id}`, () => {
      const label = `public address of ${w.name}`;
      if (w.publicIp === "maybe") return unknownStage(label, `whether ${w.name} has a public address is unknown at preview`);
      const why = w.kind === "lb" ? "it is an internal load balancer" : w.kind === "rds" ? "it is not publicly accessible" : "it has no public IP or Elastic IP";
      return blockStage(label, `${w.name} has no public address (${why}): the internet cannot reach it directly`, workloadRef(w, "no public address"));
    });
  }
  /** The stages a pair's workloads add before the filters: placement of each, the destination's listeners. */
  const workloadStages = (from: ZoneEp | undefined, to: ZoneEp | undefined): Stage[] =>
    [from && placementStage(from), to && placementStage(to), to && listenerStage(to)].filter((x): x is Stage => x !== undefined);

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

  /**
   * Routes out to the internet for a workload: one without a public address gets there only
   * through a NAT gateway (an internet gateway route does not serve it); when that is unknown at
   * preview and only an internet gateway route leads out, the answer is a "maybe".
   */
  function workloadRoutes(z: ZoneEp, g: Group, to: RouteDestination, back: boolean): readonly Stage[] {
    const all = routes(g, to, back);
    const w = z.workload;
    if (!w || (to.internet !== "out" && !to.peer) || w.publicIp === "yes") return all;
    const natOnly = routes(g, { ...to, natOnly: true }, back);
    if (w.publicIp === "no") return natOnly;
    const certain = (st: readonly Stage[]) => st.every((x) => !x.lower.isEmpty());
    return certain(all) && !certain(natOnly) ? [unknownStage(all[0]?.label ?? "route", `whether ${w.name} has a public address (to use the internet gateway route) is unknown at preview`)] : all;
  }

  /** Route kinds that can carry traffic to another VPC's private addresses. */
  const BETWEEN_VPCS = new Set(["peering", "tgw", "vgw", "appliance", "unknown"]);
  /** A group whose route table has no route that could reach another VPC (the common case). */
  const staysInVpc = (g: Group) => (!g.rt && !outsideVpc(g.vpc)) || (!!g.rt && !g.rt.routes.some((r) => BETWEEN_VPCS.has(r.target)));

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
        const [fromName, toName] = x && y ? [groupName(a, x), groupName(b, y)] : [a.ep.key, b.ep.key];
        const way = `${fromName} -> ${toName}`;
        // A workload shares its subnet with its zone's other instances and with other workloads
        // there: traffic inside one subnet meets no NACL and no route. The part of a zone's group
        // in that subnet is a class of its own (`<group>@<subnet>`).
        if (x && y && a.workload && b.workload && netKey(x) === netKey(y)) {
          // Two classes of workloads in one network group: members may share a subnet (no NACL
          // between them) or not; each case is a path of its own, for the members it holds for.
          const key = netKey(x);
          const [sa, sb] = [classSubnets.get(a.ep.id)!.get(key)!, classSubnets.get(b.ep.id)!.get(key)!];
          const sameOk = [...sa].some((u) => sb.has(u));
          const differentOk = !(sa.size === 1 && sb.size === 1 && sameOk);
          if (sameOk) addPaths(x, y, classesOf.get(x.key)!, classesOf.get(y.key)!, false, `${way} (inside one subnet)`, { key, same: true });
          if (differentOk) addPaths(x, y, classesOf.get(x.key)!, classesOf.get(y.key)!, true, `${way} (across subnets)`, { key, same: false });
          continue;
        }
        if (x && x === y && x.subnets.length > 1 && !a.workload) {
          // Inside one zone group of several subnets: within each subnet no NACL, between its
          // subnets the group's NACL on the way out and on the way in.
          for (const sn of x.subnets) {
            const part = classesOf.get(`${x.key}@${sn.urn}`)!;
            addPaths(x, x, part, part, false, `${sn.name} -> ${sn.name}`);
          }
          addPaths(x, x, classesOf.get(x.key)!, classesOf.get(x.key)!, true, `${way} (across its subnets)`);
          continue;
        }
        const shared = x && y && x !== y ? sharedSubnet(x, y) : undefined;
        if (shared) {
          const inside = (g: Group) => classesOf.get(g.subnets.length > 1 ? `${g.key}@${shared.urn}` : g.key)!;
          addPaths(x, y, inside(x!), inside(y!), false, `${way} (inside subnet ${shared.name})`);
          if (x!.subnets.length > 1 || y!.subnets.length > 1) addPaths(x, y, classesOf.get(x!.key)!, classesOf.get(y!.key)!, true, way);
        } else addPaths(x, y, classesOf.get(x?.key ?? a.ep.id)!, classesOf.get(y?.key ?? b.ep.id)!, !!x && !!y && x !== y, way);
      }
    }
    function addPaths(x: Group | undefined, y: Group | undefined, fromClasses: readonly number[], toClasses: readonly number[], crossing: boolean, way: string, between?: { key: string; same: boolean }): void {
      const [fromName, toName] = x && y ? [groupName(a, x), groupName(b, y)] : [a.ep.key, b.ep.key];
      const extra = a.workload || b.workload ? workloadStages(a, b) : [];
      let apart = 0;
      const before = paths.length;
      for (const cx of fromClasses) {
        for (const cy of toClasses) {
          // A packet is IPv4 or IPv6 end to end: classes of different families never meet.
          if (!shareFamily(classes[cx].cidrs, classes[cy].cidrs)) {
            apart++;
            continue;
          }
          const steps: (() => Stage | readonly Stage[] | undefined)[] = [];
          if (extra.length) steps.push(() => extra);
          steps.push(() => sgStage(a, b.ep, cy, true));
          if (x && y && crossing) {
            steps.push(
              () => routes(x, { vpc: y.vpc, cidrs: classes[cy].cidrs, name: b.ep.key, zone: true }),
              () => naclStage(x, cy, true, b.ep.key),
              () => transitNacls(x, y, cx, cy, a.ep.key, b.ep.key, false),
              () => naclStage(y, cx, false, a.ep.key),
            );
          }
          const admissionAt = steps.length;
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
          const path = new ClassPath(way, steps, parted ? `${classLabel(fromName, classes[cx])} -> ${classLabel(toName, classes[cy])}` : undefined, between, memo);
          // Only the destination's groups' ingress is an admission check on this path.
          path.admissionSteps = [admissionAt];
          paths.push(path);
        }
      }
      if (apart && paths.length === before) paths.push(familyBlock(way, fromName, toName));
    }
    if (example) {
      const [x, y] = example;
      const label = `${unrouted} subnet pairing(s) across VPCs, e.g. ${subnetNames(x)} -> ${subnetNames(y)}`;
      const table = x.rt ? x.rt.name : `the main route table of ${x.zone} (local only)`;
      const more = unrouted > 1 ? `; ${unrouted - 1} more subnet pairing(s) across VPCs alike` : "";
      const path = new LazyPath(label, [() => sgStage(a, b.ep, classesOf.get(y.key)![0], true), () => blockStage(`route table ${x.rt?.name ?? "main"}`, `no route to ${b.ep.key} out of the VPC (peering, transit or VPN) in ${table}${more}`)]);
      path.admissionSteps = [];
      paths.push(path);
    }
    return paths;
  }

  function externalPaths(z: ZoneEp, ext: External, outbound: boolean): Path[] {
    const internet = ext.endpoint.kind === "internet";
    const groups = z.groups.length ? z.groups : [undefined];
    const key = ext.endpoint.key;
    return groups.flatMap((g) => {
      const own = g ? g.cidrs : z.addresses;
      const usable = classesOf.get(ext.endpoint.id)!.filter((c) => shareFamily(own, classes[c].cidrs));
      if (!usable.length) return [familyBlock(g ? groupName(z, g) : z.ep.key, outbound ? z.ep.key : key, outbound ? key : z.ep.key)];
      return usable.map((c) => {
        const steps: (() => Stage | readonly Stage[] | undefined)[] = [];
        if (z.workload) {
          const extra = outbound ? workloadStages(z, undefined) : [...workloadStages(undefined, z), ...(internet ? [publicStage(z)].filter((x): x is Stage => x !== undefined) : [])];
          if (extra.length) steps.push(() => extra);
        }
        if (outbound) steps.push(() => sgStage(z, ext.endpoint, c, true));
        if (g) {
          steps.push(() => workloadRoutes(z, g, { cidrs: classes[c].cidrs, name: key, internet: internet ? (outbound ? "out" : "in") : undefined, peer: !internet }, !outbound));
          if (outbound) steps.push(() => naclStage(g, c, true, key), () => returnStage(naclStage(g, c, false, key)));
          else steps.push(() => naclStage(g, c, false, key), () => returnStage(naclStage(g, c, true, key)));
        }
        const admissionAt = steps.length;
        if (!outbound) steps.push(() => sgStage(z, ext.endpoint, c, false));
        const way = g ? subnetNames(g) : z.ep.key;
        const other = classLabel(key, classes[c]);
        const path = new ClassPath(way, steps, outbound ? `${way} -> ${other}` : `${other} -> ${way}`, undefined, memo);
        path.admissionSteps = outbound ? [] : [admissionAt];
        return path;
      });
    });
  }

  /** Whether some rule of `z`'s groups in direction `dir` may match some address class of `peer`. */
  const namedCache = new Map<string, boolean>();
  function namesAny(z: ZoneEp, peer: ZoneEp, dir: "egress" | "ingress"): boolean {
    if (!z.sgs.length || z.workload?.unfiltered || !peer.groups.length) return true;
    const key = `${sgSetKey(z)}|${peer.ep.id}|${dir}`;
    let hit = namedCache.get(key);
    if (hit === undefined) {
      const peerClasses = peer.groups.flatMap((g) => classesOf.get(g.key)!);
      hit = z.sgs.some((sg) => peerClasses.some((c) => sgNamesClass(sg.urn, dir, c)));
      namedCache.set(key, hit);
    }
    return hit;
  }
  const lbByUrn = new Map(zoneList.filter((z) => z.workload?.kind === "lb").map((z) => [z.workload!.urn, z]));
  const legCache = new Map<string, { lower: TrafficSet; upper: TrafficSet; rules: RuleRef[] }>();
  return {
    endpoints: allEndpoints.map((z) => z.ep),
    subnetsOf: (id) => memberSubnets.get(id),
    closed(from, to) {
      // Between two workloads, groups whose rules name none of the other's address classes
      // (by address or by group) close every path at the first filter.
      const a = zones.get(from.id);
      const b = zones.get(to.id);
      if (!a?.workload || !b?.workload || targetsOf.has(b.workload.urn)) return false;
      return !namesAny(a, b, "egress") || !namesAny(b, a, "ingress");
    },
    notes,
    paths(from, to) {
      const direct = directPaths(from, to);
      const b = zones.get(to.id);
      if (!direct || !b?.workload || !targetsOf.has(b.workload.urn)) return direct;
      return [...direct, ...viaLoadBalancers(from, b)];
    },
  };

  function directPaths(from: Endpoint, to: Endpoint): Path[] | undefined {
    const a = zones.get(from.id);
    const b = zones.get(to.id);
    if (a && b) return zonePaths(a, b);
    if (a && extById.has(to.id)) return externalPaths(a, extById.get(to.id)!, true);
    if (b && extById.has(from.id)) return externalPaths(b, extById.get(from.id)!, false);
    return undefined;
  }

  // A load balancer is a way to its targets: what reaches one of its listeners reaches the
  // targets of the listener's target groups on the group's port, when the balancer itself can
  // reach them (its groups' egress, the targets' ingress, NACLs and routes between).
  function leg(from: Endpoint, to: Endpoint) {
    const key = `${from.id}\u0000${to.id}`;
    let hit = legCache.get(key);
    if (!hit) {
      const paths = directPaths(from, to) ?? [];
      let lower = TrafficSet.EMPTY;
      let upper = TrafficSet.EMPTY;
      const rules = new Map<string, RuleRef>();
      for (const p of paths) {
        const t = pathTraffic(p);
        lower = lower.union(t.lower);
        upper = upper.union(t.upper);
        if (!t.upper.isEmpty()) for (const st of p.stages) for (const g of st.grants) if (st.reply || !g.traffic.intersect(t.upper).isEmpty()) rules.set(`${g.rule.urn}|${g.rule.resource}|${g.rule.rule}`, g.rule);
      }
      legCache.set(key, (hit = { lower, upper, rules: [...rules.values()] }));
    }
    return hit;
  }
  function viaLoadBalancers(from: Endpoint, target: ZoneEp): Path[] {
    const out: Path[] = [];
    for (const tgUrn of targetsOf.get(target.workload!.urn) ?? []) {
      const tg = model.workloads.targetGroups.get(tgUrn)!;
      for (const lb of lbByUrn.values()) {
        if (lb.ep.id === from.id) continue;
        for (const l of lb.workload!.listeners ?? []) {
          if (!l.targetGroups.includes(tgUrn)) continue;
          const first = leg(from, lb.ep);
          const second = leg(lb.ep, target.ep);
          const port = tg.traffic ?? TrafficSet.ALL;
          const reaches = (a: TrafficSet, b: TrafficSet) => !a.intersect(l.traffic).isEmpty() && !b.intersect(port).isEmpty();
          const upper = reaches(first.upper, second.upper) ? second.upper.intersect(port) : TrafficSet.EMPTY;
          const lower = tg.traffic && l.certain && reaches(first.lower, second.lower) ? second.lower.intersect(port) : TrafficSet.EMPTY;
          const rules = [l.ref, ...first.rules, ...second.rules];
          const label = `via load balancer ${lb.workload!.name} ${l.ref.rule} -> target group ${tg.name}`;
          const stage: Stage = {
            label,
            lower,
            upper,
            grants: upper.isEmpty() ? [] : rules.map((rule) => ({ rule, traffic: upper, certain: !lower.isEmpty() })),
            denies: [],
            missing: upper.isEmpty()
              ? `${from.key} cannot use ${lb.workload!.name} ${l.ref.rule} to reach ${target.workload!.name}: ${first.upper.intersect(l.traffic).isEmpty() ? `the listener is not reachable from ${from.key}` : `the load balancer cannot reach the target on ${port}`}`
              : `not forwarded by ${lb.workload!.name} ${l.ref.rule}`,
          };
          out.push({ label, stages: [stage] });
        }
      }
    }
    return out;
  }
}

const AWS_DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";

/** A workload's addresses in one of its subnets: its fixed addresses there, else the subnet's range. */
function narrowed(subnet: CidrSet | undefined, fixed: CidrSet | undefined): CidrSet | undefined {
  if (!fixed) return subnet;
  return subnet ? subnet.intersect(fixed) : fixed;
}

/** A VPC named by a literal id (none of this stack's): its defaults (main route table, default NACL) are not known. */
function outsideVpc(vpc: string | undefined): boolean {
  return vpc !== undefined && !vpc.startsWith("urn:");
}

/** IPv4 and IPv6 of a set, as bits (unknown: both). */
function families(c: CidrSet | undefined): number {
  return !c ? 3 : (c.v4.isEmpty() ? 0 : 1) | (c.v6.isEmpty() ? 0 : 2);
}

/** Whether two address sets have a family in common (a packet is IPv4 or IPv6 end to end). */
function shareFamily(a: CidrSet | undefined, b: CidrSet | undefined): boolean {
  return (families(a) & families(b)) !== 0;
}

/** The path of two ends with no address family in common: nothing passes, and it says why. */
function familyBlock(way: string, from: string, to: string): Path {
  return { label: way, stages: [blockStage("address family", `${from} and ${to} have no address family in common (one is IPv4 only, the other IPv6 only)`)] };
}

/** A group's network: NACL, route table and VPC (subnets alike in these are one group of a zone). */
function netKey(g: Group): string {
  return `${g.nacl?.urn ?? "-"}|${g.rt?.urn ?? "-"}|${g.vpc ?? "-"}`;
}

/** The subnet two groups share when one is a workload's (one subnet) inside the other. */
function sharedSubnet(x: Group, y: Group): Subnet | undefined {
  if (x.subnets.length > 1 && y.subnets.length > 1) return undefined;
  const [one, other] = x.subnets.length === 1 ? [x, y] : [y, x];
  return other.subnets.includes(one.subnets[0]) ? one.subnets[0] : undefined;
}

/** A group in path labels: its subnets, or a workload's name with its subnet. */
function groupName(z: ZoneEp, g: Group): string {
  return z.workload ? `${z.workload.name} (${g.subnets[0].name})` : subnetNames(g);
}

function subnetNames(g: Group): string {
  return g.subnets.map((s) => s.name).join("+");
}
