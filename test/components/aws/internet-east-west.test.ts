/**
 * Internet-bound rules never open a zone east-west (issue 11 item 2, beyond the firewall backend):
 * app (egress: nat) may reach the internet on tcp/443 and edge admits the internet on tcp/443, so
 * rules written as 0.0.0.0/0 on both sides used to open app -> edge:443, which the intent does
 * not allow. Proved with the reachability engine on the resources SegmentedVpc registers.
 */
import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, unwrap, resourcesOfType } from "../../mocks";
setupMocks();
import { SegmentedVpc } from "../../../components/aws";
import { parseIntent, type IntentInput } from "../../../core/intent";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, explainBlocked, type Matrix } from "../../../core/reachability";

const SG_OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const SG_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const NACL = "aws:ec2/networkAcl:NetworkAcl";
const HTTPS = TrafficSet.fromSpecs([{ protocol: "tcp", from: 443, to: 443 }]);

/** The shop with app behind NAT: app -> internet tcp/443, internet -> edge tcp/443, and no app -> edge. */
const SHOP_NAT: IntentInput = {
  name: "shopnat",
  addressSpace: "10.20.0.0/16",
  availabilityZones: 2,
  zones: [
    { name: "edge", slot: 0, internet: "inbound", egress: "nat" },
    { name: "app", slot: 1, egress: "nat" },
    { name: "data", slot: 2, egress: "none", sensitive: true },
  ],
  flows: [
    { from: "internet", to: "edge", ports: ["tcp/443"] },
    { from: "edge", to: "app", ports: ["tcp/8080"] },
    { from: "app", to: "data", ports: ["tcp/5432"] },
    { from: "app", to: "internet", ports: ["tcp/443"] },
  ],
};

describe("components/aws SegmentedVpc: internet-bound rules leave the VPC's own ranges out", () => {
  let matrix: Matrix;
  const intent = parseIntent(SHOP_NAT);
  before(async function () {
    this.timeout(20000);
    await settle();
    resetRecorded();
    const vpc = new SegmentedVpc("sn", { intent });
    await unwrap(vpc.subnetIds);
    await settle();
    matrix = analyseReachability(recorded(), { intent });
  });
  const pair = (from: string, to: string) => matrix.pairs.find((p) => p.from === from && p.to === to)!;

  it("app -> edge tcp/443 is not reachable: app's security group and both NACLs stop it", () => {
    const p = pair("aws:app", "aws:edge");
    assert.ok(p.paths.length > 0, "the engine found both zones' subnets");
    assert.ok(p.possible.intersect(HTTPS).isEmpty(), `app -> edge: ${p.possible}`);
    for (const path of p.paths) {
      const request = path.stages.filter((s) => !s.reply).reduce((t, s) => t.intersect(s.upper), TrafficSet.ALL);
      assert.ok(request.intersect(HTTPS).isEmpty(), `${path.label}: ${path.stages.map((s) => `${s.label}: ${s.upper}`).join("; ")}`);
    }
    const why = explainBlocked(p, HTTPS).map((b) => b.reason).join("\n");
    assert.match(why, /no egress rule in sn-app to edge on tcp\/443/, why);
    assert.match(why, /sn-app outbound rule \d+ denies tcp\/443/, why);
  });

  it("app -> internet tcp/443 and internet -> edge tcp/443 stay reachable; the intended zone flows too", () => {
    assert.ok(HTTPS.subtract(pair("aws:app", "internet").possible).isEmpty(), `app -> internet: ${pair("aws:app", "internet").possible}`);
    assert.ok(HTTPS.subtract(pair("internet", "aws:edge").possible).isEmpty(), `internet -> edge: ${pair("internet", "aws:edge").possible}`);
    assert.equal(String(pair("aws:edge", "aws:app").allowed), "tcp/8080");
    assert.equal(String(pair("aws:app", "aws:data").allowed), "tcp/5432");
  });

  it("data and edge reach no other zone on 443 either (no zone is opened by another's internet rules)", () => {
    for (const [from, to] of [["aws:data", "aws:edge"], ["aws:edge", "aws:data"], ["aws:data", "aws:app"], ["aws:edge", "aws:app"]]) {
      assert.ok(pair(from, to).possible.intersect(HTTPS).isEmpty(), `${from} -> ${to}: ${pair(from, to).possible}`);
    }
  });

  it("writes app's internet egress as the internet minus 10.20.0.0/16 (16 blocks), and keeps edge's internet ingress at 0.0.0.0/0 behind a NACL deny", async () => {
    const out = resourcesOfType(SG_OUT).filter((r) => r.name.startsWith("sn-app-out-") && r.inputs.fromPort === 443);
    assert.equal(out.length, 16);
    assert.ok(out.every((r) => !String(r.inputs.cidrIpv4).startsWith("10.20.") && r.inputs.cidrIpv4 !== "0.0.0.0/0"), out.map((r) => r.inputs.cidrIpv4).join(", "));
    const inEdge = resourcesOfType(SG_IN).filter((r) => r.name.startsWith("sn-edge-in-") && r.inputs.fromPort === 443);
    assert.deepEqual(inEdge.map((r) => r.inputs.cidrIpv4), ["0.0.0.0/0"]);
    const edgeAcl = resourcesOfType(NACL).find((r) => r.name === "sn-edge")!;
    const ingress = [...edgeAcl.inputs.ingress].sort((a: any, b: any) => a.ruleNo - b.ruleNo);
    const deny = ingress.findIndex((e: any) => e.action === "deny" && e.cidrBlock === "10.20.0.0/16");
    const world = ingress.findIndex((e: any) => e.action === "allow" && e.cidrBlock === "0.0.0.0/0");
    assert.ok(deny >= 0 && deny < world, JSON.stringify(ingress));
  });
});
