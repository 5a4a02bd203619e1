/**
 * AWS truth tables, worked out by hand from the fixture in aws-fixture.ts:
 *
 *   from \ to  | edge      | app       | data                         | internet
 *   internet   | tcp/443   | -         | -                            |
 *   edge       | (self)    | tcp/8080  | -                            | - (SG egress)
 *   app        | -         | (self)    | - (data NACL forgets return) | - (SG egress)
 *   data       | -         | -         | (self)                       | -
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, explainBlocked, type Matrix, type NetResource } from "../../../core/reachability";
import { awsResources, baseline, CIDR, nacl, T } from "./aws-fixture";
import { res, UNKNOWN_STRING, withoutId, urnOf } from "./build";

const tcp = (p: number) => TrafficSet.of("tcp", p);

function table(m: Matrix): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of m.pairs) if (p.from !== p.to) out[`${p.from} -> ${p.to}`] = p.allowed.toString();
  return out;
}

const EXPECTED: Record<string, string> = {
  "aws:app -> aws:data": "nothing",
  "aws:app -> aws:edge": "nothing",
  "aws:app -> internet": "nothing",
  "aws:data -> aws:app": "nothing",
  "aws:data -> aws:edge": "nothing",
  "aws:data -> internet": "nothing",
  "aws:edge -> aws:app": "tcp/8080",
  "aws:edge -> aws:data": "nothing",
  "aws:edge -> internet": "nothing",
  "internet -> aws:app": "nothing",
  "internet -> aws:data": "nothing",
  "internet -> aws:edge": "tcp/443",
};

describe("reachability / AWS", () => {
  it("matches the hand-worked truth table", () => {
    assert.deepEqual(table(analyseReachability(awsResources(baseline()))), EXPECTED);
  });

  it("joins references by dependencies when every id is unknown (first preview)", () => {
    const m = analyseReachability(awsResources(baseline(), { unknownIds: true }));
    assert.deepEqual(table(m), EXPECTED);
    assert.deepEqual(m.notes, []);
  });

  it("joins known ids through property dependencies when no resource carries its id (CrossGuard's props)", () => {
    const m = analyseReachability(awsResources(baseline()).map(withoutId));
    assert.deepEqual(table(m), EXPECTED);
  });

  it("names the NACL that allows the request but forgets the return traffic", () => {
    const m = analyseReachability(awsResources(baseline()));
    const pair = m.pair("aws:app", "aws:data")!;
    const blocks = explainBlocked(pair, tcp(5432));
    assert.deepEqual(blocks.map((b) => b.reason), ["return traffic tcp/1024-65535 not allowed by NACL acl-data outbound (acl-data outbound rule 32767 (default deny))"]);
    assert.equal(blocks[0].rule?.urn, urnOf(T.NACL, "acl-data"));
  });

  it("opens app -> data once the return entry exists, and lists every rule on the way", () => {
    const f = baseline();
    f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
    const m = analyseReachability(awsResources(f));
    const pair = m.pair("aws:app", "aws:data")!;
    assert.equal(pair.allowed.toString(), "tcp/5432");
    assert.deepEqual(pair.allowedBy.map((r) => `${r.resource} ${r.rule}`), [
      "acl-app inbound rule 110",
      "acl-app outbound rule 100",
      "acl-data inbound rule 100",
      "acl-data outbound rule 100",
      "sg-app egress[0]",
      "sg-data ingress[0]",
    ]);
  });

  it("takes NACL entries in rule-number order, first match wins, whatever the list order", () => {
    const f = baseline();
    f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
    f.nacl.data.ingress.push(nacl(90, "deny", "10.0.0.0/16", 5432));
    const pair = analyseReachability(awsResources(f)).pair("aws:app", "aws:data")!;
    assert.equal(pair.allowed.toString(), "nothing");
    assert.deepEqual(explainBlocked(pair, tcp(5432)).map((b) => b.reason), ["acl-data inbound rule 90 denies tcp/5432"]);
  });

  it("a deny covering only part of the source subnet leaves the rest reachable (some address pair)", () => {
    const f = baseline();
    f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
    f.nacl.data.ingress.push(nacl(90, "deny", "10.0.1.128/25", 5432));
    assert.equal(analyseReachability(awsResources(f)).pair("aws:app", "aws:data")!.allowed.toString(), "tcp/5432");
  });

  it("says which egress rule is missing", () => {
    const m = analyseReachability(awsResources(baseline()));
    assert.deepEqual(explainBlocked(m.pair("aws:edge", "aws:app")!, tcp(9090)).map((b) => b.reason), [
      "no egress rule in sg-edge to app on tcp/9090",
      "acl-app inbound rule 32767 (default deny) denies tcp/9090",
      "no ingress rule in sg-app from edge on tcp/9090",
    ]);
  });

  it("needs a route to an internet gateway for internet ingress, and igw or NAT for egress", () => {
    const f = baseline();
    f.sg.app.egress.push({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] });
    f.nacl.app.egress.push(nacl(120, "allow", "0.0.0.0/0", 443));
    f.nacl.app.ingress.push(nacl(120, "allow", "0.0.0.0/0", 1024, 65535));
    f.sg.data.egress.push({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] });
    f.nacl.data.egress.push(nacl(120, "allow", "0.0.0.0/0", 443));
    f.nacl.data.ingress.push(nacl(120, "allow", "0.0.0.0/0", 1024, 65535));
    const m = analyseReachability(awsResources(f));
    assert.equal(m.pair("aws:app", "internet")!.allowed.toString(), "tcp/443");
    const data = m.pair("aws:data", "internet")!;
    assert.equal(data.allowed.toString(), "nothing");
    // The subnets hold no IPv6 block, so the IPv6 internet is no part of the question.
    assert.deepEqual(explainBlocked(data, tcp(443)).map((b) => b.reason), ["no route to internet through an internet or NAT gateway in rt-data on tcp/443"]);
  });

  it("treats a route without a target as a blackhole", () => {
    const f = baseline();
    f.routes.edge = [{ cidrBlock: "0.0.0.0/0" }];
    const pair = analyseReachability(awsResources(f)).pair("internet", "aws:edge")!;
    assert.equal(pair.allowed.toString(), "nothing");
    assert.match(explainBlocked(pair, tcp(443))[0].reason, /blackhole/);
  });

  it("reads standalone SG rules of both generations, joined to their group by unknown id", () => {
    const f = baseline();
    f.sg.data.ingress = [];
    f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
    const base = awsResources(f, { unknownIds: true });
    const sgData = urnOf(T.SG, "sg-data");
    const sgApp = urnOf(T.SG, "sg-app");
    const m1 = analyseReachability([
      ...base,
      res(T.SGI, "data-from-app", { securityGroupId: UNKNOWN_STRING, referencedSecurityGroupId: UNKNOWN_STRING, ipProtocol: "tcp", fromPort: 5432, toPort: 5432 }, {
        dependencies: [sgData, sgApp],
        propertyDependencies: { securityGroupId: [sgData], referencedSecurityGroupId: [sgApp] },
      }),
    ]);
    assert.equal(m1.pair("aws:app", "aws:data")!.allowed.toString(), "tcp/5432");
    const m2 = analyseReachability([
      ...base,
      res(T.SGR, "data-from-app", { type: "ingress", securityGroupId: UNKNOWN_STRING, protocol: "6", fromPort: 5432, toPort: 5432, cidrBlocks: [CIDR.app] }, {
        dependencies: [sgData],
        propertyDependencies: { securityGroupId: [sgData] },
      }),
    ]);
    assert.equal(m2.pair("aws:app", "aws:data")!.allowed.toString(), "tcp/5432");
  });

  it("a standalone rule whose group could be one of two makes its path possible, not certain", () => {
    const f = baseline();
    f.sg.data.ingress = [];
    f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
    const both = [urnOf(T.SG, "sg-data"), urnOf(T.SG, "sg-edge")];
    const rule = res(T.SGI, "in-5432", { securityGroupId: UNKNOWN_STRING, cidrIpv4: CIDR.app, ipProtocol: "tcp", fromPort: 5432, toPort: 5432 }, { dependencies: both, propertyDependencies: { securityGroupId: both } });
    const pair = analyseReachability([...awsResources(f, { unknownIds: true }), rule]).pair("aws:app", "aws:data")!;
    assert.equal(pair.allowed.toString(), "nothing");
    assert.equal(pair.possible.toString(), "tcp/5432");
  });

  it("an SG reference that could be one of two groups is possible, not certain", () => {
    const f = baseline();
    const rs = awsResources(f, { unknownIds: true }).map((r) =>
      r.name === "sg-app" ? { ...r, propertyDependencies: { ...r.propertyDependencies, ingress: [urnOf(T.SG, "sg-edge"), urnOf(T.SG, "sg-data")] } } : r,
    );
    const pair = analyseReachability(rs).pair("aws:edge", "aws:app")!;
    assert.equal(pair.allowed.toString(), "nothing");
    assert.equal(pair.possible.toString(), "tcp/8080");
  });

  it("an unknown subnet block makes CIDR rules possible, never certain", () => {
    const rs = awsResources(baseline()).map((r) => (r.name === "subnet-app" ? { ...r, props: { ...r.props, cidrBlock: UNKNOWN_STRING } } : r));
    const m = analyseReachability(rs);
    assert.equal(m.pair("aws:edge", "aws:app")!.allowed.toString(), "nothing");
    assert.equal(m.pair("aws:edge", "aws:app")!.possible.toString(), "tcp/8080");
  });

  it("a subnet without a NACL of its own takes the VPC's default NACL, as the stack manages it", () => {
    const f = baseline();
    delete (f.nacl as any).data;
    // AWS's own default NACL allows everything: app -> data passes on the SGs alone.
    assert.equal(analyseReachability(awsResources(f)).pair("aws:app", "aws:data")!.allowed.toString(), "tcp/5432");
    const managed = (ingress: any[], egress: any[]) =>
      res("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl", "default-acl", { defaultNetworkAclId: UNKNOWN_STRING, ingress, egress }, { dependencies: [urnOf(T.VPC, "main")], propertyDependencies: { defaultNetworkAclId: [urnOf(T.VPC, "main")] } });
    f.extra = [managed([], [])];
    const closed = analyseReachability(awsResources(f)).pair("aws:app", "aws:data")!;
    assert.equal(closed.allowed.toString(), "nothing");
    assert.deepEqual(explainBlocked(closed, tcp(5432)).map((b) => b.reason), ["default-acl inbound rule 32767 (default deny) denies tcp/5432", "return traffic tcp/1024-65535 not allowed by NACL default-acl outbound (default-acl outbound rule 32767 (default deny))"]);
    f.extra = [managed([nacl(100, "allow", CIDR.app, 5432)], [nacl(100, "allow", CIDR.app, 1024, 65535)])];
    assert.equal(analyseReachability(awsResources(f)).pair("aws:app", "aws:data")!.allowed.toString(), "tcp/5432");
  });

  it("crosses VPCs only along a peering route, both ways", () => {
    const f = baseline();
    const other = res(T.VPC, "other", { cidrBlock: "10.9.0.0/16" });
    const pcx = res(T.PEERING, "pcx", { vpcId: "main-id", peerVpcId: "other-id" });
    const sub = res(T.SUBNET, "subnet-partner", { vpcId: "other-id", cidrBlock: "10.9.0.0/24", tags: { "netseg:zone": "partner" } });
    const sg = res(T.SG, "sg-partner", { egress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: [CIDR.app] }], ingress: [], tags: { "netseg:zone": "partner" } });
    f.sg.app.ingress.push({ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.9.0.0/24"] });
    f.nacl.app.ingress.push(nacl(120, "allow", "10.9.0.0/24", 8080));
    f.nacl.app.egress.push(nacl(120, "allow", "10.9.0.0/24", 1024, 65535));
    f.extra = [other, pcx, sub, sg];
    const blocked = analyseReachability(awsResources(f)).pair("aws:partner", "aws:app")!;
    assert.equal(blocked.allowed.toString(), "nothing");
    assert.match(explainBlocked(blocked, tcp(8080))[0].reason, /no route to app/);
    f.routes.app.push({ cidrBlock: "10.9.0.0/16", vpcPeeringConnectionId: "pcx-id" });
    const rt = res(T.RT, "rt-partner", { routes: [{ cidrBlock: "10.0.0.0/16", vpcPeeringConnectionId: "pcx-id" }] });
    f.extra.push(rt, res(T.RTA, "rta-partner", { subnetId: "subnet-partner-id", routeTableId: "rt-partner-id" }));
    assert.equal(analyseReachability(awsResources(f)).pair("aws:partner", "aws:app")!.allowed.toString(), "tcp/8080");
  });

  it("a zone spread over many VPCs pairs its subnets within each VPC, and counts the unrouted rest as one path", () => {
    const rs: NetResource[] = [];
    const vpcs = 120;
    for (let v = 0; v < vpcs; v++) {
      const vpc = res(T.VPC, `vpc-${v}`, { cidrBlock: `10.${v}.0.0/16` });
      rs.push(vpc);
      for (const [i, zone] of ["web", "db"].entries()) {
        rs.push(res(T.SUBNET, `${zone}-${v}`, { vpcId: `vpc-${v}-id`, cidrBlock: `10.${v}.${i}.0/24`, tags: { "netseg:zone": zone } }));
      }
    }
    rs.push(res(T.SG, "sg-web", { egress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/8"] }], tags: { "netseg:zone": "web" } }));
    rs.push(res(T.SG, "sg-db", { ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/8"] }], tags: { "netseg:zone": "db" } }));
    const pair = analyseReachability(rs).pair("aws:web", "aws:db")!;
    assert.equal(pair.allowed.toString(), "tcp/5432");
    assert.equal(pair.paths.length, vpcs + 1);
    assert.equal(pair.paths[vpcs].label, `${vpcs * vpcs - vpcs} subnet pairing(s) across VPCs, e.g. web-0 -> db-1`);
  });
});
