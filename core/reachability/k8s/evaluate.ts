/**
 * NetworkPolicy semantics, in full. A pod is isolated for a direction when some policy selects
 * it with that policy type (policyTypes defaults to Ingress, plus Egress when egress rules
 * exist); an isolated pod accepts only what the union of its policies' rules allows; traffic
 * between pods needs the source's egress and the destination's ingress. A peer holding both
 * namespaceSelector and podSelector means pods matching both (AND); two peers mean either (OR).
 * Endpoints: each workload, plus one per namespace for "any other pod" (no distinguishing
 * labels), plus the internet and peers, which only ipBlock peers or rule-wide "from/to all" match.
 * An ipBlock may hold only part of the internet or of a peer (`except` cuts more out): those are
 * judged per address class (../addr-classes), so each answer says which addresses it is for.
 * AdminNetworkPolicies decide before NetworkPolicies and a BaselineAdminNetworkPolicy after them
 * (./anp); a pod no admin policy selects is judged exactly as without them. A workload's key is
 * `<namespace>/<name>`, or `<namespace>/<kind>/<name>` where several workloads share the name.
 */
import { CidrSet } from "../../net/cidr";
import { TrafficSet } from "../../net/ports";
import type { Endpoint, RuleRef, Stage } from "../model";
import type { External, PlatformAnalysis } from "../platform";
import { allowStage, firstMatchStage, passStage, type Entry } from "../stage";
import { AddressSplitter, ClassPath, classLabel } from "../addr-classes";
import { flat } from "../sweep";
import { cidrSet, isUnknown, list, num, plain, str, strings, triAnd, triOr, UNKNOWN, type Tri } from "../values";
import type { K8sModel, K8sPolicy, K8sWorkload } from "./model";
import { matchSelector } from "./selectors";
import { AdminLayer, adminStage } from "./anp";
import { ciliumRuleLabel, isCiliumDeny, withDenies } from "./cilium";
import { PROTOS, type Pod, type Target } from "./targets";

interface Rule {
  readonly ref: RuleRef;
  /** Undefined: the rule has no from/to, so every source or destination matches. */
  readonly peers?: readonly Record<string, unknown>[];
  /** Undefined: every port. */
  readonly ports?: readonly Record<string, unknown>[];
  /** Part of the rule is unknown at preview (read as "everything"): it only "may" match. */
  readonly uncertain: boolean;
}

interface Policy {
  readonly src: K8sPolicy;
  readonly types: { ingress: Tri; egress: Tri };
  readonly ingress: Rule[];
  readonly egress: Rule[];
}

function policyTypes(spec: Record<string, unknown>): { ingress: Tri; egress: Tri } {
  const declared = spec.policyTypes;
  if (declared !== undefined && declared !== null) {
    const t = strings(declared);
    if (t.unknown) return { ingress: "maybe", egress: "maybe" };
    if (t.values.length) return { ingress: t.values.includes("Ingress") ? "yes" : "no", egress: t.values.includes("Egress") ? "yes" : "no" };
  }
  return { ingress: "yes", egress: isUnknown(spec.egress) ? "maybe" : list(spec.egress).length > 0 ? "yes" : "no" };
}

function readRules(p: K8sPolicy, dir: "ingress" | "egress"): Rule[] {
  const side = dir === "ingress" ? "from" : "to";
  // A rule list unknown at preview may allow anything: one rule that "may" match everything.
  if (isUnknown(p.spec[dir])) return [{ ref: { urn: p.urn, resource: p.name, rule: `${dir} (unknown at preview)` }, uncertain: true }];
  return list(p.spec[dir]).map((x, i) => {
    const r = plain(x) ?? {};
    const peers = list(r[side]);
    const ports = list(r.ports);
    return {
      ref: { urn: p.urn, resource: p.name, rule: ciliumRuleLabel(x) ?? `${dir}[${i}]` },
      peers: peers.length ? peers.map((q) => plain(q) ?? {}) : undefined,
      ports: ports.length ? ports.map((q) => plain(q) ?? {}) : undefined,
      uncertain: isUnknown(x) || isUnknown(r[side]) || isUnknown(r.ports),
    };
  });
}

/** The traffic a rule's ports admit towards `dest`: certain part and possible part (named ports). */
function portsTraffic(ports: readonly Record<string, unknown>[] | undefined, dest: Target): { lo: TrafficSet; hi: TrafficSet } {
  if (!ports) return { lo: TrafficSet.ALL, hi: TrafficSet.ALL };
  let lo = TrafficSet.EMPTY;
  let hi = TrafficSet.EMPTY;
  for (const p of ports) {
    const protoText = str(p.protocol);
    if (protoText === UNKNOWN) {
      hi = hi.union(TrafficSet.ALL);
      continue;
    }
    const proto = PROTOS[String(protoText ?? "TCP").toUpperCase()];
    if (!proto) continue; // a protocol netseg does not model
    const port = p.port;
    if (port === undefined || port === null) {
      lo = lo.union(TrafficSet.of(proto));
      hi = hi.union(TrafficSet.of(proto));
      continue;
    }
    const n = num(port);
    const s = str(port);
    if (typeof n === "number") {
      const end = num(p.endPort);
      if (end === UNKNOWN) {
        lo = lo.union(TrafficSet.fromSpecs([{ protocol: proto, from: n, to: n }]));
        hi = hi.union(TrafficSet.fromSpecs([{ protocol: proto, from: n, to: 65535 }]));
        continue;
      }
      const t = TrafficSet.fromSpecs([{ protocol: proto, from: n, to: Math.max(n, end ?? n) }]);
      lo = lo.union(t);
      hi = hi.union(t);
    } else if (typeof s === "string") {
      const known = "pod" in dest ? dest.pod.ports : undefined;
      if (!known) {
        // Named port on a pod whose containers are not known: it may be any port.
        hi = hi.union(TrafficSet.of(proto));
        continue;
      }
      for (const np of known) {
        if (np.name === s && np.protocol === proto) {
          const t = TrafficSet.fromSpecs([{ protocol: proto, from: np.port, to: np.port }]);
          lo = lo.union(t);
          hi = hi.union(t);
        }
      }
    } else {
      hi = hi.union(TrafficSet.of(proto));
    }
  }
  return { lo, hi };
}

function ipBlock(peer: Record<string, unknown>): { set: CidrSet; unknown: boolean } | undefined {
  const b = plain(peer.ipBlock);
  if (!b) return peer.ipBlock === undefined || peer.ipBlock === null ? undefined : { set: CidrSet.EMPTY, unknown: true };
  const inc = cidrSet([b.cidr]);
  const exc = cidrSet(list(b.except));
  return { set: inc.set.subtract(exc.set), unknown: inc.unknown || exc.unknown };
}

/** Does one peer of a rule in `policyNs` match `other`? */
function peerMatches(peer: Record<string, unknown>, policyNs: string, other: Target): Tri {
  const block = ipBlock(peer);
  if (block) {
    // ipBlock is meant for traffic leaving or entering the cluster; pod IPs are not judged by it.
    if ("pod" in other) return "no";
    if (block.unknown) return "maybe";
    return block.set.overlaps(other.cls.cidrs ?? other.ext.addresses) ? "yes" : "no";
  }
  const hasNs = peer.namespaceSelector !== undefined && peer.namespaceSelector !== null;
  const hasPod = peer.podSelector !== undefined && peer.podSelector !== null;
  if (!hasNs && !hasPod) return "no";
  if (!("pod" in other)) return "no";
  const pod = other.pod;
  const nsMatch: Tri = hasNs ? matchSelector(peer.namespaceSelector, { labels: pod.ns.labels, complete: pod.ns.declared }) : pod.ns.name === policyNs ? "yes" : "no";
  if (nsMatch === "no") return "no";
  return triAnd(nsMatch, hasPod ? matchSelector(peer.podSelector, pod.labels) : "yes");
}

export function analyseK8s(model: K8sModel, externals: readonly External[]): PlatformAnalysis {
  const pods = new Map<string, Pod>();
  for (const ns of [...model.namespaces.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const ep: Endpoint = { id: `k8s:${ns.name}`, key: ns.name, kind: "zone", platform: "k8s", zone: ns.name };
    pods.set(ep.id, { ep, ns, labels: { labels: {}, complete: true } });
  }
  const keyOf = workloadKeys(model.workloads);
  for (const w of model.workloads) {
    const ns = model.namespaces.get(w.namespace)!;
    const key = keyOf(w);
    const ep: Endpoint = { id: `k8s:${key}`, key, kind: "workload", platform: "k8s", zone: w.namespace, workload: w.name, labels: w.labels };
    pods.set(ep.id, { ep, ns, labels: { labels: w.labels, complete: w.labelsComplete !== false }, ports: w.ports });
  }
  const policies: Policy[] = model.policies.map((src) => ({ src, types: policyTypes(src.spec as Record<string, unknown>), ingress: readRules(src, "ingress"), egress: readRules(src, "egress") }));
  /** pod id -> policies of its namespace with how surely they select it */
  const selecting = new Map<string, { policy: Policy; tri: Tri }[]>();
  for (const pod of pods.values()) {
    const list: { policy: Policy; tri: Tri }[] = [];
    for (const policy of policies) {
      if (policy.src.namespace !== undefined && policy.src.namespace !== pod.ns.name) continue;
      const tri = triAnd(policy.src.namespace === undefined ? "maybe" : "yes", matchSelector(policy.src.spec.podSelector ?? {}, pod.labels));
      if (tri !== "no") list.push({ policy, tri });
    }
    selecting.set(pod.ep.id, list);
  }

  // Index once: every rule is matched against the endpoints (memoised per distinct peer, since
  // stacks repeat the same selectors), then filed under (selected pod, direction, other end).
  const blocks: CidrSet[] = [];
  for (const p of policies) for (const r of [...p.ingress, ...p.egress]) for (const peer of r.peers ?? []) blocks.push(ipBlock(peer)?.set ?? CidrSet.EMPTY);
  blocks.push(...AdminLayer.networks(model.admin ?? []));
  const splitter = new AddressSplitter(blocks);
  const others: Target[] = [...[...pods.values()].map((pod) => ({ pod })), ...externals.flatMap((ext) => splitter.classes(ext.addresses).map((cls) => ({ ext, cls })))];
  const idOf = (t: Target) => ("pod" in t ? t.pod.ep.id : t.ext.endpoint.id);
  const podsByNs = new Map<string, number[]>();
  others.forEach((t, i) => {
    if ("pod" in t) podsByNs.set(t.pod.ns.name, [...(podsByNs.get(t.pod.ns.name) ?? []), i]);
  });
  const peerMemo = new Map<string, Map<number, Tri>>();
  const peerTargets = (peer: Record<string, unknown>, policyNs: string): Map<number, Tri> => {
    const key = `${policyNs}\u0000${JSON.stringify(peer)}`;
    let hit = peerMemo.get(key);
    if (hit) return hit;
    hit = new Map();
    const candidates = ipBlock(peer)
      ? others.flatMap((t, i) => ("ext" in t ? [i] : []))
      : peer.namespaceSelector === undefined || peer.namespaceSelector === null
        ? podsByNs.get(policyNs) ?? []
        : [...podsByNs.values()].flat();
    for (const i of candidates) {
      const t = peerMatches(peer, policyNs, others[i]);
      if (t !== "no") hit.set(i, t);
    }
    peerMemo.set(key, hit);
    return hit;
  };
  const allOthers = new Map<number, Tri>(others.map((_, i) => [i, "yes"]));
  const ruleTargets = (rule: Rule, policyNs: string): Map<number, Tri> => {
    if (!rule.peers) return allOthers;
    if (rule.peers.length === 1) return peerTargets(rule.peers[0], policyNs);
    const out = new Map<number, Tri>();
    for (const p of rule.peers) for (const [i, t] of peerTargets(p, policyNs)) out.set(i, triOr(out.get(i) ?? "no", t));
    return out;
  };
  const hasNamed = (rule: Rule) => (rule.ports ?? []).some((p) => typeof p.port === "string");
  const entriesFor = (rule: Rule, t: { lo: TrafficSet; hi: TrafficSet }, action: "allow" | "deny" = "allow"): { yes: Entry[]; maybe: Entry[] } => {
    const base: Entry[] = t.lo.isEmpty() ? [] : [{ rule: rule.ref, action, traffic: t.lo, match: "yes", ports: flat(t.lo) }];
    const extra = t.hi.subtract(t.lo);
    const named: Entry[] = extra.isEmpty() ? [] : [{ rule: { ...rule.ref, rule: `${rule.ref.rule} (named port, unresolved)` }, action, traffic: extra, match: "maybe" }];
    return { yes: [...base, ...named], maybe: [...base.map((e) => ({ ...e, match: "maybe" as Tri })), ...named] };
  };
  const podIndex = new Map([...pods.keys()].map((id, i) => [id, i]));
  /** Endpoint id -> its targets' indices in `others` (one per address class for an external). */
  const otherIndex = new Map<string, number[]>();
  others.forEach((t, i) => otherIndex.set(idOf(t), [...(otherIndex.get(idOf(t)) ?? []), i]));
  /** [pod][0 ingress, 1 egress][other end] -> allow entries */
  const buckets: (Entry[] | undefined)[][][] = [...pods.keys()].map(() => [[], []]);
  const isolation = new Map<string, { tri: Tri; names: string[] }>();
  for (const pod of pods.values()) {
    const pi = podIndex.get(pod.ep.id)!;
    for (const dir of ["ingress", "egress"] as const) {
      const di = dir === "ingress" ? 0 : 1;
      const iso = { tri: "no" as Tri, names: [] as string[] };
      isolation.set(`${pod.ep.id}|${dir}`, iso);
      for (const { policy, tri } of selecting.get(pod.ep.id) ?? []) {
        const applies = triAnd(tri, policy.types[dir]);
        if (applies === "no") continue;
        iso.tri = triOr(iso.tri, applies);
        iso.names.push(policy.src.name);
        for (const rule of policy[dir]) {
          // Numeric ports give the same entries for every other end: built once per rule.
          const action = isCiliumDeny(policy.src) ? "deny" : "allow";
          const fixed = hasNamed(rule) ? undefined : entriesFor(rule, portsTraffic(rule.ports, { pod }), action);
          // A policy selecting this pod is in the pod's namespace, known or not.
          for (const [i, mt] of ruleTargets(rule, policy.src.namespace ?? pod.ns.name)) {
            const match = triAnd(triAnd(mt, applies), rule.uncertain ? "maybe" : "yes");
            if (match === "no") continue;
            const entries = fixed ?? entriesFor(rule, portsTraffic(rule.ports, dir === "ingress" ? { pod } : others[i]), action);
            const add = match === "yes" ? entries.yes : entries.maybe;
            if (!add.length) continue;
            const list = buckets[pi][di][i];
            if (list) list.push(...add);
            else buckets[pi][di][i] = [...add];
          }
        }
      }
    }
  }

  const admin = new AdminLayer(model.admin ?? [], others);
  const podList = [...pods.values()];
  const notes = [...(model.notes ?? []), ...admin.ties(podList)];
  /** pod id|dir -> whether some AdminNetworkPolicy or BaselineAdminNetworkPolicy may select it. */
  const touched = new Map(podList.flatMap((p) => (["ingress", "egress"] as const).map((dir) => [`${p.ep.id}|${dir}`, !admin.empty && admin.touches(p, dir)] as const)));

  /** The NetworkPolicies of `pod` in one direction, for the other end `other` (index in `others`). */
  function policyStage(pod: Pod, dir: "ingress" | "egress", other: number, otherKey: string): Stage {
    const iso = isolation.get(`${pod.ep.id}|${dir}`)!;
    const label = `${dir} of ${pod.ep.key}`;
    const open = () => passStage(label, { urn: "", resource: pod.ep.key, rule: `not isolated for ${dir} (no NetworkPolicy selects it)` });
    // Not isolated: the BaselineAdminNetworkPolicy decides, then the default allow.
    const baseline = () => {
      const rules = touched.get(`${pod.ep.id}|${dir}`) ? admin.baseline(pod, dir, other) : [];
      return rules.length ? firstMatchStage(label, rules, { rule: { urn: "", resource: pod.ep.key, rule: `not isolated for ${dir} (no NetworkPolicy selects it)` }, action: "allow" }, label) : open();
    };
    if (iso.tri === "no") return baseline();
    const entries = buckets[podIndex.get(pod.ep.id)!][dir === "ingress" ? 0 : 1][other] ?? [];
    // Cilium's deny rules (ingressDeny / egressDeny) win over every allow (./cilium).
    const s = withDenies(allowStage(label, entries, `no ${dir} rule in NetworkPolicy ${iso.names.join(", ")} ${dir === "ingress" ? "from" : "to"} ${otherKey}`), entries);
    if (iso.tri === "yes") return s;
    // May be isolated: what the NetworkPolicies allow is certain only if the baseline allows it too.
    const b = baseline();
    if (b.denies.length === 0 && b.upper === TrafficSet.ALL && b.lower === TrafficSet.ALL) return { ...s, upper: TrafficSet.ALL };
    return { ...s, lower: s.lower.intersect(b.lower), upper: s.upper.union(b.upper), grants: [...s.grants, ...b.grants], denies: b.denies };
  }

  /** AdminNetworkPolicies first, then NetworkPolicies or the BaselineAdminNetworkPolicy (./anp). */
  function stage(pod: Pod, dir: "ingress" | "egress", other: number, otherKey: string): Stage {
    const next = policyStage(pod, dir, other, otherKey);
    return touched.get(`${pod.ep.id}|${dir}`) ? adminStage(admin.tiers(pod, dir, other), next) : next;
  }

  return {
    endpoints: [...pods.values()].map((p) => p.ep),
    notes,
    paths(from, to) {
      const a = pods.get(from.id);
      const b = pods.get(to.id);
      if (!(a || b) || !otherIndex.has(from.id) || !otherIndex.has(to.id)) return undefined;
      const way = `${from.key} -> ${to.key}`;
      const name = (i: number) => {
        const t = others[i];
        return "cls" in t ? classLabel(t.ext.endpoint.key, t.cls) : t.pod.ep.key;
      };
      // One path per pair of address classes (a pod is one): the pair reaches where one does.
      return otherIndex.get(from.id)!.flatMap((fi) =>
        otherIndex.get(to.id)!.map((ti) => {
          const steps: (() => Stage)[] = [];
          if (a) steps.push(() => stage(a, "egress", ti, to.key));
          if (b) steps.push(() => stage(b, "ingress", fi, from.key));
          return new ClassPath(way, steps, `${name(fi)} -> ${name(ti)}`);
        }),
      );
    },
  };
}

/**
 * Endpoint keys of workloads: `<namespace>/<name>`, or `<namespace>/<kind>/<name>` for each of
 * several workloads sharing a name in a namespace (a Deployment and a StatefulSet `web`), so a
 * key that named one workload before still does.
 */
function workloadKeys(workloads: readonly K8sWorkload[]): (w: K8sWorkload) => string {
  const count = new Map<string, number>();
  for (const w of workloads) count.set(`${w.namespace}/${w.name}`, (count.get(`${w.namespace}/${w.name}`) ?? 0) + 1);
  return (w) => (count.get(`${w.namespace}/${w.name}`)! > 1 ? `${w.namespace}/${w.kind ?? "intent"}/${w.name}` : `${w.namespace}/${w.name}`);
}
