/**
 * `to: internet` and `from: internet` flows, whatever the zone's way out (NAT, internet gateway):
 * their rules must not open the deployment's own ranges, which the VPC's local route (and the
 * tenants' routes) carry. Security-group egress names the internet minus those ranges; the
 * internet-facing ingress keeps 0.0.0.0/0 (each netseg zone's egress already leaves the own
 * ranges out) and every zone with an internet-bound allow denies the own ranges in its NACL in
 * front of it, both ways, with the zone's own flows kept open ahead of the deny.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseIntent, type IntentInput } from "../../../../core/intent";
import { IntentError } from "../../../../core/intent/errors";
import { CidrSet } from "../../../../core/net";
import { blockCount, cidr, subnetAt } from "../../../../core/net/cidr";
import { planAwsRulesForIntent } from "../../../../core/rules/aws";
import { naclAllows, zoneOf } from "./nacl-reference";

const WORLD = CidrSet.fromCidrs(["0.0.0.0/0"]);

/** The shop with app behind NAT, reaching the internet on 443; edge admits the internet on 443. */
function shopNat(extra: Partial<IntentInput> = {}): IntentInput {
  return {
    name: "shopnat",
    addressSpace: "10.20.0.0/16",
    availabilityZones: 3,
    zones: [
      { name: "edge", slot: 0, internet: "inbound", egress: "nat" },
      { name: "app", slot: 1, egress: "nat" },
      { name: "data", slot: 2, egress: "none", sensitive: true },
    ],
    peers: [{ name: "office", cidrs: ["203.0.113.0/24"] }],
    flows: [
      { from: "internet", to: "edge", ports: ["tcp/443"] },
      { from: "edge", to: "app", ports: ["tcp/8080"] },
      { from: "app", to: "data", ports: ["tcp/5432"] },
      { from: "office", to: "app", ports: ["tcp/8443"] },
      { from: "app", to: "internet", ports: ["tcp/443"] },
    ],
    ...extra,
  };
}

describe("core/rules/aws: internet flows never open the deployment's own ranges", () => {
  const plan = planAwsRulesForIntent(parseIntent(shopNat()));
  const app = zoneOf(plan, "app");
  const edge = zoneOf(plan, "edge");
  const EDGE = "10.20.0.10";
  const APP = "10.20.16.10";
  const DATA = "10.20.32.10";
  const INTERNET = "198.51.100.7";

  it("security group: app's egress to the internet is the internet minus the address space, one rule per block (keys renamed)", () => {
    const out = app.securityGroup.egress.filter((r) => r.flowKeys.includes("app->internet"));
    assert.equal(out.length, 16, "the complement of a /16 is 16 blocks");
    const blocks = CidrSet.fromCidrs(out.map((r) => (r.peer.kind === "cidr" ? r.peer.cidr : "255.255.255.255/32")));
    assert.ok(blocks.equals(WORLD.subtract(CidrSet.fromCidrs(["10.20.0.0/16"]))), String(blocks));
    assert.ok(out.every((r) => r.protocol === "tcp" && r.fromPort === 443 && r.toPort === 443 && r.peer.kind === "cidr" && r.peer.name === "internet"));
    assert.ok(!app.securityGroup.egress.some((r) => r.key === "out-0.0.0.0-0-tcp-443"), "the old 0.0.0.0/0 rule is gone (replaced)");
    assert.ok(out.some((r) => r.key === "out-128.0.0.0-1-tcp-443"));
  });

  it("security group: edge's internet ingress stays 0.0.0.0/0 (same key): the sources' egress and the NACL close it", () => {
    const inbound = edge.securityGroup.ingress.filter((r) => r.flowKeys.includes("internet->edge"));
    assert.deepEqual(inbound.map((r) => [r.key, r.peer.kind === "cidr" ? r.peer.cidr : "?"]), [["in-0.0.0.0-0-tcp-443", "0.0.0.0/0"]]);
  });

  it("NACL: app's egress reaches the internet on 443 but no zone of the VPC on 443; its flows still pass", () => {
    assert.ok(naclAllows(app.nacl.egress, INTERNET, "tcp", 443));
    assert.ok(!naclAllows(app.nacl.egress, EDGE, "tcp", 443), "app -> edge:443 is not in the intent");
    assert.ok(naclAllows(app.nacl.egress, DATA, "tcp", 5432), "app -> data:5432 is");
    assert.ok(naclAllows(app.nacl.egress, EDGE, "tcp", 40000), "replies to edge's requests on 8080");
    assert.ok(naclAllows(app.nacl.egress, "203.0.113.9", "tcp", 40000), "replies to the office");
    assert.ok(naclAllows(app.nacl.ingress, EDGE, "tcp", 8080), "edge may start 8080");
    assert.ok(!naclAllows(app.nacl.ingress, EDGE, "tcp", 443), "but not reach app on 443");
    assert.ok(naclAllows(app.nacl.ingress, INTERNET, "tcp", 40000), "the internet's replies come back");
    const deny = app.nacl.egress.find((e) => e.purposes.includes("own-range-deny"))!;
    const world = app.nacl.egress.find((e) => e.cidr === "0.0.0.0/0" && e.action === "allow")!;
    assert.equal(deny.cidr, "10.20.0.0/16");
    assert.ok(deny.ruleNumber < world.ruleNumber);
  });

  it("NACL: edge admits the internet on 443 but not the VPC's own zones; NAT transit and its flows still pass", () => {
    assert.ok(naclAllows(edge.nacl.ingress, INTERNET, "tcp", 443));
    assert.ok(!naclAllows(edge.nacl.ingress, DATA, "tcp", 443), "data -> edge:443");
    assert.ok(naclAllows(edge.nacl.ingress, APP, "tcp", 443), "app's internet-bound requests cross edge's subnets to the NAT gateway (the app SG and NACL stop app -> edge)");
    assert.ok(naclAllows(edge.nacl.egress, INTERNET, "tcp", 443), "NAT onwards");
    assert.ok(naclAllows(edge.nacl.egress, APP, "tcp", 8080), "edge -> app:8080");
    assert.ok(!naclAllows(edge.nacl.egress, DATA, "tcp", 40000), "no reply to data, which asks edge nothing");
    assert.ok(naclAllows(edge.nacl.egress, INTERNET, "tcp", 40000), "replies to internet clients");
    assert.ok(edge.nacl.ingress.length <= plan.naclEntryLimit && edge.nacl.egress.length <= plan.naclEntryLimit);
  });

  it("leaves a zone without internet-bound allows as it was", () => {
    const data = zoneOf(plan, "data");
    assert.ok(![...data.nacl.ingress, ...data.nacl.egress].some((e) => e.purposes.includes("own-range-deny")));
    assert.ok(![...data.securityGroup.ingress, ...data.securityGroup.egress].some((r) => r.peer.kind === "cidr" && r.peer.name === "internet"));
  });

  it("leaves the tenants' pool and shared services out too, and extra ownRanges given by the caller", () => {
    const fleet = parseIntent({
      ...shopNat(),
      tenants: { pool: "10.128.0.0/12", blockPrefix: 20, availabilityZones: 2, zones: [{ name: "web" }], flows: [], sharedServices: { addressSpace: "10.64.0.0/20", ports: ["tcp/443"] }, members: [{ name: "acme" }] },
    });
    const p = planAwsRulesForIntent(fleet, { ownRanges: ["172.16.0.0/12"] });
    const own = CidrSet.fromCidrs(["10.20.0.0/16", "10.128.0.0/12", "10.64.0.0/20", "172.16.0.0/12"]);
    const out = zoneOf(p, "app").securityGroup.egress.filter((r) => r.flowKeys.includes("app->internet"));
    assert.ok(CidrSet.fromCidrs(out.map((r) => (r.peer.kind === "cidr" ? r.peer.cidr : "255.255.255.255/32"))).equals(WORLD.subtract(own)));
    for (const host of ["10.130.0.5", "10.64.0.9", "172.20.0.1"]) assert.ok(!naclAllows(zoneOf(p, "app").nacl.egress, host, "tcp", 443), host);
  });

  it("says why, when the internet's blocks times the ports do not fit the security-group quota", () => {
    const flows = shopNat().flows!.map((f) => (f.from === "app" && f.to === "internet" ? { ...f, ports: ["tcp/443", "tcp/8443", "tcp/9443", "tcp/10443"] } : f));
    const many = parseIntent(shopNat({ flows }));
    assert.throws(
      () => planAwsRulesForIntent(many),
      (e: unknown) => e instanceof IntentError && /zone "app" needs \d+ security-group egress rules, over the limit of 60/.test(e.message) && /its egress to the internet is written as the 16 blocks of 0\.0\.0\.0\/0 outside the deployment's own ranges \(10\.20\.0\.0\/16\)/.test(e.message),
    );
  });

  it("property: for any address space and internet port, app's internet egress is the exact complement and no address of edge passes app's NACL on it", () => {
    fc.assert(
      fc.property(fc.constantFrom("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"), fc.integer({ min: 16, max: 20 }), fc.nat(), fc.integer({ min: 1, max: 1023 }), fc.integer({ min: 1, max: 200 }), (parent, prefix, index, port, hostByte) => {
        const addressSpace = subnetAt(cidr(parent), prefix, index % Number(blockCount(cidr(parent), prefix)))!.text;
        const flows = shopNat().flows!.map((f) => (f.from === "app" && f.to === "internet" ? { ...f, ports: [`tcp/${port}`] } : f));
        const p = planAwsRulesForIntent(parseIntent(shopNat({ addressSpace, flows })));
        const a = zoneOf(p, "app");
        const own = CidrSet.fromCidrs([addressSpace]);
        const out = a.securityGroup.egress.filter((r) => r.flowKeys.includes("app->internet"));
        const blocks = CidrSet.fromCidrs(out.map((r) => (r.peer.kind === "cidr" ? r.peer.cidr : "255.255.255.255/32")));
        if (!blocks.equals(WORLD.subtract(own)) || blocks.overlaps(own) || out.length !== prefix) return false;
        // An address of edge (no app -> edge flow; below 1024 no reply to edge's requests either).
        const edgeBlock = zoneOf(p, "edge").nacl.ingress.find((e) => e.purposes.includes("intra-zone"))!.cidr;
        const host = edgeBlock.replace(/\.0\/\d+$/, `.${hostByte}`);
        return !naclAllows(a.nacl.egress, host, "tcp", port) && naclAllows(a.nacl.egress, "198.51.100.7", "tcp", port);
      }),
      { numRuns: 40 },
    );
  });
});
