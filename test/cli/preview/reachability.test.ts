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

  it("applies an --intent file to every platform with its zones (unscoped)", () => {
    const found = intentsOf([], [SHOP]);
    assert.deepEqual(found.intents.map((i) => [i.intent.name, i.platforms]), [["shop", undefined]]);
  });

  it("reports an intent in the stack that does not parse as a problem, not a crash", () => {
    const bad = resource({ type: "netseg:aws:SegmentedVpc", name: "x", custom: false, outputs: { intent: { name: "x", zones: "none" } } });
    const found = intentsOf([bad]);
    assert.deepEqual(found.intents, []);
    assert.match(found.problems[0], /The intent carried by .*::x could not be read: /);
  });

  it("refuses an --intent file that does not load, naming it (exit 2)", () => {
    assert.throws(() => intentsOf([], ["/no/such/intent.yaml"]), (err: unknown) => err instanceof PreviewError && err.exitCode === 2 && /--intent file \/no\/such\/intent\.yaml/.test(err.message));
  });

  it("skips the engine with a note above the endpoint limit", async () => {
    const before = process.env.NETSEG_REACHABILITY_LIMIT;
    process.env.NETSEG_REACHABILITY_LIMIT = "1";
    try {
      const zoned = (name: string) => resource({ name, inputs: { cidrBlock: "10.0.0.0/24", tags: { "netseg:zone": name } } });
      const section = await reachabilityAnalysis([zoned("a"), zoned("b")], ctx);
      assert.equal(section.matrix, undefined);
      assert.deepEqual(section.findings.map((f) => [f.kind, f.severity]), [["analysis-skipped", "note"]]);
      // aws:a, aws:b and the internet.
      assert.match(section.summary!, /^Skipped: 3 endpoints, above the limit of 1: no pair was judged/);
    } finally {
      if (before === undefined) delete process.env.NETSEG_REACHABILITY_LIMIT;
      else process.env.NETSEG_REACHABILITY_LIMIT = before;
    }
  });
});
