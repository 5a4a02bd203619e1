/**
 * Tenants on one cluster (planK8sTenants): a namespace set `<tenant>-<zone>` per tenant labelled
 * with its tenant, `shared-<zone>` for shared services, flows kept inside each tenant plus every
 * tenant zone to the shared services; guardrails on by default with one ANP per tenant. Adding a
 * tenant renames nothing and leaves every existing tenant's objects as they were; names that
 * clash are refused with both owners named.
 */
import assert from "node:assert/strict";
import { parseIntent, IntentError, type Intent } from "../../../../core/intent";
import { planK8s, planK8sTenants, k8sPlanObjects, k8sTenantLayout, type K8sPlan } from "../../../../core/rules/k8s";

function fleet(members: string[], zones = ["web", "app", "data"]): Intent {
  return parseIntent({
    name: "fleet",
    addressSpace: "10.0.0.0/16",
    zones: [{ name: "ops", slot: 0 }],
    tenants: {
      pool: "10.128.0.0/12",
      blockPrefix: 20,
      zones: zones.map((name, slot) => ({ name, slot })),
      flows: zones.slice(1).map((to, i) => ({ from: zones[i], to, ports: ["tcp/8080"] })),
      sharedServices: { addressSpace: "10.64.0.0/20", ports: ["tcp/443"], zones: [{ name: "services", slot: 0 }] },
      members: members.map((name, slot) => ({ name, slot })),
    },
  });
}

const key = (o: { kind: string; metadata: { name: string; namespace?: string } }) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
const byKey = (plan: K8sPlan) => new Map(k8sPlanObjects(plan).map((o) => [key(o), JSON.stringify(o)]));

describe("k8s tenants on one cluster", () => {
  it("one namespace per tenant and template zone, shared services as shared-<zone>, the intent's own zones kept", () => {
    const plan = planK8sTenants(fleet(["acme", "globex"]));
    assert.deepEqual(plan.namespaces.map((n) => n.metadata.name), ["acme-app", "acme-data", "acme-web", "globex-app", "globex-data", "globex-web", "ops", "shared-services"]);
    const ns = plan.namespaces.find((n) => n.metadata.name === "globex-web")!;
    assert.equal(ns.metadata.labels["netseg.dev/tenant"], "globex");
    assert.equal(ns.metadata.labels["netseg.dev/zone"], "globex-web");
    assert.equal(plan.namespaces.find((n) => n.metadata.name === "shared-services")!.metadata.labels["netseg.dev/tenant"], undefined);
  });

  it("flows stay inside a tenant, and every tenant zone reaches the shared services on the shared ports", () => {
    const layout = k8sTenantLayout(fleet(["acme", "globex"]));
    const keys = layout.intent.flows.map((f) => f.key).sort();
    assert.deepEqual(keys, [
      "acme-app->acme-data",
      "acme-app->shared-services",
      "acme-data->shared-services",
      "acme-web->acme-app",
      "acme-web->shared-services",
      "globex-app->globex-data",
      "globex-app->shared-services",
      "globex-data->shared-services",
      "globex-web->globex-app",
      "globex-web->shared-services",
    ]);
    assert.equal(layout.intent.tenants, undefined);
  });

  it("guardrails on by default: one ANP per tenant at priority 500 plus its slot, denying every other tenant's namespaces both ways", () => {
    const plan = planK8sTenants(fleet(["acme", "globex"]));
    const acme = JSON.parse(JSON.stringify(plan.adminNetworkPolicies!.find((p) => p.metadata.name === "netseg-fleet-tenant-acme")));
    const others = { matchLabels: { "netseg.dev/intent": "fleet" }, matchExpressions: [{ key: "netseg.dev/tenant", operator: "Exists" }, { key: "netseg.dev/tenant", operator: "NotIn", values: ["acme"] }] };
    assert.deepEqual(acme.spec, {
      priority: 500,
      subject: { namespaces: { matchLabels: { "netseg.dev/intent": "fleet", "netseg.dev/tenant": "acme" } } },
      ingress: [{ name: "deny other tenants", action: "Deny", from: [{ namespaces: others }] }],
      egress: [{ name: "deny other tenants", action: "Deny", to: [{ namespaces: others }] }],
    });
    assert.equal(plan.adminNetworkPolicies!.find((p) => p.metadata.name === "netseg-fleet-tenant-globex")!.spec.priority, 501);
    const priorities = plan.adminNetworkPolicies!.map((p) => p.spec.priority);
    assert.equal(new Set(priorities).size, priorities.length, "every guardrail has a priority of its own");
    assert.equal(planK8sTenants(fleet(["acme"]), { clusterGuardrails: false }).adminNetworkPolicies, undefined);
  });

  it("adding a tenant renames nothing: every existing object keeps its name, and every tenant's own objects stay byte for byte", () => {
    const before = byKey(planK8sTenants(fleet(["acme", "globex"])));
    const after = byKey(planK8sTenants(fleet(["acme", "globex", "initech"])));
    const changed: string[] = [];
    for (const [k, v] of before) {
      assert.ok(after.has(k), `${k} disappeared (renamed or removed) when a tenant was added`);
      if (after.get(k) !== v) changed.push(k);
    }
    // Only what names every tenant zone changes in place: the shared zone's policies and guardrail, and the cluster's BANP.
    assert.deepEqual(changed.sort(), [
      "AdminNetworkPolicy//netseg-fleet-zone-shared-services",
      "BaselineAdminNetworkPolicy//default",
      "NetworkPolicy/shared-services/zone-shared-services-policy",
    ]);
    assert.ok([...after.keys()].filter((k) => !before.has(k)).every((k) => k.includes("initech")));
  });

  it("tenants never reach each other through the NetworkPolicies either: no policy of one tenant names another's namespace", () => {
    const plan = planK8sTenants(fleet(["acme", "globex"]));
    for (const p of plan.networkPolicies.filter((x) => x.metadata.namespace.startsWith("acme-"))) assert.ok(!JSON.stringify(p.spec).includes("globex"), `${p.metadata.namespace}/${p.metadata.name} names globex`);
  });

  it("refuses namespace names that clash, naming both owners", () => {
    // Tenant "a" with zone "b-c" and tenant "a-b" with zone "c" would both be "a-b-c".
    const err = (() => {
      try {
        planK8sTenants(fleet(["a", "a-b"], ["c", "b-c"]));
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof IntentError);
    assert.match(err.message, /namespace "a-b-c" of tenant "a-b", zone "c" is also the namespace of tenant "a", zone "b-c"/);
  });

  it("a NamespaceIsolation-style plan of the same intent is unchanged by the tenants (top-level zones only, as before)", () => {
    const plan = planK8s(fleet(["acme"]));
    assert.deepEqual(plan.namespaces.map((n) => n.metadata.name), ["ops"]);
  });
});
