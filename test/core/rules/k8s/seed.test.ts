/**
 * The microservices example against the seed design it reproduces, field by field. Where the
 * hand-written seed is right, netseg's object must equal it; where the seed is flawed (its three
 * notes: OR-ed selectors, UDP-only DNS with an OR, forgeable `name` namespace labels), netseg's
 * object must be the seed's intention, and exactly that fix.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { loadIntentFile } from "../../../../core/intent";
import { planK8s, NAMESPACE_NAME_LABEL, type K8sPlan, type K8sNetworkPolicy as NetworkPolicy } from "../../../../core/rules/k8s";

const ROOT = path.resolve(__dirname, "../../../..");
const FIXTURE = path.join(ROOT, "test/fixtures/k8s/seed-microservices-policies.yaml");
const SHARED_SEED = path.resolve(ROOT, "../shared/reference/microservices-policies.yaml");
const INTENT = path.join(ROOT, "examples/k8s-microservices/intent.yaml");

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: any };

function seedObjects(): Obj[] {
  return parseAllDocuments(readFileSync(FIXTURE, "utf8")).map((d) => d.toJS() as Obj);
}

function seed(kind: string, name: string): Obj {
  const o = seedObjects().find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `the seed has no ${kind} ${name}`);
  return o;
}

function policy(plan: K8sPlan, name: string): NetworkPolicy {
  const p = plan.networkPolicies.find((x) => x.metadata.name === name);
  assert.ok(p, `netseg planned no NetworkPolicy ${name}; it planned ${plan.networkPolicies.map((x) => x.metadata.name).join(", ")}`);
  return p;
}

/** Plain JSON (drops undefined, shared references), so deepEqual compares data only. */
function plain<T>(x: T): T {
  return JSON.parse(JSON.stringify(x));
}

/** Rules compared as a set: their order carries no meaning in a NetworkPolicy. */
function ruleSet(rules: readonly unknown[] | undefined): string[] {
  return (rules ?? []).map((r) => JSON.stringify(canonical(r))).sort();
}

function canonical(x: any): any {
  if (Array.isArray(x)) return x.map(canonical).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (x && typeof x === "object") return Object.fromEntries(Object.keys(x).sort().map((k) => [k, canonical(x[k])]));
  return x;
}

/**
 * A seed peer as its author meant it: a bare podSelector selects in the policy's own namespace
 * (spelled out, as netseg does), and the forgeable `name` label becomes the API server's
 * `kubernetes.io/metadata.name` (flaw 3).
 */
function meant(peer: any, ownNamespace: string): any {
  const ns = peer.namespaceSelector?.matchLabels?.name ?? ownNamespace;
  const out: any = { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } } };
  if (peer.podSelector) out.podSelector = peer.podSelector;
  return out;
}

/** The seed's OR-ed pair (namespace peer, pod peer) as the one AND peer it was meant to be (flaw 1). */
function andOf(peers: any[]): any {
  assert.equal(peers.length, 2, "the seed's flawed rule has two peers");
  const nsPeer = peers.find((p) => p.namespaceSelector);
  const podPeer = peers.find((p) => p.podSelector);
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: nsPeer.namespaceSelector.matchLabels.name } }, podSelector: podPeer.podSelector };
}

describe("k8s microservices example vs the seed design", () => {
  const intent = loadIntentFile(INTENT);
  const plan = planK8s(intent, { istio: true });
  const ns = "microservices";

  it("reads a copy of the seed that matches shared/ when shared/ is beside the repository", function () {
    if (!existsSync(SHARED_SEED)) this.skip();
    assert.equal(readFileSync(FIXTURE, "utf8"), readFileSync(SHARED_SEED, "utf8"));
  });

  it("default-deny-all equals the seed's", () => {
    const s = seed("NetworkPolicy", "default-deny-all");
    const n = policy(plan, "default-deny-all");
    assert.equal(n.metadata.namespace, s.metadata.namespace);
    assert.deepEqual(plain(n.spec), s.spec);
  });

  it("frontend-policy: same selector, types, ports and backend egress; the ingress peer is one AND peer on kubernetes.io/metadata.name (flaws 1 and 3 fixed)", () => {
    const s = seed("NetworkPolicy", "frontend-policy");
    const n = plain(policy(plan, "frontend-policy"));
    assert.equal(n.metadata.namespace, ns);
    assert.deepEqual(n.spec.podSelector, s.spec.podSelector);
    assert.deepEqual(n.spec.policyTypes, s.spec.policyTypes);

    // Ingress: the seed ORs two peers, admitting all of ingress-nginx and app=nginx-ingress pods of its own namespace.
    assert.equal(s.spec.ingress.length, 1);
    assert.equal(n.spec.ingress!.length, 1);
    assert.equal(n.spec.ingress![0].from.length, 1, "one peer, so the selectors are ANDed");
    assert.deepEqual(n.spec.ingress![0].from[0], andOf(s.spec.ingress[0].from));
    assert.deepEqual(n.spec.ingress![0].from[0], {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
      podSelector: { matchLabels: { app: "nginx-ingress" } },
    });
    assert.deepEqual(n.spec.ingress![0].ports, s.spec.ingress[0].ports);

    // Egress: the backend rule equals the seed's (namespace spelled out); the DNS rule moves to allow-dns, fixed.
    const [seedBackend, seedDns] = s.spec.egress;
    assert.deepEqual(seedDns.ports, [{ protocol: "UDP", port: 53 }], "the seed's DNS rule is UDP only");
    assert.deepEqual(n.spec.egress, [{ to: seedBackend.to.map((p: any) => meant(p, ns)), ports: seedBackend.ports }]);
  });

  it("allow-dns fixes the seed's DNS rule: one AND peer to kube-system/kube-dns on UDP and TCP 53 (flaws 2 and 3), for every pod", () => {
    const seedDns = seed("NetworkPolicy", "frontend-policy").spec.egress[1];
    const n = plain(policy(plan, "allow-dns"));
    assert.deepEqual(n.spec.podSelector, {}, "every pod of the namespace, not only the frontend, resolves names");
    assert.deepEqual(n.spec.policyTypes, ["Egress"]);
    assert.equal(n.spec.egress!.length, 1);
    assert.deepEqual(n.spec.egress![0].to, [andOf(seedDns.to)]);
    assert.deepEqual(n.spec.egress![0].to, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }]);
    assert.deepEqual(n.spec.egress![0].ports, [...seedDns.ports, { protocol: "TCP", port: 53 }]);
  });

  it("backend-api-policy equals the seed's: ingress from the frontend, egress to postgres, redis and 443 outside the private ranges", () => {
    const s = seed("NetworkPolicy", "backend-api-policy");
    const n = plain(policy(plan, "backend-api-policy"));
    assert.equal(n.metadata.namespace, s.metadata.namespace);
    assert.deepEqual(n.spec.podSelector, s.spec.podSelector);
    assert.deepEqual(n.spec.policyTypes, s.spec.policyTypes);
    const meantRules = (rules: any[], side: "from" | "to") => rules.map((r) => ({ ...r, [side]: r[side].map((p: any) => (p.ipBlock ? p : meant(p, ns))) }));
    assert.deepEqual(ruleSet(n.spec.ingress), ruleSet(meantRules(s.spec.ingress, "from")));
    assert.deepEqual(ruleSet(n.spec.egress), ruleSet(meantRules(s.spec.egress, "to")));
    const internet = n.spec.egress!.find((r) => r.to[0].ipBlock)!;
    assert.deepEqual(internet.to, [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }]);
    assert.deepEqual(internet.ports, [{ protocol: "TCP", port: 443 }]);
  });

  it("admits backend-api at postgres and redis, which the seed's default deny leaves unreachable", () => {
    for (const [name, port] of [["postgres-policy", 5432], ["redis-policy", 6379]] as const) {
      const n = plain(policy(plan, name));
      assert.deepEqual(n.spec.ingress, [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } }, podSelector: { matchLabels: { app: "backend-api" } } }], ports: [{ protocol: "TCP", port }] }]);
      assert.deepEqual(n.spec.egress, []);
    }
    assert.ok(!seedObjects().some((o) => o.metadata.name === "postgres-policy"), "the seed has no postgres policy");
  });

  it("PeerAuthentication STRICT equals the seed's (same apiVersion when asked for v1beta1)", () => {
    const s = seed("PeerAuthentication", "default");
    const n = planK8s(intent, { istio: { apiVersion: "security.istio.io/v1beta1" } }).peerAuthentications;
    assert.equal(n.length, 1);
    assert.deepEqual(plain({ apiVersion: n[0].apiVersion, kind: n[0].kind, name: n[0].metadata.name, namespace: n[0].metadata.namespace, spec: n[0].spec }), {
      apiVersion: s.apiVersion,
      kind: s.kind,
      name: s.metadata.name,
      namespace: s.metadata.namespace,
      spec: s.spec,
    });
    assert.equal(plan.peerAuthentications[0].apiVersion, "security.istio.io/v1", "the default is Istio's GA API");
  });

  it("backend-api-authz: the seed's selector, action, principal, methods and paths, narrowed to the flow's port", () => {
    const s = seed("AuthorizationPolicy", "backend-api-authz");
    const n = plain(plan.authorizationPolicies.find((a) => a.metadata.name === "backend-api-authz"));
    assert.ok(n);
    assert.equal(n.metadata.namespace, s.metadata.namespace);
    assert.deepEqual(n.spec.selector, s.spec.selector);
    assert.equal(n.spec.action, s.spec.action);
    assert.equal(n.spec.rules.length, s.spec.rules.length);
    assert.deepEqual(n.spec.rules[0].from, s.spec.rules[0].from);
    const op = n.spec.rules[0].to[0].operation;
    assert.deepEqual(op.methods, s.spec.rules[0].to[0].operation.methods);
    assert.deepEqual(op.paths, s.spec.rules[0].to[0].operation.paths);
    assert.deepEqual(op.ports, ["8081"]);
  });

  it("adds what the seed lacks in the mesh: an allow-nothing default and a policy for every workload a flow reaches", () => {
    assert.deepEqual(plain(plan.authorizationPolicies.map((a) => [a.metadata.name, a.metadata.namespace])), [
      ["allow-nothing", ns],
      ["backend-api-authz", ns],
      ["frontend-authz", ns],
      ["postgres-authz", ns],
      ["redis-authz", ns],
    ]);
    assert.deepEqual(plain(plan.authorizationPolicies[0].spec), {});
    const frontend = plain(plan.authorizationPolicies.find((a) => a.metadata.name === "frontend-authz")!.spec) as any;
    assert.deepEqual(frontend.rules, [{ from: [{ source: { principals: ["cluster.local/ns/ingress-nginx/sa/ingress-nginx"] } }], to: [{ operation: { ports: ["8080"] } }] }]);
  });

  it("plans objects only for the managed namespace; ingress-nginx is referenced, never created", () => {
    assert.deepEqual(plan.namespaces.map((n) => n.metadata.name), [ns]);
    const all = [...plan.networkPolicies, ...plan.peerAuthentications, ...plan.authorizationPolicies];
    assert.deepEqual([...new Set(all.map((o) => o.metadata.namespace))], [ns]);
    assert.deepEqual(plan.networkPolicies.map((p) => p.metadata.name), ["allow-dns", "backend-api-policy", "default-deny-all", "frontend-policy", "postgres-policy", "redis-policy"]);
  });
});
