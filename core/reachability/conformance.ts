/**
 * Holds a matrix against the intent. The intent's flows become expected traffic per pair of
 * endpoints; everything the matrix certainly allows beyond that is an unintended path, every
 * intended traffic no path can carry is an accidental deny, and any path from the internet into
 * a sensitive zone is reported on its own. Each finding names the rules and resources (URNs)
 * responsible: the allowing rules of an unintended path, the blocking (or missing) rule of a deny.
 *
 * Only the platforms the intent applies to are judged (see ./scope), and there only pairs touching a
 * zone the intent manages: an unmanaged namespace talking to
 * the internet is not this intent's business. A network no zone tag names (an untagged subnet,
 * `aws:subnet:<name>`) is no zone of the intent and no flow names it (unless its addresses lie in
 * a peer's blocks, then it is that peer), so whatever it exchanges with a managed zone is judged
 * on the zone's side: an untagged subnet reaching a sensitive zone's database port is an
 * unintended path into that zone. What the intent lets the internet do to a zone, such a network
 * may do too (tolerated, not required). Traffic to the same endpoint, DNS to kube-dns and
 * an egress allow-list's ports to the internet are tolerated (not required). A peer whose ranges
 * are all public lies in the internet: an allow-list names hosts, not addresses, and any public
 * address may serve an allowed name, so the allow-list's ports towards such a peer are tolerated
 * too (the matrix still shows the path; the egress filter decides it by name).
 *
 * A quarantined target (intent `quarantine`) must have no path in or out but the DNS it keeps:
 * any is a breach, and the intended flows it cuts are reported as cut, not as accidental denies.
 */
import { TrafficSet } from "../net/ports";
import type { Endpoint as IntentEndpoint, Intent, Quarantine } from "../intent/types";
import type { Block, Endpoint, Matrix, PairResult, Platform, RuleRef } from "./model";
import { inferTenant, platformsOf } from "./scope";
import { cidrSet } from "./values";
import { explainBlocked, explainReplies } from "./explain";
import { LazyPath, pathTraffic } from "./stage";
import { pairResult } from "./analyse";

export interface Finding {
  readonly from: string;
  readonly to: string;
  readonly traffic: TrafficSet;
  /** The intent flows behind an accidental deny (keys), empty for unintended paths. */
  readonly flows: readonly string[];
  readonly rules: readonly RuleRef[];
  /** Resources responsible, sorted, without implied platform rules. */
  readonly urns: readonly string[];
  readonly message: string;
}

export interface ConformanceReport {
  /** Allowed, not intended. */
  readonly unintended: readonly Finding[];
  /** Intended, blocked on every path. */
  readonly accidentalDenies: readonly Finding[];
  /** The internet reaches a sensitive zone (certainly, or possibly when values are unknown). */
  readonly internetToSensitive: readonly Finding[];
  /** Not intended, and allowed only if unknown values turn out that way. */
  readonly uncertain: readonly Finding[];
  /**
   * Not intended, yet admitted by the destination's own security groups, and stopped only by
   * another check today (the source's egress rules, a NACL): one change away from an unintended
   * path. netseg's groups admit exactly what the intent allows, so its own stacks have none.
   */
  readonly latent: readonly Finding[];
  /** Kubernetes workloads of managed zones that cannot resolve names (udp/53 and tcp/53 to kube-dns). */
  readonly dnsBlocked: readonly Finding[];
  /** Intent flows with an endpoint the stack has nothing for. */
  readonly unresolved: readonly string[];
  /**
   * Paths to or from a quarantined target (certain or possible; DNS it keeps aside): the
   * quarantine does not hold. A quarantine judges traffic across its boundary, not inside one
   * quarantined zone (a NACL never sees traffic within one subnet).
   */
  readonly quarantineBreaches: readonly Finding[];
  /** Intended traffic a quarantine cuts: expected while it stands, reported here instead of as accidental denies. */
  readonly cutByQuarantine: readonly Finding[];
  /** Quarantined targets not judged on a platform, and why (a cloud workload's group is attached by its own stack). */
  readonly quarantineNotJudged: readonly string[];
}

export interface ConformanceOptions {
  /**
   * The tenant whose zones the intent describes (see ./scope); default: the one tenant whose
   * zones lie in the intent's address space. Other zones count as its peers by address.
   */
  readonly tenant?: string;
  /** The platforms the intent applies to; undefined: every platform with an endpoint for one of its zones. */
  readonly platforms?: readonly Platform[];
  /** Tolerate paths to kube-system/kube-dns on udp/53 and tcp/53 (default true). */
  readonly tolerateDns?: boolean;
}

const DNS = TrafficSet.fromSpecs([{ protocol: "udp", from: 53, to: 53 }, { protocol: "tcp", from: 53, to: 53 }]);

/**
 * Whether an intent endpoint names a matrix endpoint. A Kubernetes workload is named by its name
 * or by the labels the intent gives it (a Deployment of another name carrying them runs it).
 */
function covers(e: IntentEndpoint, m: Endpoint, own: boolean, workloadLabels: ReadonlyMap<string, Readonly<Record<string, string>>>): boolean {
  switch (e.kind) {
    case "internet":
      // Peers are addresses outside every platform too: what the internet may do, they may.
      return m.kind === "internet" || m.kind === "peer";
    case "peer":
      // Another tenant's zone, or shared services, is this intent's peer when its addresses lie in the peer's blocks.
      // So is a network no zone tag names (an untagged subnet) whose addresses lie in the peer's blocks,
      // and what runs in such a network (an instance of a peered VPC): the peer's blocks hold it.
      if ((!own || m.network !== undefined) && (m.kind === "zone" || (m.kind === "workload" && m.network !== undefined)) && m.addresses && !m.addresses.isEmpty()) return e.cidrs.length > 0 && cidrSet(e.cidrs).set.covers(m.addresses);
      return m.kind === "peer" && m.key === e.peer;
    case "zone": {
      if (!own || m.zone !== e.zone) return false;
      if (!e.workload || m.platform !== "k8s") return true;
      if (m.workload === e.workload) return true;
      const want = workloadLabels.get(`${e.zone}/${e.workload}`);
      return !!want && !!m.labels && Object.entries(want).every(([k, v]) => m.labels![k] === v);
    }
  }
}

/** A workload on AWS or GCP (an instance, a database, a load balancer...), judged by its zone's intent. */
function isCloudWorkload(m: Endpoint): boolean {
  return m.kind === "workload" && m.platform !== "k8s";
}

function isKubeDns(m: Endpoint): boolean {
  return m.platform === "k8s" && m.key === "kube-system/kube-dns";
}

/** Rules along the paths that let `traffic` through, and the resources holding them. */
export function rulesAllowing(pair: PairResult, traffic: TrafficSet): RuleRef[] {
  const out = new Map<string, RuleRef>();
  for (const p of pair.paths) {
    const through = pathTraffic(p).upper.intersect(traffic);
    if (through.isEmpty()) continue;
    for (const s of p.stages) {
      for (const g of s.grants) if (s.reply || !g.traffic.intersect(through).isEmpty()) out.set(`${g.rule.urn}|${g.rule.resource}|${g.rule.rule}`, g.rule);
    }
  }
  return [...out.values()].sort((a, b) => (`${a.urn}|${a.rule}` < `${b.urn}|${b.rule}` ? -1 : 1));
}

const urnsOf = (rules: readonly (RuleRef | undefined)[]) => [...new Set(rules.filter((r): r is RuleRef => !!r && r.urn !== "").map((r) => r.urn))].sort();

function describeRules(rules: readonly RuleRef[]): string {
  return rules.map((r) => `${r.resource} ${r.rule}`).join("; ");
}

/** `; tcp replies pass on client ports ... only` when the path works for part of the ephemeral range. */
function repliesNote(pair: PairResult, traffic: TrafficSet): string {
  const notes = explainReplies(pair, traffic);
  return notes.length ? `; ${notes.join("; ")}` : "";
}

/**
 * Compares a matrix with the intent it should implement, on each platform it applies to
 * (`opts.platforms`, else every platform with an endpoint for one of its zones; see ./scope):
 * only pairs within those platforms (and with the internet and peers) are judged, and a flow is
 * unresolved on a platform that has no endpoint for one of its ends. Findings name endpoints by
 * id (`aws:app -> aws:data`), so the platform is always plain.
 */
export function compareWithIntent(matrix: Matrix, intent: Intent, opts: ConformanceOptions = {}): ConformanceReport {
  const tolerateDns = opts.tolerateDns !== false;
  const tenant = opts.tenant ?? inferTenant(matrix.endpoints, intent);
  const platforms = platformsOf(matrix.endpoints, intent, opts.platforms, tenant);
  const managed = new Set(intent.zones.filter((z) => z.managed).map((z) => z.name));
  const sensitive = new Set(intent.zones.filter((z) => z.sensitive).map((z) => z.name));
  const workloadLabels = new Map(intent.zones.flatMap((z) => z.workloads.map((w) => [`${z.name}/${w.name}`, w.labels] as const)));
  const onPlatform = (e: Endpoint) => !e.platform || platforms.includes(e.platform);
  /** The intent's own endpoints: on its platforms, of its tenant (or of none). */
  const own = (e: Endpoint) => !!e.platform && platforms.includes(e.platform) && e.tenant === tenant;
  const byId = new Map(matrix.endpoints.filter(onPlatform).map((e) => [e.id, e]));
  const inScope = (e: Endpoint) => own(e) && e.zone !== undefined && managed.has(e.zone);
  const cover = (e: IntentEndpoint, m: Endpoint) => covers(e, m, own(m), workloadLabels);

  const unintended: Finding[] = [];
  const accidentalDenies: Finding[] = [];
  const internetToSensitive: Finding[] = [];
  const uncertain: Finding[] = [];
  const latent: Finding[] = [];
  const dnsBlocked: Finding[] = [];
  const flowHit = new Set<string>();
  const publicPeers = new Set(intent.peers.filter((p) => isPublicOnly(p.cidrs)).map((p) => p.name));
  // Workloads judged through a representative (`sameAs`): a finding on it names them too.
  const alike = new Map<string, string[]>();
  for (const e of matrix.endpoints) if (e.sameAs) alike.set(e.sameAs, [...(alike.get(e.sameAs) ?? []), e.id]);
  /** ` (from ec2 web of zone edge, to zone data; the intent lets ...)`: whose intent a cloud workload's finding is judged by. */
  const whose = (from: Endpoint, to: Endpoint, intended: TrafficSet): string => {
    if (!isCloudWorkload(from) && !isCloudWorkload(to)) return "";
    const side = (e: Endpoint) => (!isCloudWorkload(e) ? (e.zone !== undefined ? `zone ${e.zone}` : e.key) : `${e.workloadKind} ${e.workload} ${e.zone !== undefined ? `of zone ${e.zone}` : "of no zone"}`);
    const zoneOf = (e: Endpoint) => (e.zone !== undefined ? e.zone : e.kind === "internet" || e.kind === "peer" ? e.key : undefined);
    const [fz, tz] = [zoneOf(from), zoneOf(to)];
    const lets = fz !== undefined && tz !== undefined ? `; the intent lets ${fz} reach ${tz} on ${intended.isEmpty() ? "nothing" : intended}` : "";
    const more = [...(alike.get(from.id) ?? []), ...(alike.get(to.id) ?? [])];
    const same = more.length ? `; the same holds for ${more.length} workload${more.length > 1 ? "s" : ""} alike: ${more.slice(0, 3).join(", ")}${more.length > 3 ? ", ..." : ""}` : "";
    return ` (from ${side(from)}, to ${side(to)}${lets}${same})`;
  };

  const quarantine = intent.quarantine ?? [];
  const quarantineBreaches: Finding[] = [];
  const cutByQuarantine: Finding[] = [];
  const quarantineNotJudged = new Set<string>();
  /**
   * The quarantine an endpoint falls under: a zone's covers its every endpoint on every platform;
   * a workload's only Kubernetes pods (on AWS and GCP the workload's own stack attaches the
   * quarantine group or tag, which this stack does not show).
   */
  const quarantinedBy = (m: Endpoint) =>
    quarantine.find((q) => {
      if (q.workload !== undefined && m.platform !== "k8s") {
        if (own(m) && m.zone === q.zone) quarantineNotJudged.add(`quarantine of ${q.target} on ${m.platform}: not judged, the workload's own stack attaches its quarantine ${m.platform === "gcp" ? "network tag" : "security group"}`);
        return false;
      }
      return inScope(m) && cover({ kind: "zone", zone: q.zone, workload: q.workload }, m);
    });
  const judgeQuarantined = (pair: PairResult, from: Endpoint, to: Endpoint, qFrom: Quarantine | undefined, qTo: Quarantine | undefined, flowKeys: string[], intended: TrafficSet) => {
    // Inside one quarantined zone is the zone's own traffic: not judged (a NACL never sees traffic
    // within one subnet), but intended traffic the platform does cut there is reported as cut.
    const inside = !!qFrom && qFrom === qTo && qFrom.workload === undefined;
    const kept = isKubeDns(to) && qFrom?.dns === "keep" && !qTo ? DNS : TrafficSet.EMPTY;
    const targets = [...new Set([qFrom, qTo].filter((q): q is Quarantine => !!q).map((q) => q.target))];
    const open = pair.possible.subtract(kept);
    if (!open.isEmpty() && !inside) {
      const certain = !pair.allowed.subtract(kept).isEmpty();
      const rules = rulesAllowing(pair, open);
      quarantineBreaches.push({ from: from.id, to: to.id, traffic: open, flows: flowKeys, rules, urns: urnsOf(rules), message: `${from.id} -> ${to.id} on ${open} ${certain ? "is" : "may be"} allowed, but ${targets.join(" and ")} ${targets.length > 1 ? "are" : "is"} quarantined, by ${describeRules(rules) || "no named rule"}` });
    }
    const cut = intended.subtract(pair.possible);
    if (!cut.isEmpty()) {
      const blocks = explainBlocked(pair, cut);
      const rules = blocks.map((b) => b.rule).filter((r): r is RuleRef => !!r);
      cutByQuarantine.push({ from: from.id, to: to.id, traffic: cut, flows: flowKeys, rules, urns: urnsOf(rules), message: `${from.id} -> ${to.id} on ${cut} (${flowKeys.join(", ")}) is cut by the quarantine of ${targets.join(" and ")}, by ${[...new Set(blocks.map((b) => (b.rule ? `${b.rule.resource} ${b.rule.rule}` : b.reason)))].join("; ")}` });
    }
  };

  // Only a pair with one of the intent's own endpoints can yield a finding or meet a flow, unless
  // a flow joins two outside endpoints (the internet, peers): the stack's other tenants' pairs are
  // skipped unread (a 100-tenant shard holds each intent against ~1% of its pairs).
  const ownIds = new Set([...byId.values()].filter(own).map((e) => e.id));
  const outsideFlows = intent.flows.some((f) => f.from.kind !== "zone" && f.to.kind !== "zone");
  for (const pair of outsideFlows ? matrix.pairs : pairsOf(matrix, ownIds)) {
    const from = byId.get(pair.from);
    const to = byId.get(pair.to);
    if (!from || !to || from.id === to.id) continue;
    const platform = from.platform ?? to.platform;
    if (!platform) continue;
    const flows = intent.flows.filter((f) => cover(f.from, from) && cover(f.to, to));
    for (const f of flows) flowHit.add(`${platform}|${f.key}`);

    if (from.kind === "internet" && own(to) && to.zone && (sensitive.has(to.zone) || (to.sensitive && intent.zones.some((z) => z.name === to.zone))) && !pair.possible.isEmpty()) {
      const certain = !pair.allowed.isEmpty();
      const traffic = certain ? pair.allowed : pair.possible;
      const rules = rulesAllowing(pair, traffic);
      internetToSensitive.push({ from: from.id, to: to.id, traffic, flows: [], rules, urns: urnsOf(rules), message: `the internet ${certain ? "reaches" : "may reach"} sensitive zone ${to.id}${isCloudWorkload(to) ? ` (${to.workloadKind} ${to.workload} of zone ${to.zone})` : ""} on ${traffic}, through ${describeRules(rules) || "no named rule"}${repliesNote(pair, traffic)}` });
    }
    if (!inScope(from) && !inScope(to)) continue;
    // Inside one zone the intent says nothing: a workload meeting its own zone (or another
    // workload of it) is the zone's own traffic, as a zone meeting itself is.
    if ((isCloudWorkload(from) || isCloudWorkload(to)) && from.zone !== undefined && from.zone === to.zone && from.platform === to.platform && from.tenant === to.tenant) continue;

    const intended = TrafficSet.fromSpecs(flows.flatMap((f) => f.ports));
    const [qFrom, qTo] = [quarantinedBy(from), quarantinedBy(to)];
    if (qFrom || qTo) {
      judgeQuarantined(pair, from, to, qFrom, qTo, flows.map((f) => f.key).sort(), intended);
      continue;
    }
    let tolerated = intended;
    if (tolerateDns && isKubeDns(to)) tolerated = tolerated.union(DNS);
    // A network no zone tag names may do what the internet may do to a zone (tolerated, not required).
    if (from.network !== undefined) {
      tolerated = tolerated.union(TrafficSet.fromSpecs(intent.flows.filter((f) => f.from.kind === "internet" && cover(f.to, to)).flatMap((f) => f.ports)));
    }
    if ((to.kind === "internet" || (to.kind === "peer" && publicPeers.has(to.key))) && from.zone) {
      for (const e of intent.egress) {
        if (e.zone === from.zone && (!e.workload || from.platform !== "k8s" || from.workload === e.workload)) {
          tolerated = tolerated.union(TrafficSet.fromSpecs(e.destinations.map((d) => ({ protocol: "tcp" as const, from: d.port, to: d.port }))));
        }
      }
    }

    const extra = pair.allowed.subtract(tolerated);
    if (!extra.isEmpty()) {
      const rules = rulesAllowing(pair, extra);
      unintended.push({ from: from.id, to: to.id, traffic: extra, flows: [], rules, urns: urnsOf(rules), message: `${from.id} -> ${to.id} on ${extra} is allowed but not in the intent${whose(from, to, intended)}, by ${describeRules(rules) || "no named rule"}${repliesNote(pair, extra)}` });
    }
    // What the internet may send the destination, any source is admitted for: a port open to the
    // internet admits the deployment's own zones too (their egress and the NACLs close that).
    // A peer's public blocks lie in the internet too: the internet is admitted where a peer is.
    const fromAnywhere = TrafficSet.fromSpecs(intent.flows.filter((f) => (f.from.kind === "internet" || (from.kind === "internet" && f.from.kind === "peer")) && cover(f.to, to)).flatMap((f) => f.ports));
    const admitted = admissionPair(pair);
    const held = admitted.allowed.subtract(pair.possible).subtract(tolerated).subtract(fromAnywhere);
    if (!held.isEmpty()) {
      const rules = rulesAllowing(admitted, held);
      const blocks = explainBlocked(pair, held);
      latent.push({
        from: from.id,
        to: to.id,
        traffic: held,
        flows: [],
        rules,
        urns: urnsOf([...rules, ...blocks.map((b) => b.rule)]),
        message: `${to.id} admits ${from.id} on ${held}, which the intent does not allow${whose(from, to, intended)}, by ${describeRules(rules) || "no named rule"}; only other checks stop it today: ${[...new Set(blocks.map((b) => (b.rule ? `${b.rule.resource} ${b.rule.rule}` : b.reason.replace(/ on \S+( \(.*\))?$/, ""))))].join("; ")}`,
      });
    }
    const maybe = pair.possible.subtract(pair.allowed).subtract(tolerated);
    if (!maybe.isEmpty()) {
      const rules = rulesAllowing(pair, maybe);
      uncertain.push({ from: from.id, to: to.id, traffic: maybe, flows: [], rules, urns: urnsOf(rules), message: `${from.id} -> ${to.id} on ${maybe} may be allowed (values unknown at preview)${whose(from, to, intended)}, by ${describeRules(rules) || "no named rule"}${repliesNote(pair, maybe)}` });
    }
    // A flow is owed by the zone, not by every workload in it: a database need not accept what
    // its zone's flows allow the zone's other instances (the zone endpoint answers for the zone).
    const blocked = isCloudWorkload(from) || isCloudWorkload(to) ? TrafficSet.EMPTY : intended.subtract(pair.possible);
    if (!blocked.isEmpty()) {
      const blocks: Block[] = explainBlocked(pair, blocked);
      const rules = blocks.map((b) => b.rule).filter((r): r is RuleRef => !!r);
      accidentalDenies.push({
        from: from.id,
        to: to.id,
        traffic: blocked,
        flows: flows.map((f) => f.key).sort(),
        rules,
        urns: urnsOf(rules),
        message: `${from.id} -> ${to.id} on ${blocked} is intended (${flows.map((f) => f.key).sort().join(", ")}) but blocked: ${blocks.map((b) => b.reason).join("; ")}`,
      });
    }
    if (from.kind === "workload" && from.platform === "k8s" && inScope(from) && isKubeDns(to)) {
      const missing = DNS.subtract(pair.possible);
      if (!missing.isEmpty()) {
        const blocks = explainBlocked(pair, missing);
        const rules = blocks.map((b) => b.rule).filter((r): r is RuleRef => !!r);
        dnsBlocked.push({ from: from.id, to: to.id, traffic: missing, flows: [], rules, urns: urnsOf(rules), message: `${from.id} cannot resolve names: ${missing} to kube-dns is blocked (${blocks.map((b) => b.reason).join("; ")})` });
      }
    }
  }
  const spell = (e: IntentEndpoint) => (e.kind === "zone" ? (e.workload ? `${e.zone}/${e.workload}` : e.zone) : e.kind === "peer" ? e.peer : "internet");
  const unresolved: string[] = [];
  for (const f of intent.flows) {
    if (!platforms.length) {
      unresolved.push(`flow ${f.key}: the stack has no endpoint for any zone of intent ${intent.name}`);
      continue;
    }
    for (const p of platforms) {
      if (flowHit.has(`${p}|${f.key}`)) continue;
      const mine = matrix.endpoints.filter((m) => !m.platform || m.platform === p);
      const missing = [f.from, f.to].filter((e) => !mine.some((m) => cover(e, m))).map(spell);
      unresolved.push(`flow ${f.key} on ${p}: the stack has no endpoint for ${missing.join(" and ") || "this pair"}`);
    }
  }
  unresolved.sort();
  return { unintended, accidentalDenies, internetToSensitive, uncertain, latent, dnsBlocked, unresolved, quarantineBreaches, cutByQuarantine, quarantineNotJudged: [...quarantineNotJudged].sort() };
}

/** Per matrix, the positions in `pairs` of each endpoint's pairs (from or to), ascending. */
const pairPositions = new WeakMap<Matrix, Map<string, number[]>>();

/**
 * The pairs with an endpoint among `ids`, in the matrix's order (findings keep that order): a
 * shard of 100 tenants holds 100 intents against one matrix, each with ~1% of its pairs.
 */
function pairsOf(matrix: Matrix, ids: ReadonlySet<string>): PairResult[] {
  let positions = pairPositions.get(matrix);
  if (!positions) {
    positions = new Map();
    const add = (id: string, i: number) => (positions!.get(id) ?? positions!.set(id, []).get(id)!).push(i);
    matrix.pairs.forEach((p, i) => {
      add(p.from, i);
      if (p.to !== p.from) add(p.to, i);
    });
    pairPositions.set(matrix, positions);
  }
  const mine = new Set<number>();
  for (const id of ids) for (const i of positions.get(id) ?? []) mine.add(i);
  return [...mine].sort((a, b) => a - b).map((i) => matrix.pairs[i]);
}

/**
 * The pair as the destination's admission checks alone judge it (Stage.role): its `allowed`
 * less the pair's `possible` is what the destination admits that no path lets through today.
 */
const admissionPairs = new WeakMap<PairResult, PairResult>();
function admissionPair(pair: PairResult): PairResult {
  // A pair between two tenants is held against both tenants' intents: judged once.
  let done = admissionPairs.get(pair);
  if (!done) admissionPairs.set(pair, (done = admissionPairOf(pair)));
  return done;
}
function admissionPairOf(pair: PairResult): PairResult {
  // A lazy path names the steps its admission can come from: the rest (routes, NACLs) is not
  // computed for pairs that never needed it (most pairs of a large stack stop at their first stage).
  const paths = pair.paths
    .map((p) => ({ label: p.label, stages: p instanceof LazyPath ? p.admissionStages() : p.stages.filter((s) => s.role === "admission") }))
    .filter((p) => p.stages.length > 0);
  return pairResult(pair.from, pair.to, paths);
}

/** Every range of the peer is public (outside private and special-use space): it is reached across the internet. */
function isPublicOnly(cidrs: readonly string[]): boolean {
  const { set, bad } = cidrSet(cidrs);
  return bad.length === 0 && !set.isEmpty() && set.subtract(set.publicPart()).isEmpty();
}
