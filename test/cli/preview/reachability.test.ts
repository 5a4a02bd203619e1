/**
 * The preview's reachability analysis, short of running a program: where it finds the intent,
 * which platforms each applies to, and its guard for stacks too large for the engine.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { loadIntentFile } from "../../../core/intent";
import { PreviewError } from "../../../cli/preview/errors";
import { intentsOf, reachabilityAnalysis } from "../../../cli/preview/reachability";
import { recordedResource } from "../../fixtures/preview/recorded";

const SHOP = path.join(__dirname, "..", "..", "..", "examples", "intents", "shop.yaml");
const ctx = { project: "p", stack: "s", programDir: "/x", outputs: {} };

const resource = recordedResource;

describe("preview reachability analysis", () => {
  it("finds the intent a SegmentedVpc carries in its plan output, once per intent name", () => {
    const intent = loadIntentFile(SHOP);
    const vpc = resource({ type: "netseg:aws:SegmentedVpc", name: "shop", custom: false, outputs: { plan: { intent } } });
    const net = resource({ type: "netseg:gcp:SegmentedNetwork", name: "shop2", custom: false, outputs: { intent } });
    const found = intentsOf([vpc, net, resource({})]);
    // Carried by an AWS and a GCP component, the intent applies to both platforms.
    assert.deepEqual(found.intents.map((i) => [i.intent.name, i.from, i.platforms]), [["shop", vpc.urn, ["aws", "gcp"]]]);
    assert.deepEqual(found.problems, []);
  });

  it("reads an intent the stack carries as a file path (relative to the program), and fails closed on one it cannot read", () => {
    const byPath = resource({ type: "netseg:aws:EgressProxy", name: "p", custom: false, inputs: { intent: "shop.yaml" } });
    const found = intentsOf([byPath], [], path.dirname(SHOP));
    assert.deepEqual(found.intents.map((i) => [i.intent.name, i.from, i.platforms]), [["shop", byPath.urn, ["aws"]]]);
    const missing = intentsOf([byPath], [], "/no/such/dir");
    assert.deepEqual(missing.intents, []);
    assert.match(missing.problems[0], /The intent carried by .*::p could not be read: .*cannot read the intent file \(ENOENT\)/);
  });

  it("applies an --intent file to every platform with its zones (unscoped)", () => {
    const found = intentsOf([], [SHOP]);
    assert.deepEqual(found.intents.map((i) => [i.intent.name, i.platforms]), [["shop", undefined]]);
  });

  it("fails closed on an intent in the stack that does not parse: a problem, then exit 2 from the analysis", async () => {
    const bad = resource({ type: "netseg:aws:SegmentedVpc", name: "x", custom: false, outputs: { intent: { name: "x", zones: "none" } } });
    const found = intentsOf([bad]);
    assert.deepEqual(found.intents, []);
    assert.match(found.problems[0], /The intent carried by .*::x could not be read: /);
    const zoned = resource({ name: "a", inputs: { cidrBlock: "10.0.0.0/24", tags: { "netseg:zone": "a" } } });
    await assert.rejects(
      async () => reachabilityAnalysis([bad, zoned], ctx),
      (err: unknown) => err instanceof PreviewError && err.exitCode === 2 && /could not be read: .*cannot be held against an intent it cannot read.*--intent <file>.*--no-analysis/.test(err.message),
    );
  });

  it("refuses an --intent file that does not load, naming it (exit 2)", () => {
    assert.throws(() => intentsOf([], ["/no/such/intent.yaml"]), (err: unknown) => err instanceof PreviewError && err.exitCode === 2 && /--intent file \/no\/such\/intent\.yaml/.test(err.message));
  });

  it("shows cloud workloads under their zone, alike ones as one row, and folds them into the zone with --workloads collapse", async () => {
    const subnet = resource({ name: "app-a", id: "subnet-app", inputs: { vpcId: "vpc-1", cidrBlock: "10.0.1.0/24", tags: { "netseg:zone": "app" } } });
    const sg = resource({ type: "aws:ec2/securityGroup:SecurityGroup", name: "sg-api", id: "sg-api", inputs: { vpcId: "vpc-1", ingress: [], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] } });
    const box = (name: string) => resource({ type: "aws:ec2/instance:Instance", name, inputs: { subnetId: "subnet-app", vpcSecurityGroupIds: ["sg-api"] } });
    const stack = [subnet, sg, box("api-1"), box("api-2"), box("api-3")];
    const shown = await reachabilityAnalysis(stack, ctx);
    assert.deepEqual(shown.matrix!.rows, ["aws:app", "  aws:app/ec2:api-1 (+2 alike)", "internet"]);
    assert.match(shown.summary!, /^5 endpoints \(3 of them workloads, judged as 1 alike classes\)/);
    assert.ok(shown.edges!.some((e) => e.from === "app/ec2:api-1" && e.to === "app"), JSON.stringify(shown.edges));
    const folded = await reachabilityAnalysis(stack, { ...ctx, workloads: "collapse" as const });
    assert.deepEqual(folded.matrix!.rows, ["aws:app", "internet"]);
    assert.match(folded.summary!, /folded into their zones in the table and diagram, --workloads show lists them/);
    assert.ok(!folded.edges!.some((e) => e.from.includes("ec2:")), JSON.stringify(folded.edges));
  });

  it("fails closed above the endpoint limit (exit 2), naming the limit and the explicit opt-out", async () => {
    const before = process.env.NETSEG_REACHABILITY_LIMIT;
    process.env.NETSEG_REACHABILITY_LIMIT = "1";
    try {
      const zoned = (name: string) => resource({ name, inputs: { cidrBlock: "10.0.0.0/24", tags: { "netseg:zone": name } } });
      // aws:a, aws:b and the internet.
      await assert.rejects(
        async () => reachabilityAnalysis([zoned("a"), zoned("b")], ctx),
        (err: unknown) =>
          err instanceof PreviewError && err.exitCode === 2 && /^The reachability analysis did not run: 3 endpoints to judge, above the limit of 1: no pair was judged\..*NETSEG_REACHABILITY_LIMIT.*--no-analysis/.test(err.message),
      );
    } finally {
      if (before === undefined) delete process.env.NETSEG_REACHABILITY_LIMIT;
      else process.env.NETSEG_REACHABILITY_LIMIT = before;
    }
  });
});
