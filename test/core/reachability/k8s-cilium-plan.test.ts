/**
 * End to end: a Kubernetes plan with `cilium: true` (flows as CiliumNetworkPolicies), turned into
 * resources and analysed, gives the same matrix as the plan of the same intent with Cilium off
 * (flows as NetworkPolicies). The two plans share nothing but the intent and the default-deny and
 * DNS NetworkPolicies, and the engine reads the two policy kinds through different readers, so
 * agreement on every pair checks both the emission and the reading. With an egress allow-list
 * the two differ exactly where they should: Cilium reaches the internet by name, the plain plan
 * through the egress proxy.
 */
import assert from "node:assert/strict";
import path from "node:path";
import fc from "fast-check";
import { loadIntentFile, parseIntent, type Intent } from "../../../core/intent";
import { planK8s, k8sPlanObjects, type K8sOptions } from "../../../core/rules/k8s";
import { analyseReachability, compareWithIntent, k8sObjectsToResources, type Matrix } from "../../../core/reachability";
import { k8sIntents } from "../rules/k8s/random-intents";

const ROOT = path.resolve(__dirname, "../../..");
const microservices = () => loadIntentFile(path.join(ROOT, "examples/k8s-microservices/intent.yaml"));
const shop = () => loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml"));

function analyse(intent: Intent, options: K8sOptions = {}): Matrix {
  return analyseReachability(k8sObjectsToResources(k8sPlanObjects(planK8s(intent, options))), { intent });
}

/** Every pair as `from -> to: allowed / possible`, skipping pairs `skip` names. */
function rows(m: Matrix, skip: (from: string, to: string) => boolean = () => false): string[] {
  const key = new Map(m.endpoints.map((e) => [e.id, e.key]));
  return m.pairs.filter((p) => !skip(key.get(p.from)!, key.get(p.to)!)).map((p) => `${key.get(p.from)} -> ${key.get(p.to)}: ${p.allowed} / ${p.possible}`);
}

describe("reachability / Cilium plans against plain plans", () => {
  it("the microservices example: flows as CiliumNetworkPolicies, the same matrix as with NetworkPolicies", () => {
    const intent = microservices();
    const plan = planK8s(intent, { cilium: true });
    assert.deepEqual(plan.ciliumNetworkPolicies.map((p) => p.metadata.name), ["backend-api-policy", "frontend-policy", "postgres-policy", "redis-policy"]);
    assert.deepEqual(plan.networkPolicies.map((p) => p.metadata.name), ["allow-dns", "default-deny-all"], "only the zone's isolation stays a NetworkPolicy");
    const plain = analyse(intent);
    const cilium = analyse(intent, { cilium: true });
    assert.deepEqual(rows(cilium), rows(plain));
    assert.ok(rows(cilium).some((r) => r.startsWith("microservices/backend-api -> microservices/postgres: tcp/5432 /")));
    const report = compareWithIntent(cilium, intent);
    assert.deepEqual([report.unintended, report.accidentalDenies, report.uncertain, report.dnsBlocked].map((x) => x.length), [0, 0, 0, 0]);
    // The matrix names the CiliumNetworkPolicy that allows a flow.
    const by = cilium.pair("microservices/frontend", "microservices/backend-api")!.allowedBy.map((r) => r.urn);
    assert.ok(by.includes("urn:pulumi:stack::project::kubernetes:cilium.io/v2:CiliumNetworkPolicy::microservices/frontend-policy"), by.join(", "));
  });

  it("an allow-list: the same matrix but for the way out, by name with Cilium and through the proxy without", () => {
    const intent = shop();
    const plain = analyse(intent);
    const cilium = analyse(intent, { cilium: true });
    // toFQDNs admits whatever addresses the names resolve to: the public peer office too.
    const wayOut = (from: string, to: string) => to === "egress-proxy" || from === "egress-proxy" || (from === "app" && (to === "internet" || to === "office"));
    assert.deepEqual(rows(cilium, wayOut), rows(plain, wayOut));
    assert.equal(plain.pair("app", "internet")!.allowed.toString(), "nothing");
    assert.equal(cilium.pair("app", "office")!.allowed.toString(), "tcp/443");
    assert.equal(cilium.pair("app", "internet")!.allowed.toString(), "tcp/443");
    assert.deepEqual(
      cilium.pair("app", "internet")!.allowedBy.filter((r) => r.urn).map((r) => `${r.resource} ${r.rule}`),
      ["zone-app-fqdn egress[1] (toFQDNs: to *.amazonaws.com:443, api.stripe.com:443 only (addresses learned from DNS answers))"],
    );
    // The intent's checks find the same in both (the app's allow-listed ports to the internet are tolerated).
    const [a, b] = [plain, cilium].map((m) => compareWithIntent(m, intent));
    assert.deepEqual([b.accidentalDenies.length, b.uncertain.length], [0, 0]);
    assert.deepEqual(b.unintended.map((f) => f.message), a.unintended.map((f) => f.message));
  });

  it("gives the same matrix with Cilium on and off, for random intents (property)", () => {
    const intents = k8sIntents({ maxZones: 3, maxWorkloads: 2, maxFlows: 6, peer: true });
    fc.assert(
      fc.property(intents, (input) => {
        const intent = parseIntent(input);
        assert.deepEqual(rows(analyse(intent, { cilium: true })), rows(analyse(intent)));
      }),
      { numRuns: 100 },
    );
  });
});
