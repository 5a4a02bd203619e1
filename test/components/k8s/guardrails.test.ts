/**
 * The cluster guardrails as Pulumi resources (shared mocks): NamespaceIsolation with
 * `clusterGuardrails` registers each planned AdminNetworkPolicy and the BaselineAdminNetworkPolicy
 * as a cluster-scoped CustomResource under the component, named from stable keys; without the
 * option it registers exactly what it did before. TenantNamespaces registers a namespace set per
 * tenant, and adding a tenant keeps every existing resource name.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { setupMocks, resetRecorded, settle, unwrap, resourcesOfType, countsByType, recorded } from "../../mocks";
setupMocks();
import { NamespaceIsolation, TenantNamespaces } from "../../../components/k8s";
import { loadIntentFile, parseIntent } from "../../../core/intent";
import { planK8s } from "../../../core/rules/k8s";

const ROOT = path.resolve(__dirname, "../../..");
const SHOP = path.join(ROOT, "examples/intents/shop.yaml");
const ANP = "kubernetes:policy.networking.k8s.io/v1alpha1:AdminNetworkPolicy";
const BANP = "kubernetes:policy.networking.k8s.io/v1alpha1:BaselineAdminNetworkPolicy";
const json = (x: unknown) => JSON.parse(JSON.stringify(x));

function fleet(members: string[]) {
  return parseIntent({
    name: "fleet",
    addressSpace: "10.0.0.0/16",
    zones: [{ name: "ops", slot: 0 }],
    tenants: {
      pool: "10.128.0.0/12",
      blockPrefix: 20,
      zones: [{ name: "web", slot: 0 }, { name: "data", slot: 1, sensitive: true }],
      flows: [{ from: "web", to: "data", ports: ["tcp/5432"] }],
      sharedServices: { addressSpace: "10.64.0.0/20", ports: ["tcp/443"], zones: [{ name: "services", slot: 0 }] },
      members: members.map((name, slot) => ({ name, slot })),
    },
  });
}

describe("components/k8s cluster guardrails (mocked)", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("NamespaceIsolation without the option registers no guardrail and the same resources as before", async () => {
    new NamespaceIsolation("shop", { intent: SHOP });
    await settle();
    const counts = countsByType();
    assert.equal(counts[ANP], undefined);
    assert.equal(counts[BANP], undefined);
    assert.deepEqual(counts, { "kubernetes:core/v1:Namespace": 3, "kubernetes:networking.k8s.io/v1:NetworkPolicy": 9, "netseg:k8s:NamespaceIsolation": 1 });
  });

  it("with clusterGuardrails: one CustomResource per ANP and the BANP, cluster-scoped, under the component, exactly the plan", async () => {
    const iso = new NamespaceIsolation("shop", { intent: SHOP, clusterGuardrails: true });
    await settle();
    const plan = planK8s(loadIntentFile(SHOP), { clusterGuardrails: true });
    const component = resourcesOfType("netseg:k8s:NamespaceIsolation")[0].urn;
    const anps = resourcesOfType(ANP);
    assert.deepEqual(anps.map((r) => r.name).sort(), ["shop-adminnetworkpolicy-netseg-shop-zone-app", "shop-adminnetworkpolicy-netseg-shop-zone-data", "shop-adminnetworkpolicy-netseg-shop-zone-edge"]);
    for (const r of anps) {
      assert.equal(r.parent, component);
      assert.equal(r.inputs.metadata.namespace, undefined, "cluster-scoped");
      const planned = plan.adminNetworkPolicies!.find((p) => p.metadata.name === r.inputs.metadata.name)!;
      assert.deepEqual({ apiVersion: r.inputs.apiVersion, kind: r.inputs.kind, metadata: r.inputs.metadata, spec: r.inputs.spec }, json(planned));
    }
    const [banp] = resourcesOfType(BANP);
    assert.equal(banp.name, "shop-baselineadminnetworkpolicy-default");
    assert.equal(banp.inputs.metadata.name, "default");
    assert.deepEqual(banp.inputs.spec, json(plan.baselineAdminNetworkPolicy!.spec));
    assert.ok(iso.resources.clusterResources["BaselineAdminNetworkPolicy/default"]);
  });

  it("TenantNamespaces: a namespace set per tenant, tenant ANPs, and adding a tenant keeps every resource name", async () => {
    const two = new TenantNamespaces("fleet", { intent: fleet(["acme", "globex"]) });
    assert.equal(await unwrap(two.tenantNamespaces.globex.data), "globex-data");
    await settle();
    const before = new Set(recorded().map((r) => `${r.type}::${r.name}`));
    assert.ok(before.has(`${ANP}::fleet-adminnetworkpolicy-netseg-fleet-tenant-acme`));
    assert.ok(before.has("kubernetes:core/v1:Namespace::fleet-acme-web"));
    resetRecorded();
    new TenantNamespaces("fleet", { intent: fleet(["acme", "globex", "initech"]) });
    await settle();
    const after = new Set(recorded().map((r) => `${r.type}::${r.name}`));
    for (const k of before) assert.ok(after.has(k), `${k} renamed or removed when a tenant was added`);
    assert.ok([...after].filter((k) => !before.has(k)).every((k) => k.includes("initech")));
  });

  it("TenantNamespaces refuses an intent without tenants, registering nothing", async () => {
    assert.throws(() => new TenantNamespaces("x", { intent: SHOP }), /has no tenants section; use NamespaceIsolation/);
    await settle();
    assert.equal(recorded().length, 0);
  });
});
