/**
 * NamespaceIsolation under the shared Pulumi mocks: the resources it registers are exactly the
 * planner's objects (typed Namespace and NetworkPolicy, CustomResources for Istio and Cilium),
 * each policy is a child of its namespace, unmanaged zones create nothing, and bad input
 * creates nothing at all.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { setupMocks, recorded, resetRecorded, settle, unwrap, resourcesOfType, countsByType } from "../../mocks";
setupMocks();
import * as k8s from "@pulumi/kubernetes";
import { NamespaceIsolation } from "../../../components/k8s";
import { IntentError, loadIntentFile, type IntentInput } from "../../../core/intent";
import { planK8s } from "../../../core/rules/k8s";
import { parse } from "yaml";
import { readFileSync } from "node:fs";

const ROOT = path.resolve(__dirname, "../../..");
const MICRO = path.join(ROOT, "examples/k8s-microservices/intent.yaml");
const SHOP = path.join(ROOT, "examples/intents/shop.yaml");

const T = {
  namespace: "kubernetes:core/v1:Namespace",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  peerAuthentication: "kubernetes:security.istio.io/v1:PeerAuthentication",
  authorizationPolicy: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
  cilium: "kubernetes:cilium.io/v2:CiliumNetworkPolicy",
};

/** Registered inputs as plain data, without the provider's bookkeeping. */
function registered(type: string): { name: string; parent?: string; apiVersion?: string; kind?: string; metadata: any; spec?: any }[] {
  return resourcesOfType(type).map((r) => ({ name: r.name, parent: r.parent, apiVersion: r.inputs.apiVersion, kind: r.inputs.kind, metadata: r.inputs.metadata, spec: r.inputs.spec }));
}

const json = (x: unknown) => JSON.parse(JSON.stringify(x));

describe("components/k8s NamespaceIsolation (mocked)", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("registers the plan of the microservices intent: one namespace, its policies under it, mTLS and AuthorizationPolicies", async () => {
    const iso = new NamespaceIsolation("ms", { intent: MICRO, istio: true });
    assert.equal(await unwrap(iso.namespaceNames.microservices), "microservices");
    await settle();
    const plan = planK8s(loadIntentFile(MICRO), { istio: true });
    assert.deepEqual(countsByType(), {
      [T.namespace]: 1,
      [T.networkPolicy]: 6,
      "kubernetes:security.istio.io/v1:AuthorizationPolicy": 5,
      [T.peerAuthentication]: 1,
      "netseg:k8s:NamespaceIsolation": 1,
    });
    const [ns] = registered(T.namespace);
    assert.equal(ns.name, "ms-microservices");
    assert.equal(ns.parent, resourcesOfType("netseg:k8s:NamespaceIsolation")[0].urn);
    assert.deepEqual(ns.metadata, json(plan.namespaces[0].metadata));
    const nsUrn = resourcesOfType(T.namespace)[0].urn;

    const policies = registered(T.networkPolicy);
    assert.deepEqual(policies.map((p) => p.name).sort(), plan.networkPolicies.map((p) => `ms-microservices-${p.metadata.name}`).sort());
    for (const planned of plan.networkPolicies) {
      const r = policies.find((p) => p.name === `ms-microservices-${planned.metadata.name}`)!;
      assert.equal(r.parent, nsUrn, `${r.name} is a child of its namespace`);
      assert.deepEqual(r.metadata, json(planned.metadata));
      assert.deepEqual(r.spec, json(planned.spec));
    }
    const authz = registered(T.authorizationPolicy).find((a) => a.metadata.name === "backend-api-authz")!;
    assert.equal(authz.name, "ms-microservices-authorizationpolicy-backend-api-authz");
    assert.equal(authz.kind, "AuthorizationPolicy");
    assert.deepEqual(authz.spec.rules[0].from, [{ source: { principals: ["cluster.local/ns/microservices/sa/frontend-sa"] } }]);
    const [pa] = registered(T.peerAuthentication);
    assert.deepEqual([pa.metadata.name, pa.metadata.namespace, pa.spec], ["default", "microservices", { mtls: { mode: "STRICT" } }]);
  });

  it("creates nothing for unmanaged zones: ingress-nginx is only a selector and a principal", async () => {
    new NamespaceIsolation("ms-unmanaged", { intent: MICRO, istio: true });
    await settle();
    const k8s = recorded().filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(k8s.length > 0);
    assert.ok(!registered(T.namespace).some((n) => n.metadata.name === "ingress-nginx"));
    assert.ok(k8s.every((r) => (r.inputs.metadata.namespace ?? r.inputs.metadata.name) === "microservices"), "every object lives in the managed namespace");
    const frontend = registered(T.networkPolicy).find((p) => p.metadata.name === "frontend-policy")!;
    assert.deepEqual(frontend.spec.ingress[0].from, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } }, podSelector: { matchLabels: { app: "nginx-ingress" } } }]);
  });

  it("in Cilium mode registers the allow-list as a CiliumNetworkPolicy with toFQDNs and no proxy rule", async () => {
    new NamespaceIsolation("shop-cilium", { intent: SHOP, cilium: true });
    await settle();
    const cnp = registered(T.cilium).find((r) => r.name.endsWith("-fqdn"))!;
    assert.equal(cnp.name, "shop-cilium-app-ciliumnetworkpolicy-zone-app-fqdn");
    assert.equal(cnp.metadata.namespace, "app");
    assert.deepEqual(cnp.spec.egress[1].toFQDNs, [{ matchPattern: "*.amazonaws.com" }, { matchName: "api.stripe.com" }]);
    assert.deepEqual(cnp.spec.egress[0].toPorts[0].rules, { dns: [{ matchPattern: "*" }] });
    // The flows are CiliumNetworkPolicies too, one per flow target, beside the allow-list's.
    assert.deepEqual(registered(T.cilium).map((r) => r.name).sort(), ["app-fqdn", "app-policy", "data-policy", "edge-policy"].map((n) => `shop-cilium-${n.split("-")[0]}-ciliumnetworkpolicy-zone-${n}`));
    assert.ok(!registered(T.networkPolicy).some((p) => p.metadata.name === "zone-app-policy"));
    const app = registered(T.cilium).find((p) => p.metadata.name === "zone-app-policy")!;
    assert.ok(!JSON.stringify(app.spec).includes("egress-proxy"));
    assert.deepEqual(registered(T.namespace).map((n) => n.metadata.name).sort(), ["app", "data", "edge"]);
    assert.equal(resourcesOfType(T.peerAuthentication).length, 0, "no mesh objects without istio");
  });

  it("takes the intent as a file path, the document, or a parsed Intent, with the same result", async () => {
    const doc = parse(readFileSync(MICRO, "utf8")) as IntentInput;
    const seen: string[] = [];
    for (const [i, intent] of [MICRO, doc, loadIntentFile(MICRO)].entries()) {
      await settle();
      resetRecorded();
      new NamespaceIsolation(`form-${i}`, { intent, istio: true });
      await settle();
      seen.push(JSON.stringify(recorded().filter((r) => r.type.startsWith("kubernetes:")).map((r) => [r.type, r.name.replace(/^form-\d+-/, ""), r.inputs]).sort()));
    }
    assert.equal(seen[1], seen[0]);
    assert.equal(seen[2], seen[0]);
  });

  it("deploys every object through the given provider", async () => {
    const provider = new k8s.Provider("k8s-isolation-cluster", { namespace: "unused" });
    const iso = new NamespaceIsolation("with-provider", { intent: MICRO, istio: true, provider });
    await settle();
    const children = [...Object.values(iso.resources.namespaces), ...Object.values(iso.resources.networkPolicies), ...Object.values(iso.resources.customResources)];
    assert.equal(children.length, 1 + 6 + 6);
    // The SDK keeps a resource's explicit provider in `__prov` (what it sends with the registration).
    for (const c of children) assert.equal((c as unknown as { __prov?: unknown }).__prov, provider);
  });

  it("validates before creating anything: bad input registers no resource, not even the component", async () => {
    const doc = parse(readFileSync(MICRO, "utf8"));
    delete doc.zones[0].workloads[0].serviceAccount;
    assert.throws(() => new NamespaceIsolation("bad-istio", { intent: doc, istio: true }), (e: unknown) => e instanceof IntentError && /zones\[0\]\.workloads\[0\]\.serviceAccount: istio is on/.test(e.message));
    assert.throws(() => new NamespaceIsolation("bad-file", { intent: path.join(ROOT, "no-such-intent.yaml") }), IntentError);
    assert.throws(() => new NamespaceIsolation("bad-option", { intent: MICRO, egressProxy: { namespace: "Not A Namespace", podLabels: { app: "p" }, port: 3128 } }), /options\.egressProxy\.namespace/);
    await settle();
    assert.deepEqual(recorded(), []);
  });
});
