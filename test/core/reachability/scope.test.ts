/**
 * Intents are per platform: an intent applies to the platform of the component carrying it, or
 * (given by the caller) to every platform with an endpoint for one of its zones; it never makes
 * a platform invent endpoints. A Kubernetes intent's workloads are endpoints where the stack
 * declares no pods carrying their labels; the stack's pods win when it does.
 */
import assert from "node:assert/strict";
import { resolveIntent, type IntentInput } from "../../../core/intent";
import { analyseReachability, compareWithIntent, componentPlatform, k8sObjectsToResources, mergeScoped, platformsIn, type ScopedIntent } from "../../../core/reachability";
import { awsResources, baseline, CIDR, nacl } from "./aws-fixture";

const shop = resolveIntent({
  name: "shop",
  addressSpace: "10.0.0.0/16",
  zones: [{ name: "edge", internet: "inbound", egress: "nat" }, { name: "app", egress: "proxy" }, { name: "data", sensitive: true }],
  flows: [{ from: "internet", to: "edge", ports: ["tcp/443"] }, { from: "edge", to: "app", ports: ["tcp/8080"] }, { from: "app", to: "data", ports: ["tcp/5432"] }],
} as unknown as IntentInput, "shop");

const web = resolveIntent({
  name: "web",
  addressSpace: "10.9.0.0/16",
  zones: [{ name: "web", workloads: [{ name: "frontend" }, { name: "api", labels: { tier: "api" } }] }],
  flows: [{ from: "web/frontend", to: "web/api", ports: ["tcp/8080"] }],
} as unknown as IntentInput, "web");

const ns = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
const np = (namespace: string, name: string, spec: unknown) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });
/** web: default deny, frontend may call tier=api on 8080. */
const cluster = (extra: unknown[] = []) =>
  k8sObjectsToResources([
    ns("web"),
    np("web", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    np("web", "frontend-out", { podSelector: { matchLabels: { app: "frontend" } }, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: { matchLabels: { tier: "api" } } }], ports: [{ port: 8080 }] }] }),
    np("web", "api-in", { podSelector: { matchLabels: { tier: "api" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { app: "frontend" } } }], ports: [{ port: 8080 }] }] }),
    ...extra,
  ]);

function awsClean() {
  const f = baseline();
  f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
  return awsResources(f);
}

describe("reachability / intents per platform", () => {
  it("reads the platform of a netseg component from its type", () => {
    assert.deepEqual(["netseg:aws:SegmentedVpc", "netseg:gcp:SegmentedNetwork", "netseg:k8s:NamespaceIsolation", "netseg:index:Other", "aws:ec2/vpc:Vpc"].map(componentPlatform), ["aws", "gcp", "k8s", undefined, undefined]);
  });

  it("merges the same intent found on two components into one with both platforms", () => {
    assert.deepEqual(mergeScoped([{ intent: shop, platforms: ["gcp"] }, { intent: web, platforms: ["k8s"] }, { intent: shop, platforms: ["aws"] }]).map((s) => [s.intent.name, s.platforms]), [["shop", ["aws", "gcp"]], ["web", ["k8s"]]]);
    assert.equal(mergeScoped([{ intent: shop, platforms: ["aws"] }, { intent: shop }])[0].platforms, undefined);
  });

  it("never turns an AWS intent's zones into Kubernetes namespaces, scoped or not", () => {
    const cases: ScopedIntent[][] = [[{ intent: shop, platforms: ["aws"] }], [{ intent: shop }]];
    for (const intents of cases) {
      const m = analyseReachability([...awsClean(), ...cluster()], { intents });
      assert.deepEqual(m.endpoints.filter((e) => e.platform === "k8s" && ["app", "data", "edge"].includes(e.zone ?? "")), []);
      assert.deepEqual(platformsIn(m, intents[0]), ["aws"]);
      const r = compareWithIntent(m, shop, { platforms: intents[0].platforms });
      assert.deepEqual([r.unintended, r.accidentalDenies, r.internetToSensitive, r.unresolved], [[], [], [], []]);
    }
  });

  it("holds one intent against each of its platforms separately, naming the platform", () => {
    const m = analyseReachability([...awsClean(), ...cluster([ns("app"), ns("data")])], { intents: [{ intent: shop }] });
    // Unscoped, shop applies to k8s too, where namespaces app and data exist, unisolated.
    assert.deepEqual(platformsIn(m, { intent: shop }), ["aws", "k8s"]);
    const r = compareWithIntent(m, shop);
    assert.ok(r.unintended.some((f) => f.from === "k8s:data" && f.to === "k8s:app"));
    assert.ok(!r.unintended.some((f) => f.from.startsWith("aws:")));
    assert.ok(r.unresolved.includes("flow edge->app on k8s: the stack has no endpoint for edge"));
    assert.match(r.internetToSensitive[0].message, /^the internet reaches sensitive zone k8s:data on all/);
    // Scoped to AWS (as a SegmentedVpc carries it), the cluster is not its business.
    const aws = compareWithIntent(m, shop, { platforms: ["aws"] });
    assert.deepEqual([aws.unintended, aws.internetToSensitive, aws.unresolved], [[], [], []]);
  });

  it("makes a Kubernetes intent's workloads endpoints when the stack has no pods for them", () => {
    const m = analyseReachability(cluster(), { intents: [{ intent: web, platforms: ["k8s"] }] });
    assert.deepEqual(m.endpoints.filter((e) => e.kind === "workload").map((e) => e.id), ["k8s:kube-system/kube-dns", "k8s:web/api", "k8s:web/frontend"]);
    assert.equal(m.pair("k8s:web/frontend", "k8s:web/api")!.allowed.toString(), "tcp/8080");
    const r = compareWithIntent(m, web, { platforms: ["k8s"] });
    assert.deepEqual([r.unintended, r.accidentalDenies, r.unresolved], [[], [], []]);
  });

  it("lets the stack's pods win, resolving the intent's flows to them by labels", () => {
    const deploy = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api-server", namespace: "web" }, spec: { template: { metadata: { labels: { tier: "api", version: "2" } } } } };
    const m = analyseReachability(cluster([deploy]), { intents: [{ intent: web, platforms: ["k8s"] }] });
    assert.deepEqual(m.endpoints.filter((e) => e.kind === "workload").map((e) => e.id), ["k8s:kube-system/kube-dns", "k8s:web/api-server", "k8s:web/frontend"]);
    const r = compareWithIntent(m, web, { platforms: ["k8s"] });
    assert.deepEqual([r.unintended, r.accidentalDenies, r.unresolved], [[], [], []]);
    // Broken for the Deployment, the flow is an accidental deny on it.
    const closed = analyseReachability(k8sObjectsToResources([ns("web"), np("web", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }), deploy]), { intents: [{ intent: web, platforms: ["k8s"] }] });
    assert.deepEqual(compareWithIntent(closed, web).accidentalDenies.map((f) => `${f.from} -> ${f.to}`), ["k8s:web/frontend -> k8s:web/api-server"]);
  });
});
