/**
 * examples/k8s-tenants run as a Pulumi program (in a child process, under the preview's mocks),
 * then held against its intent by the reachability engine: every path it opens is intended and
 * every intended flow passes; and a namespace owner's NetworkPolicies that open everything (into
 * a tenant's database namespace, out of a tenant's web namespace and out of another tenant's app
 * namespace) open no path between namespaces that the intent forbids, because the
 * AdminNetworkPolicies deny it first (paths to and from the internet are outside the guardrails).
 * Without the guardrails the same policies do open those paths, so the check has teeth.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import type { RecordedResource } from "../../../cli/preview/types";
import { loadIntentFile } from "../../../core/intent";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, compareWithIntent, type Matrix } from "../../../core/reachability";
import { k8sTenantLayout } from "../../../core/rules/k8s";

const EXAMPLE = path.resolve(__dirname, "../../../examples/k8s-tenants");
const ANP = "kubernetes:policy.networking.k8s.io/v1alpha1:AdminNetworkPolicy";
const BANP = "kubernetes:policy.networking.k8s.io/v1alpha1:BaselineAdminNetworkPolicy";
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const TCP_5432 = TrafficSet.of("tcp", 5432);

/** A NetworkPolicy a namespace owner adds beside netseg's: every pod of the namespace open in one direction to everything. */
function ownerOpens(template: RecordedResource, namespace: string, dir: "Ingress" | "Egress"): RecordedResource {
  const name = `owner-opens-${dir.toLowerCase()}`;
  return {
    ...template,
    urn: `urn:pulumi:dev::k8s-tenants::${NP}::${namespace}-${name}`,
    name: `${namespace}-${name}`,
    parent: undefined,
    dependencies: [],
    propertyDependencies: {},
    inputs: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec: { podSelector: {}, policyTypes: [dir], ...(dir === "Ingress" ? { ingress: [{}] } : { egress: [{}] }) } },
  } as RecordedResource;
}

describe("examples/k8s-tenants (run under the preview mocks, held against the intent by reachability)", function () {
  this.timeout(120_000);
  let resources: RecordedResource[];
  let outputs: Record<string, unknown>;
  const layout = k8sTenantLayout(loadIntentFile(path.join(EXAMPLE, "intent.yaml")));
  before(async () => {
    ({ resources, outputs } = await runProgram(loadProject(EXAMPLE, "dev")));
  });
  const count = (t: string) => resources.filter((r) => r.type === t).length;

  it("registers three tenants' namespaces, shared services, ops, a guardrail per zone and per tenant, and the BANP", () => {
    assert.equal(count("kubernetes:core/v1:Namespace"), 11);
    assert.equal(count(ANP), 11 + 3);
    assert.equal(count(BANP), 1);
    assert.deepEqual((outputs.tenantNamespaces as any).acme, { web: "acme-web", app: "acme-app", data: "acme-data" });
    assert.equal(outputs.baselineAdminNetworkPolicy, "default");
  });

  it("as planned, every path is intended and every intended flow passes", () => {
    const report = compareWithIntent(analyseReachability(resources, { intent: layout.intent }), layout.intent);
    assert.deepEqual(
      { unintended: report.unintended.map((f) => f.message), accidentalDenies: report.accidentalDenies.map((f) => f.message), internetToSensitive: report.internetToSensitive.map((f) => f.message) },
      { unintended: [], accidentalDenies: [], internetToSensitive: [] },
    );
  });

  describe("a namespace owner's NetworkPolicies that open everything", () => {
    let attacked: RecordedResource[];
    before(() => {
      const template = resources.find((r) => r.type === NP)!;
      attacked = [...resources, ownerOpens(template, "acme-data", "Ingress"), ownerOpens(template, "acme-web", "Egress"), ownerOpens(template, "globex-app", "Egress")];
    });
    const possible = (m: Matrix, from: string, to: string) => m.pair(from, to)!.possible;

    it("open no forbidden path: not web -> data inside a tenant, not another tenant's app -> data, not even as a maybe", () => {
      const m = analyseReachability(attacked, { intent: layout.intent });
      assert.ok(possible(m, "k8s:acme-web/site", "k8s:acme-data/postgres").isEmpty(), `acme-web/site -> acme-data/postgres: ${possible(m, "k8s:acme-web/site", "k8s:acme-data/postgres")}`);
      assert.ok(possible(m, "k8s:globex-app/api", "k8s:acme-data/postgres").isEmpty(), `globex-app/api -> acme-data/postgres: ${possible(m, "k8s:globex-app/api", "k8s:acme-data/postgres")}`);
      assert.ok(possible(m, "k8s:acme-web", "k8s:acme-data").isEmpty());
      // What the intent declares still passes.
      assert.ok(m.pair("k8s:acme-app/api", "k8s:acme-data/postgres")!.allowed.covers(TCP_5432));
      // Between the cluster's namespaces nothing unintended opens. (The owner's policies do open the internet: the
      // guardrails keep namespaces apart; ANP v1alpha1 ingress peers cannot name the internet at all.)
      const inCluster = compareWithIntent(m, layout.intent).unintended.map((f) => f.message).filter((msg) => !/\binternet\b/.test(msg));
      assert.deepEqual(inCluster, []);
    });

    it("without the guardrails the same policies open those paths (the check has teeth)", () => {
      const bare = attacked.filter((r) => r.type !== ANP && r.type !== BANP);
      const m = analyseReachability(bare, { intent: layout.intent });
      assert.ok(m.pair("k8s:acme-web/site", "k8s:acme-data/postgres")!.allowed.covers(TCP_5432));
      assert.ok(m.pair("k8s:globex-app/api", "k8s:acme-data/postgres")!.allowed.covers(TCP_5432));
      assert.ok(compareWithIntent(m, layout.intent).unintended.some((f) => /k8s:acme-web\/site -> k8s:acme-data\/postgres/.test(f.message)));
    });
  });
});
