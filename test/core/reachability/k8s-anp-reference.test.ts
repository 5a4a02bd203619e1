/**
 * AdminNetworkPolicy + NetworkPolicy + BaselineAdminNetworkPolicy against a small independent
 * evaluator, on random small clusters: for every pair of workloads and a few probe ports, the
 * reference decides one packet at a time, straight from the API's words (ANPs by priority, rules in
 * order, first match; Pass to NetworkPolicies; isolated pods decided by NetworkPolicies alone;
 * otherwise the baseline's rules in order; otherwise allowed). ANPs of one priority are tried in
 * every order, each direction on its own: the engine's certain answer must be what every order
 * allows, its possible answer what some order allows.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, k8sObjectsToResources } from "../../../core/reachability";

type Labels = Record<string, string>;
type Sel = { matchLabels?: Labels };
interface Workload {
  ns: string;
  name: string;
  labels: Labels;
  port: { protocol: "TCP" | "UDP"; port: number };
}
interface Cluster {
  namespaces: { name: string; labels: Labels }[];
  workloads: Workload[];
  anps: any[];
  banp?: any;
  nps: any[];
}

const PROBES: { protocol: "tcp" | "udp"; port: number }[] = [
  { protocol: "tcp", port: 80 },
  { protocol: "tcp", port: 81 },
  { protocol: "tcp", port: 82 },
  { protocol: "udp", port: 80 },
];

const selects = (sel: Sel | undefined, labels: Labels) => Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

// --- generators -------------------------------------------------------------------------
const tSel = fc.oneof(fc.constant({}), fc.constantFrom("x", "y").map((t) => ({ matchLabels: { t } })));
const appSel = fc.oneof(fc.constant({}), fc.constantFrom("a", "b").map((app) => ({ matchLabels: { app } })));
const adminPeer = fc.oneof(
  tSel.map((s) => ({ namespaces: s })),
  fc.record({ namespaceSelector: tSel, podSelector: appSel }).map((pods) => ({ pods })),
);
const adminPorts = fc.constantFrom<any>(
  undefined,
  [{ portNumber: { protocol: "TCP", port: 80 } }],
  [{ portNumber: { protocol: "UDP", port: 80 } }],
  [{ portRange: { protocol: "TCP", start: 80, end: 81 } }],
  [{ namedPort: "p" }],
  [{ namedPort: "p" }, { portNumber: { protocol: "TCP", port: 82 } }],
);
const adminRule = (actions: string[]) => fc.record({ action: fc.constantFrom(...actions), peers: fc.array(adminPeer, { minLength: 1, maxLength: 2 }), ports: adminPorts });
const subject = fc.oneof(
  tSel.map((s) => ({ namespaces: s })),
  fc.record({ namespaceSelector: tSel, podSelector: appSel }).map((pods) => ({ pods })),
);
const adminPolicy = (actions: string[]) => fc.record({ subject, ingress: fc.array(adminRule(actions), { maxLength: 2 }), egress: fc.array(adminRule(actions), { maxLength: 2 }) });
const npPeer = fc.oneof(tSel.map((s) => ({ namespaceSelector: s })), appSel.map((s) => ({ podSelector: s })));
const npPorts = fc.constantFrom<any>(undefined, [{ port: 80 }], [{ port: "p" }], [{ protocol: "UDP", port: 80 }]);
const npRule = fc.record({ peers: fc.array(npPeer, { minLength: 1, maxLength: 2 }), ports: npPorts });
const networkPolicy = fc.record({
  ns: fc.constantFrom("n0", "n1", "n2"),
  podSelector: appSel,
  types: fc.constantFrom(["Ingress"], ["Egress"], ["Ingress", "Egress"]),
  ingress: fc.array(npRule, { maxLength: 1 }),
  egress: fc.array(npRule, { maxLength: 1 }),
});

const clusterArb: fc.Arbitrary<Cluster> = fc
  .record({
    nsLabels: fc.tuple(fc.constantFrom("x", "y"), fc.constantFrom("x", "y"), fc.constantFrom("x", "y")),
    workloads: fc.array(fc.record({ ns: fc.constantFrom("n0", "n1", "n2"), app: fc.constantFrom("a", "b"), protocol: fc.constantFrom<"TCP" | "UDP">("TCP", "TCP", "UDP"), port: fc.constantFrom(80, 81) }), { minLength: 2, maxLength: 4 }),
    anps: fc.array(fc.record({ priority: fc.integer({ min: 1, max: 3 }), spec: adminPolicy(["Allow", "Deny", "Pass"]) }), { maxLength: 3 }),
    banp: fc.option(adminPolicy(["Allow", "Deny"]), { nil: undefined }),
    nps: fc.array(networkPolicy, { maxLength: 2 }),
  })
  .map((r) => ({
    namespaces: r.nsLabels.map((t, i) => ({ name: `n${i}`, labels: { t } })),
    workloads: r.workloads.map((w, i) => ({ ns: w.ns, name: `w${i}`, labels: { app: w.app }, port: { protocol: w.protocol, port: w.port } })),
    anps: r.anps.map((a, i) => ({ name: `anp${i}`, priority: a.priority, ...a.spec })),
    banp: r.banp,
    nps: r.nps.map((p, i) => ({ name: `np${i}`, ...p })),
  }));

// --- the cluster as manifests ----------------------------------------------------------
function manifests(c: Cluster): any[] {
  const admin = (dir: "ingress" | "egress", rules: any[]) => rules.map((r, i) => ({ name: `${dir}-${i}`, action: r.action, [dir === "ingress" ? "from" : "to"]: r.peers, ...(r.ports ? { ports: r.ports } : {}) }));
  const np = (dir: "ingress" | "egress", rules: any[]) => rules.map((r) => ({ [dir === "ingress" ? "from" : "to"]: r.peers, ...(r.ports ? { ports: r.ports } : {}) }));
  return [
    ...c.namespaces.map((n) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: n.name, labels: n.labels } })),
    ...c.workloads.map((w) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: w.name, namespace: w.ns },
      spec: { template: { metadata: { labels: w.labels }, spec: { containers: [{ name: "c", ports: [{ name: "p", containerPort: w.port.port, protocol: w.port.protocol }] }] } } },
    })),
    ...c.anps.map((a) => ({ apiVersion: "policy.networking.k8s.io/v1alpha1", kind: "AdminNetworkPolicy", metadata: { name: a.name }, spec: { priority: a.priority, subject: a.subject, ingress: admin("ingress", a.ingress), egress: admin("egress", a.egress) } })),
    ...(c.banp ? [{ apiVersion: "policy.networking.k8s.io/v1alpha1", kind: "BaselineAdminNetworkPolicy", metadata: { name: "default" }, spec: { subject: c.banp.subject, ingress: admin("ingress", c.banp.ingress), egress: admin("egress", c.banp.egress) } }] : []),
    ...c.nps.map((p) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: p.name, namespace: p.ns }, spec: { podSelector: p.podSelector, policyTypes: p.types, ingress: np("ingress", p.ingress), egress: np("egress", p.egress) } })),
  ];
}

// --- the reference: one packet at a time ---------------------------------------------------
interface Packet {
  protocol: "tcp" | "udp";
  port: number;
}

function reference(c: Cluster) {
  const nsLabels = (ns: string) => ({ ...c.namespaces.find((n) => n.name === ns)!.labels, "kubernetes.io/metadata.name": ns });
  const inSubject = (s: any, w: Workload) => (s.namespaces ? selects(s.namespaces, nsLabels(w.ns)) : selects(s.pods.namespaceSelector, nsLabels(w.ns)) && selects(s.pods.podSelector, w.labels));
  const adminPeerHolds = (p: any, w: Workload) => (p.namespaces ? selects(p.namespaces, nsLabels(w.ns)) : selects(p.pods.namespaceSelector, nsLabels(w.ns)) && selects(p.pods.podSelector, w.labels));
  // Named ports are the destination's, in both directions.
  const adminPortHolds = (ports: any[] | undefined, dst: Workload, k: Packet) =>
    !ports ||
    ports.some((q) =>
      q.portNumber
        ? q.portNumber.protocol.toLowerCase() === k.protocol && q.portNumber.port === k.port
        : q.portRange
          ? q.portRange.protocol.toLowerCase() === k.protocol && k.port >= q.portRange.start && k.port <= q.portRange.end
          : q.namedPort === "p" && dst.port.protocol.toLowerCase() === k.protocol && dst.port.port === k.port,
    );
  const npPortHolds = (ports: any[] | undefined, dst: Workload, k: Packet) =>
    !ports || ports.some((q) => (q.protocol ?? "TCP").toLowerCase() === k.protocol && (typeof q.port === "number" ? q.port === k.port : dst.port.port === k.port && dst.port.protocol.toLowerCase() === k.protocol));
  const npPeerHolds = (p: any, policyNs: string, w: Workload) => (p.namespaceSelector ? selects(p.namespaceSelector, nsLabels(w.ns)) : w.ns === policyNs && selects(p.podSelector, w.labels));

  /** The verdict of `pod`'s `dir` on traffic with `other`, ANPs checked in `order`. */
  function verdict(order: any[], pod: Workload, other: Workload, dir: "ingress" | "egress", k: Packet): boolean {
    const dst = dir === "ingress" ? pod : other;
    let passed = false;
    for (const a of order) {
      if (passed || !inSubject(a.subject, pod)) continue;
      for (const r of a[dir]) {
        if (!r.peers.some((p: any) => adminPeerHolds(p, other)) || !adminPortHolds(r.ports, dst, k)) continue;
        if (r.action === "Allow") return true;
        if (r.action === "Deny") return false;
        passed = true;
        break;
      }
    }
    const isolating = c.nps.filter((p) => p.ns === pod.ns && p.types.includes(dir === "ingress" ? "Ingress" : "Egress") && selects(p.podSelector, pod.labels));
    if (isolating.length) return isolating.some((p) => p[dir].some((r: any) => r.peers.some((q: any) => npPeerHolds(q, p.ns, other)) && npPortHolds(r.ports, dst, k)));
    if (c.banp && inSubject(c.banp.subject, pod)) {
      for (const r of c.banp[dir]) if (r.peers.some((p: any) => adminPeerHolds(p, other)) && adminPortHolds(r.ports, dst, k)) return r.action === "Allow";
    }
    return true;
  }

  const orders = allOrders(c.anps);
  return (src: Workload, dst: Workload, k: Packet) => {
    const out = orders.map((o) => verdict(o, src, dst, "egress", k));
    const inn = orders.map((o) => verdict(o, dst, src, "ingress", k));
    return { certain: out.every(Boolean) && inn.every(Boolean), possible: out.some(Boolean) && inn.some(Boolean) };
  };
}

/** Every order the API allows: by priority, ties in any order. */
function allOrders(anps: any[]): any[][] {
  const priorities = [...new Set(anps.map((a) => a.priority))].sort((a, b) => a - b);
  let out: any[][] = [[]];
  for (const p of priorities) {
    const tier = anps.filter((a) => a.priority === p);
    out = out.flatMap((prefix) => permute(tier).map((perm) => [...prefix, ...perm]));
  }
  return out;
}

function permute<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permute([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe("reachability / Kubernetes AdminNetworkPolicy, NetworkPolicy and baseline against a per-packet reference", () => {
  it("random small clusters: certain and possible answers equal the reference's over every allowed order", function () {
    this.timeout(300_000);
    fc.assert(
      fc.property(clusterArb, (c) => {
        const m = analyseReachability(k8sObjectsToResources(manifests(c)));
        const ref = reference(c);
        for (const src of c.workloads) {
          for (const dst of c.workloads) {
            if (src === dst) continue;
            const pair = m.pair(`${src.ns}/${src.name}`, `${dst.ns}/${dst.name}`)!;
            for (const k of PROBES) {
              const t = TrafficSet.of(k.protocol, k.port, k.port);
              const want = ref(src, dst, k);
              const where = `${src.ns}/${src.name} -> ${dst.ns}/${dst.name} ${k.protocol}/${k.port}`;
              assert.equal(pair.allowed.covers(t), want.certain, `certain ${where}`);
              assert.equal(pair.possible.covers(t), want.possible, `possible ${where}`);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("unknowns at preview (an ANP's priority, a rule's action, a rule's peers): certain only what every value allows, possible what some value allows", function () {
    this.timeout(300_000);
    const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
    const withRule = fc.record({ c: clusterArb, which: fc.constantFrom("priority", "action", "peers"), pick: fc.nat() });
    fc.assert(
      fc.property(withRule, ({ c, which, pick }) => {
        if (!c.anps.length) return;
        const a = c.anps[pick % c.anps.length];
        const rules = [...a.ingress.map((r: any) => ["ingress", r]), ...a.egress.map((r: any) => ["egress", r])];
        if (which !== "priority" && !rules.length) return;
        const [dir, rule] = rules[pick % Math.max(rules.length, 1)] ?? [];
        // The cluster as the preview sees it, and every value the unknown may take.
        const set = (v: any) => ({ ...c, anps: c.anps.map((x) => (x !== a ? x : which === "priority" ? { ...x, priority: v } : { ...x, [dir]: x[dir].map((r: any) => (r !== rule ? r : { ...r, [which]: v })) })) });
        const values: any[] = which === "priority" ? [0, 1, 2, 3, 4] : which === "action" ? ["Allow", "Deny", "Pass"] : [[{ namespaces: {} }], [{ namespaces: { matchLabels: { t: "nobody" } } }], ...c.namespaces.map((n) => [{ namespaces: { matchLabels: { "kubernetes.io/metadata.name": n.name } } }]), ...c.workloads.map((w) => [{ pods: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": w.ns } }, podSelector: { matchLabels: w.labels } } }])];
        const m = analyseReachability(k8sObjectsToResources(manifests(set(which === "priority" ? UNKNOWN_NUMBER : which === "action" ? UNKNOWN_STRING : UNKNOWN_STRING))));
        const refs = values.map((v) => reference(set(v)));
        for (const src of c.workloads) {
          for (const dst of c.workloads) {
            if (src === dst) continue;
            const pair = m.pair(`${src.ns}/${src.name}`, `${dst.ns}/${dst.name}`)!;
            for (const k of PROBES) {
              const t = TrafficSet.of(k.protocol, k.port, k.port);
              const answers = refs.map((r) => r(src, dst, k));
              const where = `${which} ${src.ns}/${src.name} -> ${dst.ns}/${dst.name} ${k.protocol}/${k.port}`;
              if (pair.allowed.covers(t)) assert.ok(answers.every((x) => x.certain), `certain but some value denies: ${where}`);
              if (answers.some((x) => x.possible)) assert.ok(pair.possible.covers(t), `some value allows but not possible: ${where}`);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("any field of an AdminNetworkPolicy or baseline replaced by an unknown or a value of the wrong shape: no crash", function () {
    this.timeout(300_000);
    const odd = fc.constantFrom<unknown>("04da6b54-80e4-46f7-96ec-b56ff0331ba9", "3eeb2bf0-c639-47a8-9e75-3b44932eb421", null, 42, -1, "x", [], {}, [null], true);
    fc.assert(
      fc.property(clusterArb, fc.nat(), odd, (c, pick, value) => {
        // Copies: the mutation below must not reach the generated cluster (fast-check reuses it while
        // shrinking) or the shared odd values (a shared [null] put inside itself would be a cycle).
        const docs = structuredClone(manifests(c));
        const admin = docs.filter((d) => /AdminNetworkPolicy/.test(d.kind));
        if (!admin.length) return;
        // Every object or array node under the policy, one of them made odd.
        const nodes: { parent: any; key: string | number }[] = [];
        const walk = (x: any) => {
          if (!x || typeof x !== "object") return;
          for (const k of Object.keys(x)) {
            nodes.push({ parent: x, key: Array.isArray(x) ? Number(k) : k });
            walk(x[k]);
          }
        };
        const target = admin[pick % admin.length];
        walk(target.spec);
        const n = nodes[pick % nodes.length];
        n.parent[n.key] = structuredClone(value);
        const m = analyseReachability(k8sObjectsToResources(docs));
        assert.ok(m.pairs.length > 0);
      }),
      { numRuns: 300 },
    );
  });
});
