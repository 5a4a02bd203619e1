/**
 * An SCTP flow end to end on GCP: SegmentedNetwork registers firewall rules with an `sctp` block
 * carrying the flow's ports, and the reachability engine, reading exactly what was registered,
 * finds app -> data open on those SCTP ports and nothing more.
 */
import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, resourcesOfType } from "../../mocks";
setupMocks();
import { SegmentedNetwork } from "../../../components/gcp";
import { parseIntent } from "../../../core/intent";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, type Matrix } from "../../../core/reachability";

describe("components/gcp SegmentedNetwork: an SCTP flow (sctp with ports)", () => {
  let matrix: Matrix;
  const intent = parseIntent({
    name: "telco",
    addressSpace: "10.30.0.0/16",
    availabilityZones: 2,
    zones: [
      { name: "app", slot: 1 },
      { name: "data", slot: 2 },
    ],
    flows: [{ from: "app", to: "data", ports: ["sctp/3868", "sctp/2905-2910"] }],
  });
  before(async function () {
    this.timeout(20000);
    await settle();
    resetRecorded();
    new SegmentedNetwork("gt", { intent, regions: ["europe-west1"] });
    await settle();
    matrix = analyseReachability(recorded(), { intent });
  });

  it("registers both sides' firewall rules with one sctp block and its ports", () => {
    const rules = resourcesOfType("gcp:compute/firewall:Firewall").filter((r) => JSON.stringify(r.inputs.allows ?? []).includes("sctp"));
    assert.equal(rules.length, 2, rules.map((r) => r.name).join(", "));
    for (const r of rules) assert.deepEqual(r.inputs.allows, [{ protocol: "sctp", ports: ["2905-2910", "3868"] }]);
  });

  it("the engine finds app -> data open on those SCTP ports only, and data -> app closed", () => {
    const pair = (from: string, to: string) => matrix.pairs.find((p) => p.from === from && p.to === to)!;
    assert.equal(pair("gcp:app", "gcp:data").allowed.toString(), "sctp/2905-2910, sctp/3868");
    assert.ok(pair("gcp:data", "gcp:app").possible.intersect(TrafficSet.of("sctp")).isEmpty());
  });
});
