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
import { parseIntent, type Intent, type IntentInput } from "../../../core/intent";
import { analyseReachability, compareWithIntent, type Matrix } from "../../../core/reachability";

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
