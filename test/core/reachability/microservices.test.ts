/**
 * The seed design (shared/reference/microservices-policies.yaml) as written by hand, held
 * against the intent of examples/k8s-microservices. The seed matches namespaces by a hand-set
 * `name` label, so its namespaces are given that label here, as the seed assumes.
 *
 * Worked out by hand, its extra paths are exactly:
 * - every pod of namespace ingress-nginx -> frontend tcp/8080 (namespaceSelector and podSelector
 *   in two peers: ORed; the intent names only the controller's pods);
 * - frontend -> every pod of kube-system on udp/53 (the DNS rule's same OR).
 * The OR's other halves (pods labelled app=nginx-ingress or k8s-app=kube-dns inside
 * `microservices`) are admitted by one side but closed by default-deny-all on the other.
 * Its accidental denies: backend-api -> postgres and redis (no ingress policy for them), and
 * DNS is blocked for every workload but frontend's UDP.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { loadIntentFile } from "../../../core/intent";
import { TrafficSet } from "../../../core/net";
import { planK8s, k8sPlanObjects } from "../../../core/rules/k8s";
import { analyseReachability, compareWithIntent, k8sObjectsToResources } from "../../../core/reachability";

const ROOT = join(__dirname, "../../..");
const SEED = "/work/shared/reference/microservices-policies.yaml";
const intent = loadIntentFile(join(ROOT, "examples/k8s-microservices/intent.yaml"));

function seedDocs(): unknown[] {
  const text = readFileSync(SEED, "utf8");
  return parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d);
}

const labelledNamespaces = ["microservices", "ingress-nginx", "kube-system"].map((n) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: n, labels: { name: n } } }));

const fmt = (fs: readonly { from: string; to: string; traffic: TrafficSet }[]) => fs.map((f) => `${f.from} -> ${f.to}: ${f.traffic}`);

describe("reachability / the seed microservices policies against their intent", () => {
  const resources = k8sObjectsToResources([...labelledNamespaces, ...seedDocs()]);
  const matrix = analyseReachability(resources, { intent });
  const report = compareWithIntent(matrix, intent);

  it("shows exactly the extra paths the two-peer OR opens", () => {
    assert.deepEqual(fmt(report.unintended), ["k8s:ingress-nginx -> k8s:microservices/frontend: tcp/8080", "k8s:microservices/frontend -> k8s:kube-system: udp/53"]);
    const urns = report.unintended.flatMap((f) => f.urns);
    assert.ok(urns.includes("urn:pulumi:stack::project::kubernetes:networking.k8s.io/v1:NetworkPolicy::microservices/frontend-policy"));
  });

  it("shows the intended flows it blocks, naming the policy", () => {
    assert.deepEqual(fmt(report.accidentalDenies), ["k8s:microservices/backend-api -> k8s:microservices/postgres: tcp/5432", "k8s:microservices/backend-api -> k8s:microservices/redis: tcp/6379"]);
    assert.match(report.accidentalDenies[0].message, /no ingress rule in NetworkPolicy default-deny-all from microservices\/backend-api on tcp\/5432/);
  });

  it("shows DNS blocked by the egress default deny (and TCP 53 forgotten for frontend)", () => {
    assert.deepEqual(fmt(report.dnsBlocked), [
      "k8s:microservices/backend-api -> k8s:kube-system/kube-dns: tcp/53, udp/53",
      "k8s:microservices/frontend -> k8s:kube-system/kube-dns: tcp/53",
      "k8s:microservices/postgres -> k8s:kube-system/kube-dns: tcp/53, udp/53",
      "k8s:microservices/redis -> k8s:kube-system/kube-dns: tcp/53, udp/53",
    ]);
  });

  it("the OR's in-namespace halves are admitted by one side and closed by default-deny-all on the other", () => {
    const imposters = [
      { apiVersion: "v1", kind: "Pod", metadata: { name: "fake-ingress", namespace: "microservices", labels: { app: "nginx-ingress" } } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "fake-dns", namespace: "microservices", labels: { "k8s-app": "kube-dns" } } },
    ];
    const m = analyseReachability(k8sObjectsToResources([...labelledNamespaces, ...seedDocs(), ...imposters]), { intent });
    const toFrontend = m.pair("microservices/fake-ingress", "microservices/frontend")!;
    assert.equal(toFrontend.paths[0].stages[1].lower.toString(), "tcp/8080");
    assert.equal(toFrontend.allowed.toString(), "nothing");
    const toFakeDns = m.pair("microservices/frontend", "microservices/fake-dns")!;
    assert.equal(toFakeDns.paths[0].stages[0].lower.toString(), "udp/53");
    assert.equal(toFakeDns.allowed.toString(), "nothing");
  });

  it("the policies netseg generates from the intent give exactly the intended paths", () => {
    const plan = planK8s(intent);
    const generated = compareWithIntent(analyseReachability(k8sObjectsToResources(k8sPlanObjects(plan)), { intent }), intent);
    assert.deepEqual(fmt(generated.unintended), []);
    assert.deepEqual(fmt(generated.accidentalDenies), []);
    assert.deepEqual(fmt(generated.dnsBlocked), []);
    assert.deepEqual(generated.unresolved, []);
  });
});
