/**
 * Networks no zone tag names are analysed, not ignored: an untagged AWS subnet or GCP subnetwork
 * is an endpoint of its own (`aws:subnet:<name>`, `gcp:subnet:<name>`), judged on the zone side by
 * the conformance check; what the engine cannot place (a security group with no zone and no
 * subnet to be placed in, a subnet of unknown VPC, a database or function carrying security
 * groups) is named in the matrix notes with its URN.
 */
import assert from "node:assert/strict";
import { parseIntent } from "../../../core/intent";
import { analyseReachability, compareWithIntent, type NetResource } from "../../../core/reachability";
import { awsResources, baseline, CIDR, nacl, T } from "./aws-fixture";
import { res, urnOf } from "./build";

const awsDoc = {
  name: "shop",
  addressSpace: "10.0.0.0/16",
  zones: [{ name: "edge", internet: "inbound", egress: "nat" }, { name: "app", egress: "proxy" }, { name: "data", sensitive: true }],
  peers: [{ name: "build", cidrs: ["172.16.8.0/22"] }],
  flows: [
    { from: "internet", to: "edge", ports: ["tcp/443"] },
    { from: "edge", to: "app", ports: ["tcp/8080"] },
    { from: "app", to: "data", ports: ["tcp/5432"] },
  ],
};
const awsIntent = parseIntent(awsDoc);

const VPC_DEP = { dependencies: [urnOf(T.VPC, "main")], propertyDependencies: { vpcId: [urnOf(T.VPC, "main")] } };

/** The baseline with data's return traffic fixed and data admitting tcp/5432 from the whole VPC block (the mistake). */
function wideData(block = "10.0.0.0/16") {
  const f = baseline();
  f.sg.data.ingress = [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/16", block] }];
  f.nacl.data.ingress = [nacl(100, "allow", "10.0.0.0/16", 5432), nacl(110, "allow", block, 5432)];
  f.nacl.data.egress = [nacl(100, "allow", "10.0.0.0/16", 1024, 65535), nacl(110, "allow", block, 1024, 65535)];
  return f;
}

/** A hand-written subnet without netseg's tag, and a security group without one, in the VPC. */
function runners(cidr = "10.0.20.0/24"): NetResource[] {
  return [
    res(T.SUBNET, "runners", { vpcId: "main-id", cidrBlock: cidr }, VPC_DEP),
    res(T.SG, "sg-runners", { vpcId: "main-id", ingress: [], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }, VPC_DEP),
  ];
}

describe("reachability / untagged networks are analysed (AWS)", () => {
  it("an untagged subnet and group reaching the sensitive zone's database port is an unintended path naming the subnet", () => {
    const f = wideData();
    f.extra = runners();
    const m = analyseReachability(awsResources(f), { intent: awsIntent });
    const ep = m.endpoints.find((e) => e.id === "aws:subnet:runners");
    assert.ok(ep, `no endpoint for the untagged subnet: ${m.endpoints.map((e) => e.id).join(", ")}`);
    assert.equal(ep.zone, undefined);
    assert.equal(ep.network, urnOf(T.SUBNET, "runners"));
    const r = compareWithIntent(m, awsIntent);
    const hit = r.unintended.find((u) => u.from === "aws:subnet:runners" && u.to === "aws:data");
    assert.ok(hit, `no unintended path from the untagged subnet: ${r.unintended.map((u) => u.message).join(" | ")}`);
    assert.equal(String(hit.traffic), "tcp/5432");
    assert.ok(hit.urns.includes(urnOf(T.SG, "sg-runners")), hit.urns.join(", "));
    assert.ok(hit.urns.includes(urnOf(T.SG, "sg-data")), hit.urns.join(", "));
    // The intended flow is still judged as before, and nothing is left unplaced.
    assert.ok(!r.accidentalDenies.length, r.accidentalDenies.map((d) => d.message).join(" | "));
    assert.deepEqual(m.notes, []);
  });

  it("the same subnet behind data's tight rules reaches nothing of the intent: no finding", () => {
    const f = baseline();
    f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
    f.extra = runners();
    const m = analyseReachability(awsResources(f), { intent: awsIntent });
    assert.ok(m.endpoints.some((e) => e.id === "aws:subnet:runners"));
    const r = compareWithIntent(m, awsIntent);
    assert.deepEqual([r.unintended, r.accidentalDenies, r.internetToSensitive, r.uncertain].map((l) => l.map((x) => x.message)), [[], [], [], []]);
  });

  it("an untagged subnet whose addresses lie in a declared peer's blocks counts as that peer", () => {
    // A secondary block of the VPC, inside the peer's.
    const f = wideData("172.16.9.0/24");
    f.extra = runners("172.16.9.0/24");
    const r = compareWithIntent(analyseReachability(awsResources(f), { intent: awsIntent }), awsIntent);
    // Still unintended (no flow from build to data), but the finding is the peer's path, not an unjudged one.
    assert.ok(r.unintended.some((u) => u.from === "aws:subnet:runners" && u.to === "aws:data"));
    const withFlow = parseIntent({ ...awsDoc, flows: [...awsDoc.flows, { from: "build", to: "data", ports: ["tcp/5432"] }] });
    const r2 = compareWithIntent(analyseReachability(awsResources(f), { intent: withFlow }), withFlow);
    assert.ok(!r2.unintended.some((u) => u.from === "aws:subnet:runners"), r2.unintended.map((u) => u.message).join(" | "));
  });

  it("a security group with no zone and no untagged subnet to be placed in is a note with its URN", () => {
    const f = baseline();
    f.extra = [res(T.SG, "sg-orphan", { vpcId: "main-id", ingress: [], egress: [] }, VPC_DEP)];
    const m = analyseReachability(awsResources(f), { intent: awsIntent });
    const notes = m.notes.filter((n) => n.startsWith(urnOf(T.SG, "sg-orphan")));
    assert.equal(notes.length, 1, m.notes.join("\n"));
    assert.match(notes[0], /not analysed: security group sg-orphan has no zone tag and no subnet/);
  });

  it("a subnet of a VPC outside the stack takes none of this stack's VPC defaults: its own VPC's main table and default NACL are unknown, so its answers are 'maybe'", () => {
    const f = baseline();
    f.extra = [
      // This stack's VPC default NACL, emptied (deny all), and a zone subnet of another VPC with no association.
      res("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl", "main-default", { defaultNetworkAclId: "main-default-acl", ingress: [], egress: [] }, { dependencies: [urnOf(T.VPC, "main")] }),
      res(T.SUBNET, "legacy", { vpcId: "vpc-0a1b2c3d4e5f60718", cidrBlock: "10.9.0.0/24", tags: { "netseg:zone": "legacy" } }),
      res(T.SG, "sg-legacy", { vpcId: "vpc-0a1b2c3d4e5f60718", tags: { "netseg:zone": "legacy" }, ingress: [], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }),
    ];
    const m = analyseReachability(awsResources(f));
    const p = m.pair("aws:legacy", "internet")!;
    assert.equal(String(p.allowed), "nothing");
    assert.notEqual(String(p.possible), "nothing");
    assert.ok(p.paths.some((x) => x.stages.some((s) => /VPC vpc-0a1b2c3d4e5f60718 \(outside this stack\) is not known/.test(s.missing))), JSON.stringify(p.paths.map((x) => x.stages.map((s) => s.missing))));
  });

  it("an untagged subnet whose VPC cannot be told is a note with its URN, not an endpoint", () => {
    const f = baseline();
    f.extra = [res(T.SUBNET, "lost", { cidrBlock: "10.0.30.0/24" })];
    const m = analyseReachability(awsResources(f), { intent: awsIntent });
    assert.ok(!m.endpoints.some((e) => e.network === urnOf(T.SUBNET, "lost")));
    assert.ok(m.notes.some((n) => n.startsWith(`${urnOf(T.SUBNET, "lost")}: not analysed: subnet lost has no zone tag and its VPC is unknown`)), m.notes.join("\n"));
  });

  it("a function in a zone's subnet is a workload endpoint; a database and an instance with no subnet of the stack are each a 'not analysed' note, once", () => {
    const f = baseline();
    f.extra = [
      res("aws:rds/instance:Instance", "orders-db", { engine: "postgres", vpcSecurityGroupIds: ["sg-data-id"] }),
      res("aws:lambda/function:Function", "resize", { vpcConfig: { subnetIds: ["subnet-app-id"], securityGroupIds: ["sg-app-id", "sg-app-id"] } }),
      res("aws:ec2/instance:Instance", "bastion", { vpcSecurityGroupIds: ["sg-edge-id"] }),
      res("aws:s3/bucket:Bucket", "logs", { bucket: "logs" }),
    ];
    const m = analyseReachability(awsResources(f), { intent: awsIntent });
    for (const [type, name] of [["aws:rds/instance:Instance", "orders-db"], ["aws:ec2/instance:Instance", "bastion"]]) {
      const mine = m.notes.filter((n) => n.startsWith(`${urnOf(type, name)}:`));
      assert.equal(mine.length, 1, m.notes.join("\n"));
      assert.match(mine[0], /not analysed: .* no subnet of this stack can be told from its properties, so it cannot be placed in a zone/);
    }
    const fn = m.endpoints.find((e) => e.resource === urnOf("aws:lambda/function:Function", "resize"));
    assert.deepEqual(fn && { id: fn.id, kind: fn.kind, zone: fn.zone }, { id: "aws:app/lambda:resize", kind: "workload", zone: "app" });
    assert.ok(!m.notes.some((n) => n.includes("resize") || n.includes("logs")), m.notes.join("\n"));
  });

  it("netseg's own infrastructure subnets and groups (managed-by and a role, no zone) are neither endpoints nor notes", () => {
    const f = baseline();
    const infra = { "netseg:managed-by": "netseg", "netseg:intent": "shop", "netseg:role": "egress-nat" };
    f.extra = [
      res(T.SUBNET, "shop-egress-nat-az1", { vpcId: "main-id", cidrBlock: "10.0.40.0/28", tags: infra }, VPC_DEP),
      res(T.SG, "shop-egress-proxy-lb", { vpcId: "main-id", ingress: [], egress: [], tags: { ...infra, "netseg:role": "egress-proxy" } }, VPC_DEP),
      res("aws:lb/loadBalancer:LoadBalancer", "shop-egress-proxy", { securityGroups: ["shop-egress-proxy-lb-id"], tags: { ...infra, "netseg:role": "egress-proxy" } }),
    ];
    const m = analyseReachability(awsResources(f), { intent: awsIntent });
    assert.deepEqual(m.endpoints.filter((e) => e.network).map((e) => e.id), []);
    assert.deepEqual(m.notes, []);
    // The managed-by mark alone, or a role with a zone-less hand-written mark, does not hide a subnet.
    f.extra = [res(T.SUBNET, "sneaky", { vpcId: "main-id", cidrBlock: "10.0.41.0/28", tags: { "netseg:role": "egress-nat" } }, VPC_DEP)];
    assert.ok(analyseReachability(awsResources(f), { intent: awsIntent }).endpoints.some((e) => e.id === "aws:subnet:sneaky"));
  });
});

const SUB = "gcp:compute/subnetwork:Subnetwork";
const NET = "gcp:compute/network:Network";
const FW = "gcp:compute/firewall:Firewall";
const SA = "gcp:serviceaccount/account:Account";

describe("reachability / untagged networks are analysed (GCP)", () => {
  const intent = parseIntent({
    name: "shop",
    addressSpace: "10.1.0.0/16",
    zones: [{ name: "app" }, { name: "db", sensitive: true }],
    flows: [{ from: "app", to: "db", ports: ["tcp/5432"] }],
  });
  const net = { network: "net-id" };
  const stack = (dbSource: string): NetResource[] => [
    res(NET, "net", { name: "shop", autoCreateSubnetworks: false, deleteDefaultRoutesOnCreate: true }),
    ...["app", "db"].flatMap((z, i) => [
      res(SUB, `sub-${z}`, { ...net, ipCidrRange: `10.1.${i}.0/24`, description: `netseg zone ${z} (netseg-zone=${z})` }),
      res(SA, `sa-${z}`, { accountId: `shop-${z}`, email: `shop-${z}@p.iam.gserviceaccount.com`, description: `zone ${z} (netseg-zone=${z})` }),
    ]),
    res(SUB, "sub-ci", { ...net, ipCidrRange: "10.1.9.0/24", description: "CI runners" }),
    res(SUB, "shop-egress-proxy-r1", { ...net, ipCidrRange: "10.1.10.0/28", description: "netseg egress proxy subnet of shop in r1" }),
    res(FW, "db-in", { ...net, priority: 1000, direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["5432"] }], sourceRanges: [dbSource], targetServiceAccounts: ["shop-db@p.iam.gserviceaccount.com"] }),
  ];

  it("an untagged subnetwork is an endpoint, and its path into the sensitive zone is unintended", () => {
    const m = analyseReachability(stack("10.1.0.0/16"), { intent });
    assert.deepEqual(m.endpoints.filter((e) => e.network).map((e) => [e.id, e.zone, e.network]), [["gcp:subnet:sub-ci", undefined, urnOf(SUB, "sub-ci")]]);
    const r = compareWithIntent(m, intent);
    const hit = r.unintended.find((u) => u.from === "gcp:subnet:sub-ci" && u.to === "gcp:db");
    assert.ok(hit, r.unintended.map((u) => u.message).join(" | "));
    assert.equal(String(hit.traffic), "tcp/5432");
    assert.ok(hit.urns.includes(urnOf(FW, "db-in")));
  });

  it("with the database rule narrowed to app's range, the untagged subnetwork reaches nothing of the intent", () => {
    const r = compareWithIntent(analyseReachability(stack("10.1.0.0/24"), { intent }), intent);
    assert.deepEqual([r.unintended, r.accidentalDenies, r.uncertain].map((l) => l.map((x) => x.message)), [[], [], []]);
  });

  it("an untagged subnetwork of unknown network is a note with its URN", () => {
    const m = analyseReachability([...stack("10.1.0.0/24"), res(SUB, "adrift", { ipCidrRange: "10.1.11.0/24" })], { intent });
    assert.ok(m.notes.some((n) => n.startsWith(`${urnOf(SUB, "adrift")}: not analysed:`)), m.notes.join("\n"));
  });
});
