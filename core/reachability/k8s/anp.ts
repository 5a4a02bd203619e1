/**
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1, the SIG
 * Network API), as a layer around NetworkPolicies. Per direction of a pod: AdminNetworkPolicies
 * by priority (lower first, rules in order), the first matching rule decides; Allow and Deny are
 * final, Pass skips the remaining AdminNetworkPolicies. What no AdminNetworkPolicy decided goes to
 * NetworkPolicies when one isolates the pod (their answer is final), else to the
 * BaselineAdminNetworkPolicy (rules in order, Allow or Deny), else it is allowed.
 *
 * Unknowns at preview make a rule a "maybe" (it may or may not match); an AdminNetworkPolicy of
 * unknown priority may sit anywhere, so all its rules are "maybe" and checked first. Two
 * AdminNetworkPolicies of one priority that both match a pair are applied in every order (the
 * API leaves theirs undefined): only what every order allows is certain, what some order allows
 * is possible. Peers: namespaces and pods match pod endpoints; `networks` matches externals by
 * CIDR, and a pod only "maybe" (pod addresses are not modelled) unless the networks hold every
 * address; `nodes` matches no endpoint (nodes are not modelled) and is counted in the notes. A
 * peer with no field the engine knows fails closed as the API asks: an Allow rule matches nothing
 * by it, a Deny or Pass rule denies everything.
 */
import { CidrSet } from "../../net/cidr";
import { TrafficSet } from "../../net/ports";
import type { RuleRef, Stage } from "../model";
import type { ResourceGraph } from "../graph";
import { displayName, propsOf } from "../graph";
import { meet, type Entry } from "../stage";
import { cidrSet, isUnknown, list, num, plain, rec, str, triAnd, triOr, UNKNOWN, type Tri } from "../values";
import { showValue } from "../../show-value";
import { matchSelector } from "./selectors";
import { PROTOS, type Pod, type Target } from "./targets";

export const ADMIN_TYPES = {
  anp: "kubernetes:policy.networking.k8s.io/v1alpha1:AdminNetworkPolicy",
  banp: "kubernetes:policy.networking.k8s.io/v1alpha1:BaselineAdminNetworkPolicy",
} as const;

export type AdminKind = "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy";

/** One AdminNetworkPolicy or BaselineAdminNetworkPolicy as declared. */
export interface K8sAdminPolicy {
  readonly urn: string;
  readonly kind: AdminKind;
  readonly name: string;
  /**
   * An AdminNetworkPolicy's priority, 0 to 1000 (lower first). Undefined when unknown at preview
   * or not a valid priority: the policy may sit anywhere, so its rules only "may" decide.
   */
  readonly priority?: number;
  /** Every rule only "may" match (several BaselineAdminNetworkPolicies: at most one exists). */
  readonly uncertain?: boolean;
  readonly spec: Readonly<Record<string, unknown>>;
}

const ACTIONS: Readonly<Record<AdminKind, readonly string[]>> = { AdminNetworkPolicy: ["Allow", "Deny", "Pass"], BaselineAdminNetworkPolicy: ["Allow", "Deny"] };

/** The stack's AdminNetworkPolicies and BaselineAdminNetworkPolicy, with what the API server would reject noted. */
export function readAdminPolicies(g: ResourceGraph, notes: string[]): K8sAdminPolicy[] {
  const out: K8sAdminPolicy[] = [];
  const read = (type: string, kind: AdminKind) =>
    g.ofType(type).map((r) => {
      const props = propsOf(r);
      const n = str(plain(props.metadata)?.name);
      const name = typeof n === "string" ? n : displayName(r);
      const s = rec(props.spec);
      const spec: Readonly<Record<string, unknown>> = s === UNKNOWN ? { subject: UNKNOWN, ingress: UNKNOWN, egress: UNKNOWN, priority: UNKNOWN } : s ?? {};
      return { r, name, nameKnown: typeof n === "string", kind, spec };
    });
  for (const a of read(ADMIN_TYPES.anp, "AdminNetworkPolicy")) {
    const p = num(a.spec.priority);
    let priority: number | undefined;
    if (typeof p === "number" && Number.isInteger(p) && p >= 0 && p <= 1000) priority = p;
    else if (p !== UNKNOWN) notes.push(`${a.r.urn}: AdminNetworkPolicy ${a.name}: spec.priority ${showValue(a.spec.priority)} is not a whole number from 0 to 1000; the API server would reject it, so its rules are read as "maybe" at any priority`);
    out.push({ urn: a.r.urn, kind: a.kind, name: a.name, priority, spec: a.spec });
    noteRules(a.r.urn, a.kind, a.name, a.spec, notes);
  }
  const baselines = read(ADMIN_TYPES.banp, "BaselineAdminNetworkPolicy").filter((b) => {
    if (!b.nameKnown || b.name === "default") return true;
    notes.push(`${b.r.urn}: BaselineAdminNetworkPolicy ${b.name} is not analysed: the API server accepts only one, named "default"`);
    return false;
  });
  if (baselines.length > 1) notes.push(`${baselines.length} BaselineAdminNetworkPolicies (${baselines.map((b) => b.name).join(", ")}) where a cluster holds one, named "default": each of their rules is read as a "maybe"`);
  for (const b of baselines) {
    out.push({ urn: b.r.urn, kind: b.kind, name: b.name, uncertain: baselines.length > 1, spec: b.spec });
    noteRules(b.r.urn, b.kind, b.name, b.spec, notes);
  }
  return out;
}

/** Notes for rule actions the API rejects and for peers the engine does not model (nodes). */
function noteRules(urn: string, kind: AdminKind, name: string, spec: Readonly<Record<string, unknown>>, notes: string[]): void {
  for (const dir of ["ingress", "egress"] as const) {
    list(spec[dir]).forEach((x, i) => {
      const r = plain(x);
      if (!r) return;
      const action = str(r.action);
      if (action !== UNKNOWN && !(typeof action === "string" && ACTIONS[kind].includes(action))) {
        notes.push(`${urn}: ${kind} ${name}: ${dir}[${i}].action ${showValue(r.action)} is not ${ACTIONS[kind].join(", ")}; the API server would reject it, so the rule is read as any of them, a "maybe"`);
      }
      const peers = list(r[dir === "ingress" ? "from" : "to"]);
      const invalid = peers.filter((p) => readPeer(p, dir).kind === "invalid").length;
      if (invalid) notes.push(`${urn}: ${kind} ${name}: ${dir}[${i}] has ${invalid} peer${invalid > 1 ? "s" : ""} with no field the engine knows for ${dir} (${dir === "ingress" ? "namespaces, pods" : "namespaces, pods, networks, nodes"}); read as the API asks, failing closed (an Allow matches nothing by it, a Deny or Pass denies everything)`);
      const nodes = peers.filter((p) => plain(p)?.nodes !== undefined && plain(p)?.nodes !== null).length;
      if (nodes) notes.push(`${urn}: ${kind} ${name}: ${dir}[${i}] has ${nodes} nodes peer${nodes > 1 ? "s" : ""} not analysed (no node is modelled as an endpoint)`);
    });
  }
}

type Action = "allow" | "deny" | "pass";

type Peer =
  | { readonly kind: "namespaces"; readonly sel: unknown }
  | { readonly kind: "pods"; readonly ns: unknown; readonly pods: unknown }
  | { readonly kind: "networks"; readonly set: CidrSet; readonly unknown: boolean }
  | { readonly kind: "nodes" }
  | { readonly kind: "unknown" }
  | { readonly kind: "invalid" };

interface AdminRule {
  readonly ref: RuleRef;
  /** Undefined: unknown at preview (or rejected by the API server), so any action. */
  readonly action?: Action;
  /** Undefined: every source or destination. */
  readonly peers?: readonly Peer[];
  /** Undefined: every port; "unknown": any port may be meant. */
  readonly ports?: readonly unknown[] | "unknown";
  readonly uncertain: boolean;
}

interface AdminLayerPolicy {
  readonly src: K8sAdminPolicy;
  readonly ingress: readonly AdminRule[];
  readonly egress: readonly AdminRule[];
}

function readPeer(x: unknown, dir: "ingress" | "egress"): Peer {
  if (isUnknown(x)) return { kind: "unknown" };
  const p = plain(x);
  if (!p) return { kind: "invalid" };
  if (p.namespaces !== undefined && p.namespaces !== null) return { kind: "namespaces", sel: p.namespaces };
  if (p.pods !== undefined && p.pods !== null) {
    const q = rec(p.pods);
    if (q === UNKNOWN) return { kind: "unknown" };
    return { kind: "pods", ns: q?.namespaceSelector, pods: q?.podSelector };
  }
  if (dir === "egress" && p.networks !== undefined && p.networks !== null) {
    if (isUnknown(p.networks)) return { kind: "networks", set: CidrSet.EMPTY, unknown: true };
    const c = cidrSet(list(p.networks));
    return { kind: "networks", set: c.set, unknown: c.unknown || c.bad.length > 0 };
  }
  if (dir === "egress" && p.nodes !== undefined && p.nodes !== null) return { kind: "nodes" };
  return { kind: "invalid" };
}

function readAdminRules(p: K8sAdminPolicy, dir: "ingress" | "egress"): AdminRule[] {
  const where = p.kind === "AdminNetworkPolicy" ? ` (priority ${p.priority ?? "unknown"})` : "";
  const resource = `${p.kind} ${p.name}`;
  if (isUnknown(p.spec[dir])) return [{ ref: { urn: p.urn, resource, rule: `${dir} (unknown at preview)${where}` }, uncertain: true }];
  return list(p.spec[dir]).map((x, i) => {
    const r = plain(x) ?? {};
    const n = str(r.name);
    const ref: RuleRef = { urn: p.urn, resource, rule: `rule ${typeof n === "string" && n ? n : `${dir}[${i}]`}${where}`, description: `${dir}[${i}]` };
    const a = str(r.action);
    let action: Action | undefined = typeof a === "string" && ACTIONS[p.kind].includes(a) ? (a.toLowerCase() as Action) : undefined;
    const side = r[dir === "ingress" ? "from" : "to"];
    let peers: Peer[] | undefined = isUnknown(side) ? [{ kind: "unknown" }] : list(side).map((q) => readPeer(q, dir));
    let ports: AdminRule["ports"] = isUnknown(r.ports) ? "unknown" : r.ports === undefined || r.ports === null ? undefined : list(r.ports);
    if (peers.some((q) => q.kind === "invalid")) {
      // Fail closed (the API's words): an Allow matches nothing by that peer, a Deny or Pass denies everything.
      if (action === "allow") peers = peers.filter((q) => q.kind !== "invalid");
      else if (action) {
        action = "deny";
        peers = undefined;
        ports = undefined;
      } else peers = [{ kind: "unknown" }];
    }
    return { ref, action, peers, ports, uncertain: isUnknown(x) || !!p.uncertain };
  });
}

/** Does one peer match the other end of the traffic? */
function peerMatches(peer: Peer, other: Target): Tri {
  switch (peer.kind) {
    case "namespaces":
      return "pod" in other ? matchSelector(peer.sel, { labels: other.pod.ns.labels, complete: other.pod.ns.declared }) : "no";
    case "pods":
      return "pod" in other ? triAnd(matchSelector(peer.ns, { labels: other.pod.ns.labels, complete: other.pod.ns.declared }), matchSelector(peer.pods, other.pod.labels)) : "no";
    case "networks":
      if ("pod" in other) return peer.set.covers(CidrSet.WORLD) ? "yes" : peer.unknown || !peer.set.isEmpty() ? "maybe" : "no";
      if (peer.unknown) return "maybe";
      return peer.set.overlaps(other.cls.cidrs ?? other.ext.addresses) ? "yes" : "no";
    case "nodes":
    case "invalid":
      return "no";
    case "unknown":
      return "maybe";
  }
}

/** The traffic a rule's ports select towards `receiver` (the pod whose named ports count): certain and possible part. */
function adminPorts(ports: AdminRule["ports"], receiver: Target | undefined): { lo: TrafficSet; hi: TrafficSet } {
  if (ports === undefined) return { lo: TrafficSet.ALL, hi: TrafficSet.ALL };
  if (ports === "unknown") return { lo: TrafficSet.EMPTY, hi: TrafficSet.ALL };
  let lo = TrafficSet.EMPTY;
  let hi = TrafficSet.EMPTY;
  const both = (t: TrafficSet) => {
    lo = lo.union(t);
    hi = hi.union(t);
  };
  const protoOf = (v: unknown) => {
    const s = str(v);
    return s === UNKNOWN ? UNKNOWN : PROTOS[String(s ?? "TCP").toUpperCase()];
  };
  const valid = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535;
  for (const x of ports) {
    const p = plain(x);
    const number = plain(p?.portNumber);
    const range = plain(p?.portRange);
    if (number) {
      const proto = protoOf(number.protocol);
      const port = num(number.port);
      if (proto === UNKNOWN) hi = hi.union(TrafficSet.ALL);
      else if (!proto) continue; // a protocol netseg does not model
      else if (valid(port)) both(TrafficSet.fromSpecs([{ protocol: proto, from: port, to: port }]));
      else hi = hi.union(TrafficSet.of(proto));
    } else if (range) {
      const proto = protoOf(range.protocol);
      const start = num(range.start);
      const end = num(range.end);
      if (proto === UNKNOWN) hi = hi.union(TrafficSet.ALL);
      else if (!proto) continue;
      else if (valid(start) && valid(end) && start <= end) both(TrafficSet.fromSpecs([{ protocol: proto, from: start, to: end }]));
      else hi = hi.union(TrafficSet.of(proto));
    } else if (p && typeof p.namedPort === "string" && !isUnknown(p.namedPort)) {
      if (!receiver || !("pod" in receiver)) continue; // only pods have named ports
      const known = receiver.pod.ports;
      if (!known) {
        hi = hi.union(TrafficSet.ALL);
        continue;
      }
      for (const np of known) if (np.name === p.namedPort) both(TrafficSet.fromSpecs([{ protocol: np.protocol, from: np.port, to: np.port }]));
    } else {
      // Unknown at preview, or a port the API server would reject: any port may be meant.
      hi = hi.union(TrafficSet.ALL);
    }
  }
  return { lo, hi };
}

/** A rule's verdict on some traffic of one pair, in the order the API checks it. */
export interface AdminEntry {
  readonly rule: RuleRef;
  readonly action: Action;
  readonly traffic: TrafficSet;
  readonly match: Tri;
}

/** The AdminNetworkPolicies of one priority (or of unknown priority) matching a pair: each one's entries. */
type Tier = readonly (readonly AdminEntry[])[];

/** Orders tried for ANPs of one priority matching one pair (5 tied policies); past it, tied rules only "may" match. */
const MAX_ORDERS = 120;

/**
 * The AdminNetworkPolicy and BaselineAdminNetworkPolicy rules of a cluster, matched against its
 * pods and externals (`others`, by index) once.
 */
export class AdminLayer {
  private readonly anps: AdminLayerPolicy[];
  private readonly banps: AdminLayerPolicy[];
  private readonly subject = new Map<string, Tri>();
  private readonly peerMemo = new Map<AdminRule, Map<number, Tri>>();

  constructor(
    policies: readonly K8sAdminPolicy[],
    private readonly others: readonly Target[],
  ) {
    const layer = (p: K8sAdminPolicy): AdminLayerPolicy => ({ src: p, ingress: readAdminRules(p, "ingress"), egress: readAdminRules(p, "egress") });
    // Unknown priority first (it may be the lowest); a stable sort keeps declaration order within a priority.
    this.anps = policies.filter((p) => p.kind === "AdminNetworkPolicy").map(layer).sort((a, b) => (a.src.priority ?? -1) - (b.src.priority ?? -1));
    this.banps = policies.filter((p) => p.kind === "BaselineAdminNetworkPolicy").map(layer);
  }

  /** Every CIDR a `networks` peer names, for cutting externals into address classes. */
  static networks(policies: readonly K8sAdminPolicy[]): CidrSet[] {
    const out: CidrSet[] = [];
    for (const p of policies) for (const dir of ["ingress", "egress"] as const) for (const r of readAdminRules(p, dir)) for (const q of r.peers ?? []) if (q.kind === "networks") out.push(q.set);
    return out;
  }

  get empty(): boolean {
    return !this.anps.length && !this.banps.length;
  }

  private subjectOf(p: AdminLayerPolicy, pod: Pod): Tri {
    const key = `${p.src.urn}\u0000${pod.ep.id}`;
    let t = this.subject.get(key);
    if (t) return t;
    const s = rec(p.src.spec.subject);
    const ns = { labels: pod.ns.labels, complete: pod.ns.declared };
    if (s === UNKNOWN || s === undefined) t = "maybe";
    else if (s.namespaces !== undefined && s.namespaces !== null) t = matchSelector(s.namespaces, ns);
    else if (s.pods !== undefined && s.pods !== null) {
      const q = rec(s.pods);
      t = q === UNKNOWN || !q ? "maybe" : triAnd(matchSelector(q.namespaceSelector, ns), matchSelector(q.podSelector, pod.labels));
    } else t = "maybe"; // no subject the engine knows: the API server would reject it
    this.subject.set(key, t);
    return t;
  }

  /** Whether some AdminNetworkPolicy or BaselineAdminNetworkPolicy may select the pod for `dir`. */
  touches(pod: Pod, dir: "ingress" | "egress"): boolean {
    return [...this.anps, ...this.banps].some((p) => (p[dir].length > 0 || isUnknown(p.src.spec[dir])) && this.subjectOf(p, pod) !== "no");
  }

  private targets(rule: AdminRule): Map<number, Tri> {
    let hit = this.peerMemo.get(rule);
    if (hit) return hit;
    hit = new Map();
    this.others.forEach((t, i) => {
      const m = rule.peers === undefined ? "yes" : rule.peers.reduce<Tri>((acc, q) => (acc === "yes" ? acc : triOr(acc, peerMatches(q, t))), "no");
      if (m !== "no") hit!.set(i, m);
    });
    this.peerMemo.set(rule, hit);
    return hit;
  }

  private entries(p: AdminLayerPolicy, pod: Pod, dir: "ingress" | "egress", other: number, forceMaybe: boolean): AdminEntry[] {
    const subject = this.subjectOf(p, pod);
    if (subject === "no") return [];
    const out: AdminEntry[] = [];
    for (const rule of p[dir]) {
      const peer = this.targets(rule).get(other);
      if (!peer) continue;
      const match = triAnd(triAnd(subject, peer), rule.uncertain || forceMaybe ? "maybe" : "yes");
      const { lo, hi } = adminPorts(rule.ports, dir === "ingress" ? { pod } : this.others[other]);
      const actions: Action[] = rule.action ? [rule.action] : ["deny", "allow", "pass"];
      for (const action of actions) {
        if (match === "yes" && rule.action) {
          if (!lo.isEmpty()) out.push({ rule: rule.ref, action, traffic: lo, match: "yes" });
          const rest = hi.subtract(lo);
          if (!rest.isEmpty()) out.push({ rule: rule.ref, action, traffic: rest, match: "maybe" });
        } else if (!hi.isEmpty()) out.push({ rule: rule.ref, action, traffic: hi, match: "maybe" });
      }
    }
    return out;
  }

  /** The AdminNetworkPolicy rules for a pod's `dir` towards `other`, per priority, in order. */
  tiers(pod: Pod, dir: "ingress" | "egress", other: number): Tier[] {
    const out: Tier[] = [];
    let i = 0;
    while (i < this.anps.length) {
      const priority = this.anps[i].src.priority;
      let j = i + 1;
      if (priority !== undefined) while (j < this.anps.length && this.anps[j].src.priority === priority) j++;
      const tier = this.anps
        .slice(i, j)
        .map((p) => this.entries(p, pod, dir, other, priority === undefined))
        .filter((e) => e.length > 0);
      if (tier.length) out.push(tier);
      i = j;
    }
    return out;
  }

  /** The BaselineAdminNetworkPolicy rules for a pod's `dir` towards `other`, in order (Allow or Deny). */
  baseline(pod: Pod, dir: "ingress" | "egress", other: number): Entry[] {
    return this.banps.flatMap((p) => this.entries(p, pod, dir, other, false)).map((e) => ({ rule: e.rule, action: e.action === "allow" ? "allow" : "deny", traffic: e.traffic, match: e.match }));
  }

  /**
   * AdminNetworkPolicies of one priority that both match some pair with different actions on
   * common traffic: the API leaves their order undefined. One note per two policies.
   */
  ties(pods: readonly Pod[]): string[] {
    const seen = new Map<string, { example: string; count: number }>();
    const tied = this.anps.some((p, i) => p.src.priority !== undefined && this.anps[i + 1]?.src.priority === p.src.priority);
    if (!tied) return [];
    for (const pod of pods) {
      for (const dir of ["ingress", "egress"] as const) {
        this.others.forEach((o, oi) => {
          if ("pod" in o && o.pod === pod) return;
          for (const tier of this.tiers(pod, dir, oi)) {
            if (tier.length < 2) continue;
            for (let a = 0; a < tier.length; a++) {
              for (let b = a + 1; b < tier.length; b++) {
                const clash = tier[a].some((x) => tier[b].some((y) => x.action !== y.action && !x.traffic.intersect(y.traffic).isEmpty()));
                if (!clash) continue;
                const priority = this.anps.find((p) => tier[a][0].rule.urn === p.src.urn)?.src.priority;
                const key = `${tier[a][0].rule.resource} and ${tier[b][0].rule.resource} share priority ${priority}`;
                const otherKey = "pod" in o ? o.pod.ep.key : o.ext.endpoint.key;
                const s = seen.get(key) ?? { example: `${dir} of ${pod.ep.key} ${dir === "ingress" ? "from" : "to"} ${otherKey}`, count: 0 };
                s.count++;
                seen.set(key, s);
              }
            }
          }
        });
      }
    }
    return [...seen].map(
      ([key, s]) =>
        `${key} and both match ${s.example}${s.count > 1 ? ` (and ${s.count - 1} more pair direction${s.count > 2 ? "s" : ""})` : ""} with different actions; the API leaves their order undefined, so such traffic is read as a "maybe" where the orders disagree`,
    );
  }
}

/** Every order the API may check the rules in: tiers in priority order, the policies of a tier in any order. */
function orders(tiers: readonly Tier[]): AdminEntry[][] {
  let count = 1;
  for (const t of tiers) for (let k = 2; k <= t.length; k++) count *= k;
  if (count > MAX_ORDERS) {
    // Too many to enumerate: a tie's rules only "may" match, which holds for every order.
    return [tiers.flatMap((t) => (t.length > 1 ? t.flat().map((e) => ({ ...e, match: "maybe" as Tri })) : t.flat()))];
  }
  let out: AdminEntry[][] = [[]];
  for (const t of tiers) {
    const perms = permutations(t.length);
    out = out.flatMap((prefix) => perms.map((perm) => [...prefix, ...perm.flatMap((k) => t[k])]));
  }
  return out;
}

function permutations(n: number): number[][] {
  if (n <= 1) return [[0].slice(0, n)];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

interface Swept {
  readonly lower: TrafficSet;
  readonly upper: TrafficSet;
  /** Per entry index: the traffic it possibly takes (allow, pass) or certainly takes (deny). */
  readonly taken: Map<number, TrafficSet>;
  /** Traffic that may reach the next layer (passed, or matched by no rule). */
  readonly onward: TrafficSet;
}

/**
 * One order of AdminNetworkPolicy rules over `next` (what NetworkPolicies and the baseline
 * decide): possibly allowed where some resolution of the "maybe"s allows, certainly allowed where
 * every one does.
 */
function sweep(entries: readonly AdminEntry[], next: { lower: TrafficSet; upper: TrafficSet }): Swept {
  const taken = new Map<number, TrafficSet>();
  // Possibly allowed: a certain match takes its traffic, a "maybe" allow or pass only marks it.
  let rest = TrafficSet.ALL;
  let allowed = TrafficSet.EMPTY;
  let passed = TrafficSet.EMPTY;
  entries.forEach((e, i) => {
    const t = meet(rest, e.traffic);
    if (t.isEmpty()) return;
    if (e.action === "allow") allowed = allowed.union(t);
    if (e.action === "pass") passed = passed.union(t);
    if (e.action !== "deny" || e.match === "yes") taken.set(i, t);
    if (e.match === "yes") rest = rest.subtract(t);
  });
  const onward = passed.union(rest);
  const upper = allowed.union(meet(onward, next.upper));
  // Certainly allowed: a "maybe" deny takes its traffic out, a "maybe" allow is ignored, a "maybe"
  // pass asks the next layer too.
  let loRest = TrafficSet.ALL;
  let loAllowed = TrafficSet.EMPTY;
  let loPassed = TrafficSet.EMPTY;
  let mayPass = TrafficSet.EMPTY;
  for (const e of entries) {
    const t = meet(loRest, e.traffic);
    if (t.isEmpty()) continue;
    if (e.match === "yes") {
      if (e.action === "allow") loAllowed = loAllowed.union(t);
      if (e.action === "pass") loPassed = loPassed.union(t);
      loRest = loRest.subtract(t);
    } else if (e.action === "deny") loRest = loRest.subtract(t);
    else if (e.action === "pass") mayPass = mayPass.union(t);
  }
  const lower = loAllowed.union(meet(loPassed.union(loRest), next.lower)).subtract(mayPass.subtract(next.lower));
  return { lower, upper, taken, onward };
}

/**
 * The stage of one pod's direction towards one other end: AdminNetworkPolicy `tiers` over `next`,
 * the NetworkPolicy (or baseline) stage.
 */
export function adminStage(tiers: readonly Tier[], next: Stage): Stage {
  if (!tiers.length) return next;
  let lower: TrafficSet | undefined;
  let upper = TrafficSet.EMPTY;
  const grants = new Map<RuleRef, TrafficSet>();
  const denies = new Map<RuleRef, TrafficSet>();
  const certain = new Set<RuleRef>();
  let onward = TrafficSet.EMPTY;
  for (const order of orders(tiers)) {
    const s = sweep(order, next);
    lower = lower ? lower.intersect(s.lower) : s.lower;
    upper = upper.union(s.upper);
    onward = onward.union(s.onward);
    s.taken.forEach((t, i) => {
      const e = order[i];
      // A pass is a grant only for what the next layer lets through.
      const got = e.action === "pass" ? meet(t, next.upper) : t;
      if (got.isEmpty()) return;
      const into = e.action === "deny" ? denies : grants;
      into.set(e.rule, (into.get(e.rule) ?? TrafficSet.EMPTY).union(got));
      if (e.match === "yes") certain.add(e.rule);
    });
  }
  const reached = !meet(onward, next.upper).isEmpty();
  return {
    label: next.label,
    lower: lower ?? TrafficSet.EMPTY,
    upper,
    grants: [...[...grants].map(([rule, traffic]) => ({ rule, traffic, certain: certain.has(rule) })), ...(reached ? next.grants : [])],
    denies: [...[...denies].map(([rule, traffic]) => ({ rule, traffic, certain: true })), ...next.denies],
    ...(next.fallback ? { fallback: next.fallback } : {}),
    missing: next.missing,
  };
}
