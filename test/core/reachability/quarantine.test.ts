/**
 * The conformance check and quarantines, on what the components register (under mocks) read by
 * the reachability engine: a quarantine that holds leaves no path to or from its target, and the
 * intended flows it cuts are reported as cut, never as accidental denies; a stack deployed without
 * the quarantine its intent asks for is a breach on every path through the target.
 */
import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle } from "../../mocks";
setupMocks();
import { SegmentedVpc } from "../../../components/aws";
import { SegmentedNetwork } from "../../../components/gcp";
import { loadIntentFile, parseIntent, type Intent, type IntentInput } from "../../../core/intent";
import { analyseReachability, compareWithIntent, k8sObjectsToResources, type Matrix } from "../../../core/reachability";
import { k8sPlanObjects, planK8s } from "../../../core/rules/k8s";
import { join } from "node:path";

const INPUT: IntentInput = {
  name: "shop",
  addressSpace: "10.20.0.0/16",
  availabilityZones: 2,
  zones: [
    { name: "edge", slot: 0, internet: "inbound", egress: "nat" },
    { name: "app", slot: 1, workloads: [{ name: "api" }] },
    { name: "data", slot: 2, sensitive: true },
  ],
  peers: [{ name: "office", cidrs: ["203.0.113.0/24"] }],
  flows: [
    { from: "internet", to: "edge", ports: ["tcp/443"] },
    { from: "edge", to: "app", ports: ["tcp/8080"] },
    { from: "app", to: "data", ports: ["tcp/5432"] },
    { from: "office", to: "app", ports: ["tcp/8443"] },
  ],
};
const OPEN = parseIntent(INPUT);
const APP = parseIntent({ ...INPUT, quarantine: [{ target: "app", reason: "INC-1", since: "2026-12-06" }] });
const API = parseIntent({ ...INPUT, quarantine: [{ target: "app/api", reason: "INC-1", since: "2026-12-06" }] });

async function matrixOf(build: () => void, intent: Intent): Promise<Matrix> {
  await settle();
  resetRecorded();
  build();
  await settle();
  return analyseReachability(recorded(), { intent });
}

describe("conformance: quarantined targets", () => {
  let aws: { open: Matrix; app: Matrix };
  before(async function () {
    this.timeout(30000);
    aws = {
      open: await matrixOf(() => new SegmentedVpc("cq", { intent: OPEN }), OPEN),
      app: await matrixOf(() => new SegmentedVpc("cq", { intent: APP }), APP),
    };
  });

  it("AWS, the quarantine deployed: no breach, the three cut flows reported as cut, no accidental deny", () => {
    const r = compareWithIntent(aws.app, APP);
    assert.deepEqual(r.quarantineBreaches, []);
    assert.deepEqual(r.accidentalDenies, []);
    assert.deepEqual(r.cutByQuarantine.map((f) => [f.from, f.to, f.traffic.toString(), f.flows]).sort(), [
      ["aws:app", "aws:data", "tcp/5432", ["app->data"]],
      ["aws:edge", "aws:app", "tcp/8080", ["edge->app"]],
      ["office", "aws:app", "tcp/8443", ["office->app"]],
    ]);
    assert.ok(r.cutByQuarantine.every((f) => f.message.includes("quarantine of app")));
    // The rest of the intent is still served.
    assert.ok(!aws.app.pair("internet", "aws:edge")!.allowed.isEmpty());
  });

  it("AWS, the same stack judged without the quarantine: the cut flows are accidental denies (what the report would say without quarantine awareness)", () => {
    const r = compareWithIntent(aws.app, OPEN);
    assert.equal(r.accidentalDenies.length, 3);
    assert.deepEqual(r.cutByQuarantine, []);
  });

  it("AWS, the intent asks for a quarantine the stack does not have: every path through app is a breach", () => {
    const r = compareWithIntent(aws.open, APP);
    const pairs = r.quarantineBreaches.map((f) => `${f.from} -> ${f.to}`).sort();
    assert.deepEqual(pairs, ["aws:app -> aws:data", "aws:edge -> aws:app", "office -> aws:app"]);
    assert.ok(r.quarantineBreaches.every((f) => f.urns.length > 0 && /quarantined/.test(f.message)));
    assert.deepEqual(r.cutByQuarantine, []);
  });

  it("AWS, a workload quarantine is not judged on AWS (its group is attached by its own stack), and says so", () => {
    const r = compareWithIntent(aws.open, API);
    assert.deepEqual(r.quarantineBreaches, []);
    assert.ok(r.quarantineNotJudged.some((n) => n.includes("app/api") && n.includes("security group")), JSON.stringify(r.quarantineNotJudged));
  });

  it("GCP: the priority-0 denies hold: no breach, the flows through app cut", async function () {
    this.timeout(30000);
    const m = await matrixOf(() => new SegmentedNetwork("cqg", { intent: APP, regions: ["europe-west1", "europe-west4"] }), APP);
    const r = compareWithIntent(m, APP);
    assert.deepEqual(r.quarantineBreaches, []);
    assert.deepEqual(r.accidentalDenies, []);
    assert.deepEqual(r.cutByQuarantine.map((f) => f.flows.join()).sort(), ["app->data", "edge->app", "office->app"]);
    const open = await matrixOf(() => new SegmentedNetwork("cqg", { intent: OPEN, regions: ["europe-west1", "europe-west4"] }), OPEN);
    assert.equal(compareWithIntent(open, APP).quarantineBreaches.length, 3);
  });
});

describe("conformance: quarantined targets on Kubernetes (the plan's objects read by the engine)", () => {
  const base = loadIntentFile(join(__dirname, "../../../examples/k8s-microservices/intent.yaml"));
  const withQ = (quarantine: { target: string; dns?: "keep" | "cut" }[]) =>
    parseIntent({
      name: base.name,
      addressSpace: base.addressSpace,
      zones: base.zones.map((z) => ({ name: z.name, egress: z.egress, managed: z.managed, workloads: z.workloads.map((w) => ({ name: w.name, labels: { ...w.labels }, serviceAccount: w.serviceAccount })) })),
      flows: base.flows.map((f) => ({ from: spell(f.from), to: spell(f.to), ports: f.ports.map((p) => (p.protocol === "all" ? "all" : `${p.protocol}/${p.from === p.to ? p.from : `${p.from}-${p.to}`}`)) })),
      quarantine: quarantine.map((q) => ({ target: q.target, reason: "INC-1", since: "2026-12-06", ...(q.dns ? { dns: q.dns } : {}) })),
    });
  const spell = (e: Intent["flows"][number]["from"]) => (e.kind === "zone" ? (e.workload ? `${e.zone}/${e.workload}` : e.zone) : e.kind === "peer" ? e.peer : "internet");
  const matrix = (intent: Intent, options: object) => analyseReachability(k8sObjectsToResources(k8sPlanObjects(planK8s(intent, options))), { intent });

  for (const [mode, options] of [["NetworkPolicies", {}], ["cluster guardrails", { clusterGuardrails: true }]] as const) {
    it(`${mode}: the whole zone quarantined: no breach (kept DNS aside), every flow inside and out reported cut`, () => {
      const intent = withQ([{ target: "microservices" }]);
      const r = compareWithIntent(matrix(intent, options), intent);
      assert.deepEqual(r.quarantineBreaches.map((f) => f.message), []);
      assert.deepEqual(r.accidentalDenies.map((f) => f.message), []);
      assert.deepEqual(r.cutByQuarantine.map((f) => f.flows.join()).sort(), [
        "microservices/backend-api->internet",
        "microservices/backend-api->microservices/postgres",
        "microservices/backend-api->microservices/redis",
        "microservices/frontend->microservices/backend-api",
      ]);
      assert.deepEqual(r.dnsBlocked, [], "DNS kept");
    });

    it(`${mode}: one workload quarantined: its flows cut, the others still served, no breach`, () => {
      const intent = withQ([{ target: "microservices/postgres" }]);
      const r = compareWithIntent(matrix(intent, options), intent);
      assert.deepEqual(r.quarantineBreaches, []);
      assert.deepEqual(r.accidentalDenies, []);
      assert.deepEqual(r.cutByQuarantine.map((f) => `${f.from} -> ${f.to}`), ["k8s:microservices/backend-api -> k8s:microservices/postgres"]);
    });
  }

  it("the plan without the quarantine, judged by the intent with it: the workload's paths are breaches", () => {
    const intent = withQ([{ target: "microservices/postgres" }]);
    const r = compareWithIntent(matrix(withQ([]), {}), intent);
    assert.deepEqual(r.quarantineBreaches.map((f) => `${f.from} -> ${f.to}`), ["k8s:microservices/backend-api -> k8s:microservices/postgres"]);
    assert.deepEqual(r.cutByQuarantine, []);
  });
});
