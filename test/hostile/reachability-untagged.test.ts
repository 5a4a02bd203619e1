/**
 * Hostile values around untagged networks: a zone tag spelled like an untagged subnet's endpoint,
 * repeated logical names, security-group carriers of odd shapes and unknown values. None may
 * crash the engine, merge two endpoints, or drop a resource without a note.
 */
import assert from "node:assert/strict";
import { analyseReachability, type NetResource } from "../../core/reachability";
import { awsResources, baseline, T } from "../core/reachability/aws-fixture";
import { res, UNKNOWN_STRING, urnOf } from "../core/reachability/build";

const VPC_DEP = { dependencies: [urnOf(T.VPC, "main")], propertyDependencies: { vpcId: [urnOf(T.VPC, "main")] } };

describe("hostile / reachability: untagged networks", () => {
  it("a zone tag spelled `subnet:runners` does not swallow the untagged subnet runners: two endpoints", () => {
    const f = baseline();
    f.extra = [
      res(T.SUBNET, "odd", { vpcId: "main-id", cidrBlock: "10.0.50.0/24", tags: { "netseg:zone": "subnet:runners" } }, VPC_DEP),
      res(T.SUBNET, "runners", { vpcId: "main-id", cidrBlock: "10.0.51.0/24" }, VPC_DEP),
    ];
    const ids = analyseReachability(awsResources(f)).endpoints.map((e) => [e.id, e.network ?? null]);
    assert.deepEqual(ids.filter(([id]) => String(id).startsWith("aws:subnet:")), [["aws:subnet:runners", null], ["aws:subnet:runners#2", urnOf(T.SUBNET, "runners")]]);
  });

  it("two untagged subnets of one logical name (different parents) stay two endpoints", () => {
    const f = baseline();
    const a = { ...res(T.SUBNET, "ci", { vpcId: "main-id", cidrBlock: "10.0.60.0/24" }, VPC_DEP), urn: "urn:pulumi:test::netseg::a$aws:ec2/subnet:Subnet::ci" };
    const b = { ...res(T.SUBNET, "ci", { vpcId: "main-id", cidrBlock: "10.0.61.0/24" }, VPC_DEP), urn: "urn:pulumi:test::netseg::b$aws:ec2/subnet:Subnet::ci" };
    f.extra = [a, b];
    const eps = analyseReachability(awsResources(f)).endpoints.filter((e) => e.network);
    assert.deepEqual(eps.map((e) => [e.id, e.network]).sort(), [["aws:subnet:ci", a.urn], ["aws:subnet:ci#2", b.urn]].sort());
  });

  it("security-group carriers of odd shapes or unknown values are noted once each, never a crash", () => {
    const f = baseline();
    const odd: NetResource[] = [
      res("aws:rds/instance:Instance", "unknown-groups", { vpcSecurityGroupIds: UNKNOWN_STRING }),
      res("aws:rds/instance:Instance", "string-groups", { vpcSecurityGroupIds: "sg-data-id" }),
      res("aws:ecs/service:Service", "nested", { networkConfiguration: { subnets: ["x"], securityGroups: [UNKNOWN_STRING] } }),
      res("aws:ec2/launchTemplate:LaunchTemplate", "in-interfaces", { networkInterfaces: [{ securityGroups: ["sg-app-id"] }] }),
      res("aws:rds/instance:Instance", "empty-groups", { vpcSecurityGroupIds: [] }),
      res("aws:rds/instance:Instance", "null-groups", { vpcSecurityGroupIds: null, tags: null }),
      res("aws:rds/instance:Instance", "no-props", undefined as unknown as Record<string, unknown>),
    ];
    f.extra = odd;
    const notes = analyseReachability(awsResources(f)).notes;
    // Each is a workload that cannot be placed (no subnet of the stack, or a template nothing launches from).
    for (const name of ["unknown-groups", "string-groups", "nested", "in-interfaces", "empty-groups", "null-groups", "no-props"]) {
      assert.equal(notes.filter((n) => n.includes(`::${name}: not analysed`)).length, 1, `${name}: ${notes.join("\n")}`);
    }
  });

  it("a zone-less group with an unknown vpcId is placed in every untagged subnet (a wider path, never a hidden one)", () => {
    const f = baseline();
    f.extra = [
      res(T.SUBNET, "runners", { vpcId: "main-id", cidrBlock: "10.0.70.0/24" }, VPC_DEP),
      res(T.SG, "sg-somewhere", { vpcId: UNKNOWN_STRING, ingress: [], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }),
    ];
    const m = analyseReachability(awsResources(f));
    assert.ok(!m.notes.some((n) => n.includes("sg-somewhere")), m.notes.join("\n"));
    const toEdge = m.pairs.find((p) => p.from === "aws:subnet:runners" && p.to === "aws:edge");
    assert.equal(String(toEdge?.allowed), "tcp/443");
  });
});
