/**
 * GCP twin of test/components/aws/internet-east-west.test.ts: a VM-to-VM packet meets the
 * source's egress rules and the target's ingress rules, so "app may reach the internet on 443"
 * plus "edge admits the internet on 443", both written as 0.0.0.0/0, let app reach edge:443.
 * The rules name the internet minus the network's address space instead.
 */
import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, resourcesOfType } from "../../mocks";
setupMocks();
import { SegmentedNetwork } from "../../../components/gcp";
import { parseIntent } from "../../../core/intent";
import { CidrSet, TrafficSet } from "../../../core/net";
import { analyseReachability, type Matrix } from "../../../core/reachability";

const HTTPS = TrafficSet.fromSpecs([{ protocol: "tcp", from: 443, to: 443 }]);

describe("components/gcp SegmentedNetwork: internet rules leave the network's own ranges out", () => {
  let matrix: Matrix;
  const intent = parseIntent({
    name: "shopnat",
    addressSpace: "10.20.0.0/16",
    availabilityZones: 2,
    zones: [
      { name: "edge", slot: 0, internet: "inbound" },
      { name: "app", slot: 1, egress: "nat" },
      { name: "data", slot: 2, egress: "none", sensitive: true },
    ],
    flows: [
      { from: "internet", to: "edge", ports: ["tcp/443"] },
      { from: "edge", to: "app", ports: ["tcp/8080"] },
      { from: "app", to: "data", ports: ["tcp/5432"] },
      { from: "app", to: "internet", ports: ["tcp/443"] },
    ],
  });
  before(async function () {
    this.timeout(20000);
    await settle();
    resetRecorded();
    new SegmentedNetwork("gn", { intent, regions: ["europe-west1"] });
    await settle();
    matrix = analyseReachability(recorded(), { intent });
  });
  const pair = (from: string, to: string) => matrix.pairs.find((p) => p.from === from && p.to === to)!;

  it("app -> edge tcp/443 is not reachable; app -> internet and internet -> edge tcp/443 are", () => {
    const east = pair("gcp:app", "gcp:edge");
    assert.ok(east, "the engine sees both zones");
    assert.ok(east.possible.intersect(HTTPS).isEmpty(), `app -> edge: ${east.possible}`);
    assert.ok(HTTPS.subtract(pair("gcp:app", "internet").possible).isEmpty(), `app -> internet: ${pair("gcp:app", "internet").possible}`);
    assert.ok(HTTPS.subtract(pair("internet", "gcp:edge").possible).isEmpty(), `internet -> edge: ${pair("internet", "gcp:edge").possible}`);
    assert.equal(String(pair("gcp:edge", "gcp:app").allowed), "tcp/8080");
  });

  it("names the internet as the IPv4 space minus 10.20.0.0/16 on both sides", () => {
    const internet = CidrSet.WORLD_V4.subtract(CidrSet.fromCidrs(["10.20.0.0/16"]));
    const fw = resourcesOfType("gcp:compute/firewall:Firewall").filter((r) => r.inputs.allows?.some((a: any) => a.ports?.includes("443")));
    const ranges = fw.map((r) => CidrSet.fromCidrs(r.inputs.direction === "EGRESS" ? r.inputs.destinationRanges : r.inputs.sourceRanges));
    assert.equal(fw.length, 2, fw.map((r) => r.name).join(", "));
    assert.ok(ranges.every((s) => s.equals(internet)), ranges.map(String).join(" | "));
  });
});
