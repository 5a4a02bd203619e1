/**
 * Drift between a recorded preview (its `declared` list) and a stack export: the shop fixture's
 * three out-of-band changes found with their field and both values, and nothing else; references
 * compared by the resource they name; unknown and encrypted values not compared; resources added
 * or deleted outside the program.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { computeDrift, driftLine, type DeclaredResource } from "../../../core/audit/drift";
import { readStackExport, readStackExportText } from "../../../core/audit/stack-export";
import type { NetResource } from "../../../core/reachability";

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "audit", "stack-export");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function deployed(file: string): NetResource[] {
  const p = path.join(FIXTURES, file);
  return readStackExportText(p, fs.readFileSync(p, "utf8")).resources;
}
const declared = (): DeclaredResource[] => JSON.parse(fs.readFileSync(path.join(FIXTURES, "shop.preview.json"), "utf8")).declared;

describe("core/audit/drift (stack export against a recorded preview)", () => {
  it("finds no drift between the shop program and its unmodified export", () => {
    const d = computeDrift(declared(), deployed("shop.export.json"));
    assert.deepEqual(d.items, []);
    assert.equal(d.count, 0);
    assert.equal(d.compared, 104);
    // The IAM role names the mocks could not compute, and the launch template's encrypted user data.
    assert.ok(d.notCompared.some((x) => x.endsWith("LaunchTemplate::shop-egress-proxy userData")));
  });

  it("finds exactly the three out-of-band changes, each with its field and both values", () => {
    const d = computeDrift(declared(), deployed("shop.drifted.export.json"));
    assert.equal(d.count, 3);
    assert.deepEqual(
      d.items.map((i) => [i.change, i.type, i.name, i.field]),
      [
        ["changed", "aws:ec2/networkAcl:NetworkAcl", "shop-data", "ingress"],
        ["changed", "aws:ec2/routeTable:RouteTable", "shop-data-az1", "routes"],
        ["changed", "aws:ec2/securityGroup:SecurityGroup", "shop-edge", "ingress"],
      ],
    );
    const [acl, rt, sg] = d.items;
    assert.deepEqual(acl.onlyDeclared, [{ action: "allow", cidrBlock: "10.20.16.0/20", fromPort: 5432, protocol: "6", ruleNo: 100, toPort: 5432 }]);
    assert.deepEqual(acl.onlyDeployed, []);
    assert.equal((acl.declared as unknown[]).length, 4);
    assert.equal((acl.deployed as unknown[]).length, 3);
    assert.equal(rt.declared, undefined);
    assert.deepEqual((rt.onlyDeployed as Record<string, string>[]).map((r) => [r.cidrBlock, r.gatewayId]), [["0.0.0.0/0", "igw-2144e8136049ec553"]]);
    assert.deepEqual((sg.onlyDeployed as Record<string, unknown>[]).map((r) => [r.protocol, r.fromPort, r.toPort, r.cidrBlocks]), [["tcp", 22, 22, ["0.0.0.0/0"]]]);
    assert.match(driftLine(sg), /shop-edge, field ingress: deployed has \[\{"cidrBlocks":\["0\.0\.0\.0\/0"\],"fromPort":22,"protocol":"tcp","toPort":22\}\], which the program does not declare/);
    assert.match(driftLine(acl), /shop-data, field ingress: declared \[\{"action":"allow","cidrBlock":"10\.20\.16\.0\/20","fromPort":5432,.*"ruleNo":100.*\] is not deployed/);
  });

  const stack = (resources: object[]) => readStackExport("f.json", { version: 3, deployment: { resources } }).resources;
  const res = (type: string, name: string, id: string, outputs: object) => ({ urn: `urn:pulumi:prod::net::${type}::${name}`, custom: true, type, id, inputs: {}, outputs });
  const decl = (type: string, name: string, id: string, inputs: Record<string, unknown>): DeclaredResource => ({ urn: `urn:pulumi:dev::net::${type}::${name}`, type, name, custom: true, id, inputs });

  it("compares references by the resource they name (mock ids against real ids), numbers like their text, lists as sets", () => {
    const d = computeDrift(
      [
        decl("aws:ec2/vpc:Vpc", "main", "vpc-mock", { cidrBlock: "10.0.0.0/16" }),
        decl("aws:ec2/subnet:Subnet", "a", "subnet-mock", { vpcId: "vpc-mock", cidrBlock: "10.0.1.0/24" }),
        decl("aws:ec2/networkAcl:NetworkAcl", "acl", "acl-mock", { vpcId: "vpc-mock", ingress: [{ ruleNo: 100, protocol: "6", fromPort: 443, toPort: 443, action: "allow", cidrBlock: "0.0.0.0/0" }, { ruleNo: 110, protocol: "-1", fromPort: 0, toPort: 0, action: "allow", cidrBlock: "10.0.0.0/16" }] }),
      ],
      stack([
        res("aws:ec2/vpc:Vpc", "main", "vpc-0a1b", { cidrBlock: "10.0.0.0/16" }),
        res("aws:ec2/subnet:Subnet", "a", "subnet-0c2d", { vpcId: "vpc-0a1b", cidrBlock: "10.0.1.0/24", ipv6CidrBlock: "" }),
        res("aws:ec2/networkAcl:NetworkAcl", "acl", "acl-0e3f", { vpcId: "vpc-0a1b", ingress: [{ ruleNo: 110, protocol: "-1", fromPort: 0, toPort: 0, action: "allow", cidrBlock: "10.0.0.0/16", ipv6CidrBlock: "", icmpCode: 0, icmpType: 0 }, { ruleNo: "100", protocol: 6, fromPort: 443, toPort: 443, action: "allow", cidrBlock: "0.0.0.0/0", ipv6CidrBlock: "", icmpCode: 0, icmpType: 0 }] }),
      ]),
    );
    // The provider writes out ipv6CidrBlock "", icmpCode 0, icmpType 0 where the program left them: no drift.
    assert.deepEqual(d.items, []);
    const d2 = computeDrift(
      [decl("aws:ec2/vpc:Vpc", "main", "vpc-mock", { cidrBlock: "10.0.0.0/16" }), decl("aws:ec2/subnet:Subnet", "a", "subnet-mock", { vpcId: "vpc-mock", cidrBlock: "10.0.1.0/24" })],
      stack([res("aws:ec2/vpc:Vpc", "main", "vpc-0a1b", { cidrBlock: "10.0.0.0/16" }), res("aws:ec2/subnet:Subnet", "a", "subnet-0c2d", { vpcId: "vpc-0a1b", cidrBlock: "10.0.1.0/24" })]),
    );
    assert.deepEqual(d2.items, []);
    // A subnet moved to another VPC is drift, though both ids are real.
    const d3 = computeDrift(
      [decl("aws:ec2/vpc:Vpc", "main", "vpc-mock", { cidrBlock: "10.0.0.0/16" }), decl("aws:ec2/subnet:Subnet", "a", "subnet-mock", { vpcId: "vpc-mock", cidrBlock: "10.0.1.0/24" })],
      stack([res("aws:ec2/vpc:Vpc", "main", "vpc-0a1b", { cidrBlock: "10.0.0.0/16" }), res("aws:ec2/subnet:Subnet", "a", "subnet-0c2d", { vpcId: "vpc-other", cidrBlock: "10.0.1.0/24" })]),
    );
    assert.deepEqual(d3.items.map((i) => [i.name, i.field, i.declared, i.deployed]), [["a", "vpcId", "vpc-mock", "vpc-other"]]);
  });

  it("does not compare a value unknown at preview, and reports resources added or deleted outside the program", () => {
    const d = computeDrift(
      [decl("aws:ec2/subnet:Subnet", "a", "subnet-mock", { vpcId: UNKNOWN, cidrBlock: "10.0.1.0/24" }), decl("aws:ec2/subnet:Subnet", "b", "subnet-mock-b", { cidrBlock: "10.0.2.0/24" })],
      stack([res("aws:ec2/subnet:Subnet", "a", "subnet-1", { vpcId: "vpc-1", cidrBlock: "10.0.1.0/24" }), res("aws:ec2/subnet:Subnet", "c", "subnet-3", { cidrBlock: "10.0.3.0/24" })]),
    );
    assert.deepEqual(d.items.map((i) => [i.change, i.name]), [["deleted", "b"], ["added", "c"]].sort((x, y) => (x[1] < y[1] ? -1 : 1)));
    assert.deepEqual(d.notCompared, ["urn:pulumi:dev::net::aws:ec2/subnet:Subnet::a vpcId"]);
    assert.equal(d.count, 2);
    // A resource the stack reads with `get` (external) is deployed by someone else: no drift.
    const read = readStackExport("f.json", { version: 3, deployment: { resources: [{ ...res("aws:ec2/vpc:Vpc", "shared", "vpc-9", { cidrBlock: "10.9.0.0/16" }), external: true }] } });
    assert.deepEqual(read.external, ["urn:pulumi:prod::net::aws:ec2/vpc:Vpc::shared"]);
    assert.equal(read.resources.length, 1);
    assert.deepEqual(computeDrift([], read.resources, new Set(read.external)).items, []);
    assert.equal(computeDrift([], read.resources).count, 1);
  });
});
