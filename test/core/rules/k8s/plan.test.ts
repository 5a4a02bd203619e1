/**
 * The Kubernetes planner on the shared shop intent (zone-wide flows, the internet, a peer, an
 * egress allow-list) and on variations: namespaces and their labels, the invariants every
 * planned policy keeps, the egress proxy, Cilium FQDN policies, stable names and byte-identical
 * output whatever the declaration order.
 */
import assert from "node:assert/strict";
import path from "node:path";
import fc from "fast-check";
import { loadIntentFile, parseIntent, type IntentInput } from "../../../../core/intent";
import { intentFlowTuples } from "../../../../core/rules";
import { planK8s, k8sPlanObjects, k8sFlowTuples, type K8sPlan, type K8sNetworkPolicy as NetworkPolicy } from "../../../../core/rules/k8s";

const ROOT = path.resolve(__dirname, "../../../..");
const shop = () => loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml"));
const microservices = () => loadIntentFile(path.join(ROOT, "examples/k8s-microservices/intent.yaml"));

function policy(plan: K8sPlan, ns: string, name: string): NetworkPolicy {
  const p = plan.networkPolicies.find((x) => x.metadata.namespace === ns && x.metadata.name === name);
  assert.ok(p, `no NetworkPolicy ${ns}/${name}; planned: ${plan.networkPolicies.map((x) => `${x.metadata.namespace}/${x.metadata.name}`).join(", ")}`);
  return JSON.parse(JSON.stringify(p));
}

const nsSel = (ns: string) => ({ matchLabels: { "kubernetes.io/metadata.name": ns } });

describe("k8s planner", () => {
  describe("namespaces", () => {
    it("one per managed zone, with the zone marks and Pod Security restricted by default", () => {
      const plan = planK8s(shop());
      assert.deepEqual(plan.namespaces.map((n) => n.metadata.name), ["app", "data", "edge"]);
      assert.deepEqual(plan.namespaces.find((n) => n.metadata.name === "data")!.metadata.labels, {
        "app.kubernetes.io/managed-by": "netseg",
        "netseg.dev/egress": "none",
        "netseg.dev/intent": "shop",
        "netseg.dev/internet": "none",
        "netseg.dev/sensitive": "true",
        "netseg.dev/zone": "data",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
      });
    });

    it("takes the Pod Security level and version from the options, per zone where given, and marks Istio injection", () => {
      const plan = planK8s(shop(), { podSecurity: { level: "baseline", version: "v1.30", zones: { data: "restricted" } } });
      const labels = (ns: string) => plan.namespaces.find((n) => n.metadata.name === ns)!.metadata.labels;
      assert.equal(labels("app")["pod-security.kubernetes.io/enforce"], "baseline");
      assert.equal(labels("app")["pod-security.kubernetes.io/enforce-version"], "v1.30");
      assert.equal(labels("data")["pod-security.kubernetes.io/enforce"], "restricted");
      assert.equal(labels("app")["istio-injection"], undefined);
      assert.equal(planK8s(microservices(), { istio: true }).namespaces[0].metadata.labels["istio-injection"], "enabled");
    });
  });

  describe("policies", () => {
    it("every namespace gets a default deny both ways and DNS to kube-dns over UDP and TCP", () => {
      const plan = planK8s(shop());
      for (const ns of ["app", "data", "edge"]) {
        assert.deepEqual(policy(plan, ns, "default-deny-all").spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        assert.deepEqual(policy(plan, ns, "allow-dns").spec.egress![0].ports, [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
      }
    });

    it("a zone-wide target is one policy selecting every pod, with ingress from the internet as 0.0.0.0/0 and from a peer by its CIDRs", () => {
      const edge = policy(planK8s(shop()), "edge", "zone-edge-policy");
      assert.deepEqual(edge.spec.podSelector, {});
      assert.deepEqual(edge.spec.ingress, [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 80 }, { protocol: "TCP", port: 443 }] }]);
      assert.deepEqual(edge.spec.egress, [{ to: [{ namespaceSelector: nsSel("app") }], ports: [{ protocol: "TCP", port: 8080 }] }]);
      const app = policy(planK8s(shop()), "app", "zone-app-policy");
      assert.deepEqual(app.spec.ingress, [
        { from: [{ namespaceSelector: nsSel("edge") }], ports: [{ protocol: "TCP", port: 8080 }] },
        { from: [{ ipBlock: { cidr: "203.0.113.0/24" } }], ports: [{ protocol: "TCP", port: 8443 }] },
      ]);
    });

    it("sends an egress allow-list to the egress proxy's pods, on the proxy port, configurable", () => {
      const app = policy(planK8s(shop()), "app", "zone-app-policy");
      assert.deepEqual(app.spec.egress, [
        { to: [{ namespaceSelector: nsSel("data") }], ports: [{ protocol: "TCP", port: 5432 }, { protocol: "TCP", port: 6379 }] },
        { to: [{ namespaceSelector: nsSel("egress-proxy"), podSelector: { matchLabels: { app: "egress-proxy" } } }], ports: [{ protocol: "TCP", port: 3128 }] },
      ]);
      const custom = policy(planK8s(shop(), { egressProxy: { namespace: "proxy", podLabels: { "app.kubernetes.io/name": "squid" }, port: 8888 } }), "app", "zone-app-policy");
      assert.deepEqual(custom.spec.egress![1], { to: [{ namespaceSelector: nsSel("proxy"), podSelector: { matchLabels: { "app.kubernetes.io/name": "squid" } } }], ports: [{ protocol: "TCP", port: 8888 }] });
    });

    it("opens the egress proxy itself when it runs in a zone netseg manages", () => {
      const input = loadShopInput();
      input.zones.push({ name: "egress-proxy", egress: "nat", workloads: [{ name: "squid", labels: { app: "egress-proxy" } }] });
      const p = policy(planK8s(parseIntent(input)), "egress-proxy", "netseg-egress-proxy-policy");
      assert.deepEqual(p.spec, {
        podSelector: { matchLabels: { app: "egress-proxy" } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ namespaceSelector: nsSel("app") }], ports: [{ protocol: "TCP", port: 3128 }] }],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }], ports: [{ protocol: "TCP", port: 443 }] }],
      });
    });

    it("keeps more ranges out of the internet when asked (cloud metadata, a non-RFC 1918 pod range), sorted, and refuses a bad one", () => {
      const backend = policy(planK8s(microservices(), { internetExcept: ["169.254.0.0/16", "100.64.0.0/10"] }), "microservices", "backend-api-policy");
      const internet = backend.spec.egress!.find((r) => r.to[0].ipBlock)!;
      assert.deepEqual(internet.to[0].ipBlock!.except, ["10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"]);
      assert.throws(() => planK8s(microservices(), { internetExcept: ["169.254.0.1/16"] }), /options\.internetExcept\[0\]/);
    });

    it("writes ranges with endPort, whole protocols without a port, and `all` without ports", () => {
      const input = loadShopInput();
      input.flows.push({ from: "app", to: "edge", ports: ["tcp/8000-8100", "udp"] }, { from: "data", to: "app", ports: ["all"] });
      const plan = planK8s(parseIntent(input));
      const edgeIn = policy(plan, "edge", "zone-edge-policy").spec.ingress!.find((r) => r.from[0].namespaceSelector);
      assert.deepEqual(edgeIn!.ports, [{ protocol: "TCP", port: 8000, endPort: 8100 }, { protocol: "UDP" }]);
      const all = policy(plan, "app", "zone-app-policy").spec.ingress!.find((r) => r.from[0].namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "data");
      assert.deepEqual(all, { from: [{ namespaceSelector: nsSel("data") }] });
    });

    it("keeps the invariants of a safe policy in every plan: explicit types, a protocol on every port, one kind of peer, unforgeable namespace labels, no open internet egress", () => {
      for (const plan of [planK8s(shop()), planK8s(microservices(), { istio: true }), planK8s(shop(), { cilium: true })]) {
        for (const p of plan.networkPolicies) {
          const where = `${p.metadata.namespace}/${p.metadata.name}`;
          assert.ok(p.spec.policyTypes.length > 0, `${where}: policyTypes`);
          for (const r of [...(p.spec.ingress ?? []).map((x) => ({ peers: x.from, ports: x.ports, dir: "in" })), ...(p.spec.egress ?? []).map((x) => ({ peers: x.to, ports: x.ports, dir: "out" }))]) {
            for (const port of r.ports ?? []) assert.ok(port.protocol === "TCP" || port.protocol === "UDP", `${where}: a port without protocol`);
            for (const peer of r.peers) {
              assert.ok(!(peer.ipBlock && (peer.namespaceSelector || peer.podSelector)), `${where}: mixed peer`);
              if (peer.podSelector) assert.ok(peer.namespaceSelector, `${where}: a pod selector without its namespace`);
              if (peer.namespaceSelector) assert.deepEqual(Object.keys(peer.namespaceSelector.matchLabels!), ["kubernetes.io/metadata.name"], where);
              if (r.dir === "out" && peer.ipBlock?.cidr === "0.0.0.0/0") assert.deepEqual(peer.ipBlock.except, ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], where);
            }
          }
        }
      }
    });
  });

  describe("cilium", () => {
    it("turns the allow-list into toFQDNs rules with the DNS visibility rule, instead of the proxy", () => {
      const plan = planK8s(shop(), { cilium: true });
      assert.equal(plan.ciliumNetworkPolicies.filter((p) => p.metadata.name.endsWith("-fqdn")).length, 1);
      const cnp = JSON.parse(JSON.stringify(plan.ciliumNetworkPolicies.find((p) => p.metadata.name === "zone-app-fqdn")));
      assert.equal(cnp.metadata.name, "zone-app-fqdn");
      assert.equal(cnp.metadata.namespace, "app");
      assert.deepEqual(cnp.spec.endpointSelector, {});
      assert.deepEqual(cnp.spec.egress, [
        {
          toEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": "kube-system", "k8s:k8s-app": "kube-dns" } }],
          toPorts: [{ ports: [{ port: "53", protocol: "UDP" }, { port: "53", protocol: "TCP" }], rules: { dns: [{ matchPattern: "*" }] } }],
        },
        { toFQDNs: [{ matchPattern: "*.amazonaws.com" }, { matchName: "api.stripe.com" }], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] },
      ]);
      // In Cilium mode the app's flows are a CiliumNetworkPolicy (test/core/rules/k8s/cilium.test.ts), with no proxy rule.
      const app = plan.ciliumNetworkPolicies.find((p) => p.metadata.name === "zone-app-policy")!;
      assert.ok(!JSON.stringify(app).includes("egress-proxy"), "no proxy rule when Cilium enforces the list");
    });

    it("selects the workload an allow-list names, and writes multi-level wildcards when asked", () => {
      const intent = parseIntent({
        name: "wl",
        addressSpace: "10.1.0.0/16",
        zones: [{ name: "apps", egress: "proxy", workloads: [{ name: "billing", labels: { "app.kubernetes.io/name": "billing" } }] }],
        egress: [{ from: "apps/billing", allow: ["*.stripe.com:443", "hooks.example.com:8443"] }],
      });
      const cnp = JSON.parse(JSON.stringify(planK8s(intent, { cilium: { multiLevelWildcards: true } }).ciliumNetworkPolicies[0]));
      assert.equal(cnp.metadata.name, "billing-fqdn");
      assert.deepEqual(cnp.spec.endpointSelector, { matchLabels: { "app.kubernetes.io/name": "billing" } });
      assert.deepEqual(cnp.spec.egress.slice(1), [
        { toFQDNs: [{ matchPattern: "**.stripe.com" }], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] },
        { toFQDNs: [{ matchName: "hooks.example.com" }], toPorts: [{ ports: [{ port: "8443", protocol: "TCP" }] }] },
      ]);
    });
  });

  describe("flows read back", () => {
    it("the policies allow exactly the intent's flow tuples (shop and microservices)", () => {
      for (const intent of [shop(), microservices()]) assert.deepEqual(k8sFlowTuples(planK8s(intent), intent), intentFlowTuples(intent));
    });

    it("a flow missing on either side of a zone-to-zone pair is not allowed", () => {
      const intent = microservices();
      const plan = planK8s(intent);
      const cut = (name: string, side: "ingress" | "egress"): K8sPlan => ({
        ...plan,
        networkPolicies: plan.networkPolicies.map((p) => (p.metadata.name === name ? { ...p, spec: { ...p.spec, [side]: [] } } : p)),
      });
      const without = (t: ReturnType<typeof intentFlowTuples>, from: string, to: string) => t.filter((x) => !(x.from === from && x.to === to));
      assert.deepEqual(k8sFlowTuples(cut("postgres-policy", "ingress"), intent), without(intentFlowTuples(intent), "microservices/backend-api", "microservices/postgres"));
      assert.deepEqual(k8sFlowTuples(cut("frontend-policy", "egress"), intent), without(intentFlowTuples(intent), "microservices/frontend", "microservices/backend-api"));
    });
  });

  describe("stable output", () => {
    it("names objects from zone and workload names only, and gives the same bytes whatever the declaration order (property)", () => {
      const input = loadShopInput();
      input.zones[1].workloads = [{ name: "orders" }, { name: "payments", labels: { tier: "pay" } }];
      input.flows.push({ from: "app/orders", to: "app/payments", ports: ["tcp/9000"] });
      const reference = JSON.stringify(k8sPlanObjects(planK8s(parseIntent(input), { cilium: true })));
      fc.assert(
        fc.property(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), (keys) => {
          const shuffle = <T>(xs: T[]) => xs.map((x, i) => ({ x, k: keys[i % keys.length] * 31 + i })).sort((a, b) => a.k - b.k).map((e) => e.x);
          const permuted = { ...input, zones: shuffle([...input.zones]), flows: shuffle([...input.flows]), egress: shuffle([...(input.egress ?? [])]) };
          assert.equal(JSON.stringify(k8sPlanObjects(planK8s(parseIntent(permuted), { cilium: true }))), reference);
        }),
        { numRuns: 40 },
      );
    });
  });
});

function loadShopInput(): IntentInput & { zones: any[]; flows: any[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require("yaml") as typeof import("yaml");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const text = (require("node:fs") as typeof import("node:fs")).readFileSync(path.join(ROOT, "examples/intents/shop.yaml"), "utf8");
  return parse(text);
}
