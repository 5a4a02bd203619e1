/**
 * The Kubernetes planner in Cilium mode: flows as CiliumNetworkPolicies written in Cilium's terms
 * (endpointSelector, fromEndpoints / toEndpoints with the namespace label, fromEntities world,
 * toCIDRSet with the private ranges cut out, toPorts), the zone's isolation left to the same
 * NetworkPolicies as without Cilium, and plans without Cilium unchanged byte for byte.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import path from "node:path";
import fc from "fast-check";
import { loadIntentFile, parseIntent } from "../../../../core/intent";
import { intentFlowTuples } from "../../../../core/rules";
import { planK8s, k8sPlanObjects, k8sFlowTuples, type K8sOptions } from "../../../../core/rules/k8s";
import { k8sIntents } from "./random-intents";

const ROOT = path.resolve(__dirname, "../../../..");
const shop = () => loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml"));
const microservices = () => loadIntentFile(path.join(ROOT, "examples/k8s-microservices/intent.yaml"));
const digest = (x: unknown) => createHash("sha256").update(JSON.stringify(x)).digest("hex").slice(0, 16);
const cnp = (plan: ReturnType<typeof planK8s>, ns: string, name: string) => {
  const p = plan.ciliumNetworkPolicies.find((x) => x.metadata.namespace === ns && x.metadata.name === name);
  assert.ok(p, `no CiliumNetworkPolicy ${ns}/${name}; planned: ${plan.ciliumNetworkPolicies.map((x) => `${x.metadata.namespace}/${x.metadata.name}`).join(", ")}`);
  return JSON.parse(JSON.stringify(p));
};
const tcp = (port: number) => ({ toPorts: [{ ports: [{ port: String(port), protocol: "TCP" }] }] });

describe("k8s planner, Cilium mode", () => {
  it("leaves plans without Cilium byte for byte as they were (golden digests, taken before Cilium flows existed)", () => {
    const cases: [string, () => ReturnType<typeof shop>, K8sOptions | undefined, string][] = [
      ["shop", shop, undefined, "39b83aefd448f9d0"],
      ["microservices", microservices, undefined, "c0e44744728dd1d6"],
      ["microservices with istio", microservices, { istio: true }, "b1bcb3ac749ae6a3"],
    ];
    for (const [name, intent, options, expected] of cases) assert.equal(digest(k8sPlanObjects(planK8s(intent(), options))), expected, name);
  });

  it("writes each flow target's rules as a CiliumNetworkPolicy and keeps the zone's isolation as NetworkPolicies", () => {
    const plain = planK8s(shop());
    const plan = planK8s(shop(), { cilium: true });
    assert.deepEqual(plan.ciliumNetworkPolicies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`), ["app/zone-app-fqdn", "app/zone-app-policy", "data/zone-data-policy", "edge/zone-edge-policy"]);
    assert.deepEqual(JSON.stringify(plan.networkPolicies), JSON.stringify(plain.networkPolicies.filter((p) => p.metadata.labels["netseg.dev/role"] !== "flows" && p.metadata.name !== "netseg-egress-proxy-policy")));
    assert.deepEqual(plan.networkPolicies.map((p) => p.metadata.name).sort(), ["allow-dns", "allow-dns", "allow-dns", "default-deny-all", "default-deny-all", "default-deny-all"]);
    const app = cnp(plan, "app", "zone-app-policy");
    assert.equal(app.metadata.labels["netseg.dev/role"], "flows");
    assert.deepEqual(app.spec, {
      description: "netseg flows of app",
      endpointSelector: {},
      ingress: [
        { fromEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": "edge" } }], ...tcp(8080) },
        { fromCIDRSet: [{ cidr: "203.0.113.0/24" }], ...tcp(8443) },
      ],
      egress: [{ toEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": "data" } }], toPorts: [{ ports: [{ port: "5432", protocol: "TCP" }, { port: "6379", protocol: "TCP" }] }] }],
    });
    assert.ok(!JSON.stringify(app).includes("egress-proxy"), "the allow-list goes to the fqdn policy, not through the proxy");
    // The internet inbound is the entity world; a section without rules is not written.
    assert.deepEqual(cnp(plan, "data", "zone-data-policy").spec.egress, undefined);
    assert.deepEqual(cnp(plan, "edge", "zone-edge-policy").spec.ingress, [{ fromEntities: ["world"], toPorts: [{ ports: [{ port: "80", protocol: "TCP" }, { port: "443", protocol: "TCP" }] }] }]);
  });

  it("selects workloads by their pod labels and peers by namespace and k8s: labels; the internet outbound without the private ranges", () => {
    const plan = planK8s(microservices(), { cilium: { multiLevelWildcards: false } });
    const frontend = cnp(plan, "microservices", "frontend-policy");
    assert.deepEqual(frontend.spec.endpointSelector, { matchLabels: { app: "frontend" } });
    assert.deepEqual(frontend.spec.ingress, [{ fromEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": "ingress-nginx", "k8s:app": "nginx-ingress" } }], ...tcp(8080) }]);
    const api = cnp(plan, "microservices", "backend-api-policy");
    assert.deepEqual(api.spec.egress[0], { toCIDRSet: [{ cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] }], ...tcp(443) });
    const withMetadata = planK8s(microservices(), { cilium: true, internetExcept: ["169.254.0.0/16"] });
    assert.deepEqual(cnp(withMetadata, "microservices", "backend-api-policy").spec.egress[0].toCIDRSet[0].except, ["10.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"]);
  });

  it("writes ports as Cilium does: ranges with endPort, a whole range as port 0, an `all` flow without toPorts", () => {
    const intent = parseIntent({
      name: "ports",
      addressSpace: "10.1.0.0/16",
      zones: [{ name: "a" }, { name: "b" }],
      flows: [
        { from: "a", to: "b", ports: ["tcp/8000-8100", "udp"] },
        { from: "b", to: "a", ports: ["all"] },
      ],
    });
    const plan = planK8s(intent, { cilium: true });
    assert.deepEqual(cnp(plan, "b", "zone-b-policy").spec.ingress[0].toPorts, [
      { ports: [{ port: "8000", endPort: 8100, protocol: "TCP" }, { port: "0", protocol: "UDP" }] },
    ]);
    assert.deepEqual(cnp(plan, "a", "zone-a-policy").spec.ingress, [{ fromEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": "b" } }] }]);
  });

  it("keeps names stable: the flow policy of a target has the NetworkPolicy's name, a kind of its own", () => {
    const plain = planK8s(microservices());
    const plan = planK8s(microservices(), { cilium: true });
    assert.deepEqual(
      plan.ciliumNetworkPolicies.map((p) => p.metadata.name),
      plain.networkPolicies.filter((p) => p.metadata.labels["netseg.dev/role"] === "flows").map((p) => p.metadata.name),
    );
  });

  it("reads back as the intent's flows, like the NetworkPolicy plan, for any intent (property)", () => {
    const intents = k8sIntents({ maxZones: 4, maxWorkloads: 3, maxFlows: 8 });
    fc.assert(
      fc.property(intents, (input) => {
        const intent = parseIntent(input);
        const plan = planK8s(intent, { cilium: true });
        assert.ok(plan.networkPolicies.every((p) => p.metadata.labels["netseg.dev/role"] !== "flows"));
        assert.deepEqual(k8sFlowTuples(plan, intent), k8sFlowTuples(planK8s(intent), intent));
      }),
      { numRuns: 150 },
    );
    for (const intent of [shop(), microservices()]) assert.deepEqual(k8sFlowTuples(planK8s(intent, { cilium: true }), intent), intentFlowTuples(intent));
  });
});
