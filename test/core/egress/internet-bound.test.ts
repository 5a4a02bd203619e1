/**
 * A transparent egress firewall on the internet route: the zones' rules towards it are "the
 * internet on the allow-listed ports", which must not include the deployment's own ranges (the
 * VPC's local route and the tenants' routes never reach the firewall). Security groups name the
 * internet minus those ranges; NACLs deny those ranges before their broad allows.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadIntentFile, parseIntent, type IntentInput } from "../../../core/intent";
import { IntentError } from "../../../core/intent/errors";
import { CidrSet } from "../../../core/net";
import { blockCount, cidr, subnetAt } from "../../../core/net/cidr";
import { planAddresses } from "../../../core/addressing";
import { planAwsRulesForIntent, renderAwsPlanText, type AwsRulePlan } from "../../../core/rules/aws";
import { naclAllows, zoneOf } from "../rules/aws/nacl-reference";

const FIREWALL = { egressProxy: { mode: "cidrs" as const, cidrs: ["0.0.0.0/0"] } };
const towardsFirewall = (plan: AwsRulePlan, zone: string) => zoneOf(plan, zone).securityGroup.egress.filter((r) => r.flowKeys.some((k) => k.endsWith("->egress-proxy")));
const blocksOf = (rules: ReturnType<typeof towardsFirewall>) => CidrSet.fromCidrs(rules.map((r) => (r.peer.kind === "cidr" ? r.peer.cidr : "255.255.255.255/32")));

describe("core/rules/aws: a transparent egress firewall never opens the deployment's own ranges", () => {
  const intent = loadIntentFile("examples/egress-allowlist/intent.yaml");
  const plan = planAwsRulesForIntent(intent, FIREWALL);
  const payments = zoneOf(plan, "payments");
  const EDGE = "10.40.0.10";
  const DATA = "10.40.32.10";
  const INTERNET = "198.51.100.7";

  it("security group: tcp/443 to exactly the internet minus the address space", () => {
    const rules = towardsFirewall(plan, "payments");
    assert.ok(rules.every((r) => r.protocol === "tcp" && r.fromPort === 443 && r.toPort === 443));
    assert.ok(blocksOf(rules).equals(CidrSet.fromCidrs(["0.0.0.0/0"]).subtract(CidrSet.fromCidrs(["10.40.0.0/16"]))));
    assert.ok(!blocksOf(rules).overlaps(CidrSet.fromCidrs(["10.40.0.0/16"])), "no block reaches the VPC");
    assert.equal(rules.length, 16, "the complement of a /16 is 16 blocks");
    assert.ok(payments.securityGroup.egress.length <= plan.sgRuleLimit);
    assert.deepEqual(plan.egressProxy?.excludedRanges, ["10.40.0.0/16"]);
    assert.match(renderAwsPlanText(planAddresses(intent), plan), /internet-bound: 10\.40\.0\.0\/16 left out of the zones' security-group blocks and denied in their NACLs/);
  });

  it("NACL out: the internet on 443, but no zone of the VPC on 443; the zone's own flows still pass", () => {
    assert.ok(naclAllows(payments.nacl.egress, INTERNET, "tcp", 443));
    assert.ok(!naclAllows(payments.nacl.egress, EDGE, "tcp", 443), "payments -> edge:443 is not in the intent");
    assert.ok(!naclAllows(payments.nacl.egress, "10.40.240.9", "tcp", 443), "nor the infrastructure subnets");
    assert.ok(naclAllows(payments.nacl.egress, DATA, "tcp", 5432), "payments -> data:5432 is");
    assert.ok(naclAllows(payments.nacl.egress, EDGE, "tcp", 40000), "replies to edge's requests on 8443");
    const deny = payments.nacl.egress.find((e) => e.purposes.includes("own-range-deny"))!;
    const world = payments.nacl.egress.find((e) => e.cidr === "0.0.0.0/0" && e.action === "allow")!;
    assert.equal(deny.cidr, "10.40.0.0/16");
    assert.ok(deny.ruleNumber < world.ruleNumber, "the deny is numbered before the internet allow");
  });

  it("NACL in: replies from the internet and from data come back; the return entry no longer admits the VPC on ephemeral ports", () => {
    assert.ok(naclAllows(payments.nacl.ingress, INTERNET, "tcp", 40000));
    assert.ok(naclAllows(payments.nacl.ingress, DATA, "tcp", 40000), "data's replies (absorbed by the internet entry before) are kept");
    assert.ok(naclAllows(payments.nacl.ingress, DATA, "tcp", 3389), "the whole ephemeral range, as before");
    assert.ok(naclAllows(payments.nacl.ingress, EDGE, "tcp", 8443), "edge -> payments:8443");
    assert.ok(!naclAllows(payments.nacl.ingress, EDGE, "tcp", 40000), "edge on an ephemeral port is not a reply to anything");
    assert.ok(!naclAllows(payments.nacl.ingress, INTERNET, "tcp", 3389), "RDP from the internet stays closed");
  });

  it("leaves zones with no internet-bound allow, explicit proxies and proxy groups as they were", () => {
    // edge admits the internet on 443, so its NACL denies the own ranges too (see internet-flows.test.ts);
    // data has no internet-bound allow at all.
    const hasOwnDeny = (z: AwsRulePlan["zones"][number]) => [...z.nacl.ingress, ...z.nacl.egress].some((e) => e.purposes.includes("own-range-deny"));
    assert.ok(!hasOwnDeny(zoneOf(plan, "data")), "data");
    assert.ok(hasOwnDeny(zoneOf(plan, "edge")), "edge admits the internet");
    for (const options of [{ egressProxy: { listenPort: 3128 } }, {}]) {
      const other = planAwsRulesForIntent(intent, options);
      const p = zoneOf(other, "payments");
      assert.ok(![...p.nacl.ingress, ...p.nacl.egress].some((e) => e.purposes.includes("own-range-deny")));
    }
  });

  it("excludes the tenants' pool and shared services too", () => {
    const input: IntentInput = {
      name: "fleet",
      addressSpace: "10.0.0.0/16",
      availabilityZones: 2,
      zones: [{ name: "edge", internet: "inbound" }, { name: "app", egress: "proxy" }],
      flows: [{ from: "edge", to: "app", ports: ["tcp/8080"] }],
      egress: [{ from: "app", allow: ["api.stripe.com:443"] }],
      tenants: { pool: "10.128.0.0/12", blockPrefix: 20, availabilityZones: 2, zones: [{ name: "web" }], flows: [], sharedServices: { addressSpace: "10.64.0.0/20", ports: ["tcp/443"] }, members: [{ name: "acme" }] },
    };
    const p = planAwsRulesForIntent(parseIntent(input), FIREWALL);
    const own = CidrSet.fromCidrs(["10.0.0.0/16", "10.128.0.0/12", "10.64.0.0/20"]);
    const rules = towardsFirewall(p, "app");
    assert.ok(blocksOf(rules).equals(CidrSet.fromCidrs(["0.0.0.0/0"]).subtract(own)));
    const app = zoneOf(p, "app");
    for (const host of ["10.0.1.1", "10.130.0.5", "10.64.0.9"]) assert.ok(!naclAllows(app.nacl.egress, host, "tcp", 443), host);
    assert.ok(naclAllows(app.nacl.egress, "10.200.0.1", "tcp", 443), "a 10/8 address outside every own range is the internet's business (the firewall decides)");
    assert.deepEqual(app.nacl.egress.filter((e) => e.purposes.includes("own-range-deny")).map((e) => e.cidr).sort(), ["10.0.0.0/16", "10.128.0.0/12", "10.64.0.0/20"]);
  });

  it("says why, when the blocks times the ports do not fit the security-group quota", () => {
    const many = parseIntent({ ...(intentInput()), egress: [{ from: "payments", allow: ["a.example.com:443", "b.example.com:8443", "c.example.com:9443", "d.example.com:10443"] }] });
    assert.throws(
      () => planAwsRulesForIntent(many, FIREWALL),
      (e: unknown) => e instanceof IntentError && /zone "payments" needs 65 security-group egress rules, over the limit of 60/.test(e.message) && /written as the 16 blocks of 0\.0\.0\.0\/0 outside the deployment's own ranges \(10\.40\.0\.0\/16\)/.test(e.message),
    );
  });

  it("property: for any address space, the blocks are the exact complement, disjoint from it, at most one per prefix length", () => {
    fc.assert(
      fc.property(fc.constantFrom("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"), fc.integer({ min: 16, max: 22 }), fc.nat(), (parent, prefix, index) => {
        const addressSpace = subnetAt(cidr(parent), prefix, index % Number(blockCount(cidr(parent), prefix)))!.text;
        const p = planAwsRulesForIntent(parseIntent({ ...intentInput(), addressSpace }), FIREWALL);
        const rules = towardsFirewall(p, "payments");
        const own = CidrSet.fromCidrs([addressSpace]);
        return blocksOf(rules).equals(CidrSet.fromCidrs(["0.0.0.0/0"]).subtract(own)) && !blocksOf(rules).overlaps(own) && rules.length === prefix;
      }),
      { numRuns: 40 },
    );
  });
});

function intentInput(): IntentInput {
  return {
    name: "payments",
    addressSpace: "10.40.0.0/16",
    availabilityZones: 2,
    zones: [{ name: "edge", internet: "inbound" }, { name: "payments", egress: "proxy" }, { name: "data", sensitive: true }],
    flows: [{ from: "internet", to: "edge", ports: ["tcp/443"] }, { from: "edge", to: "payments", ports: ["tcp/8443"] }, { from: "payments", to: "data", ports: ["tcp/5432"] }],
    egress: [{ from: "payments", allow: ["api.stripe.com:443"] }],
  };
}
