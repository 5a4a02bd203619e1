/**
 * An SCTP flow end to end on AWS: SegmentedVpc registers security-group rules with ipProtocol
 * "132" and no ports, and NACL entries with protocol "132", and the reachability engine, reading
 * exactly what was registered, finds app -> data open on SCTP and nothing else opened by it.
 */
import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, unwrap, resourcesOfType } from "../../mocks";
setupMocks();
import { SegmentedVpc } from "../../../components/aws";
import { parseIntent, type IntentInput } from "../../../core/intent";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, type Matrix } from "../../../core/reachability";

const SG_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const NACL = "aws:ec2/networkAcl:NetworkAcl";

const TELCO: IntentInput = {
  name: "telco",
  addressSpace: "10.30.0.0/16",
  availabilityZones: 2,
  zones: [
    { name: "edge", slot: 0, internet: "inbound" },
    { name: "app", slot: 1 },
    { name: "data", slot: 2 },
  ],
  flows: [
    { from: "edge", to: "app", ports: ["tcp/8080"] },
    { from: "app", to: "data", ports: ["sctp"] },
  ],
};

describe("components/aws SegmentedVpc: an SCTP flow (protocol 132)", () => {
  let matrix: Matrix;
  const intent = parseIntent(TELCO);
  before(async function () {
    this.timeout(20000);
    await settle();
    resetRecorded();
    const vpc = new SegmentedVpc("tc", { intent });
    await unwrap(vpc.subnetIds);
    await settle();
    matrix = analyseReachability(recorded(), { intent });
  });
  const pair = (from: string, to: string) => matrix.pairs.find((p) => p.from === from && p.to === to)!;

  it("registers the security-group rules with ipProtocol 132 and no ports", () => {
    const rules = [...resourcesOfType(SG_IN), ...resourcesOfType(SG_OUT)].filter((r) => r.inputs.ipProtocol === "132");
    assert.deepEqual(rules.map((r) => r.name).sort(), ["tc-app-out-data-sctp", "tc-data-in-app-sctp"]);
    for (const r of rules) assert.ok(!("fromPort" in r.inputs) && !("toPort" in r.inputs), JSON.stringify(r.inputs));
  });

  it("registers NACL entries of protocol 132 both ways, request and return", () => {
    const entries = (zone: string, dir: "ingress" | "egress") => (resourcesOfType(NACL).find((r) => r.name === `tc-${zone}`)?.inputs[dir] ?? []) as { protocol: string }[];
    for (const [zone, dir] of [["app", "egress"], ["app", "ingress"], ["data", "ingress"], ["data", "egress"]] as const) {
      assert.equal(entries(zone, dir).filter((e) => e.protocol === "132").length, 1, `${zone} ${dir}: ${JSON.stringify(entries(zone, dir))}`);
    }
  });

  it("the engine finds app -> data open on SCTP, and SCTP nowhere else", () => {
    assert.equal(pair("aws:app", "aws:data").allowed.toString(), "sctp");
    for (const p of matrix.pairs) {
      if (p.from === "aws:app" && p.to === "aws:data") continue;
      assert.ok(p.possible.intersect(TrafficSet.of("sctp")).isEmpty(), `${p.from} -> ${p.to}: ${p.possible}`);
    }
  });
});
