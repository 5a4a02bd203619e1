import assert from "node:assert/strict";
import { parseIntent, loadIntentFile, type IntentInput } from "../../../../core/intent";
import { IntentError } from "../../../../core/intent/errors";
import { planAddresses } from "../../../../core/addressing";
import { CidrSet } from "../../../../core/net";
import { internetAdminDenies, planAwsRulesForIntent } from "../../../../core/rules/aws";
import { TrafficSet } from "../../../../core/net";
import { naclAllows, zoneOf } from "./nacl-reference";

const SHOP = "examples/intents/shop.yaml";

describe("core/rules/aws egress proxy addressing", () => {
  const intent = loadIntentFile(SHOP);
  const proxySubnets = planAddresses(intent).infrastructure.filter((s) => s.purpose === "proxy").map((s) => s.cidr);
  const proxyHost = proxySubnets[0].replace(/0\/\d+$/, "10");

  describe("explicit proxy (listenPort)", () => {
    const plan = planAwsRulesForIntent(intent, { egressProxy: { listenPort: 3128 } });
    const app = zoneOf(plan, "app");

    it("opens the zone's security-group egress towards the proxy on the listen port only", () => {
      const toProxy = app.securityGroup.egress.filter((r) => r.peer.kind === "egress-proxy");
      assert.deepEqual(toProxy.map((r) => [r.protocol, r.fromPort, r.toPort, r.key]), [["tcp", 3128, 3128, "out-egress-proxy-tcp-3128"]]);
      assert.match(toProxy[0].description, /api\.stripe\.com:443/, "the description still names the destinations");
      assert.ok(!app.securityGroup.egress.some((r) => r.peer.kind === "cidr" && r.peer.cidr === "0.0.0.0/0"), "nothing goes to the internet directly");
      assert.deepEqual(plan.egressProxy?.ingress.map((r) => [r.peer, r.fromPort, r.toPort]), [[{ kind: "zone", zone: "app" }, 3128, 3128]]);
      assert.equal(plan.egressProxy?.listenPort, 3128);
    });

    it("opens the zone's NACL to the proxy subnets on 3128 (request) and ephemeral ports (return), nothing to the internet", () => {
      assert.ok(naclAllows(app.nacl.egress, proxyHost, "tcp", 3128));
      assert.ok(naclAllows(app.nacl.ingress, proxyHost, "tcp", 40000));
      assert.ok(!naclAllows(app.nacl.egress, proxyHost, "tcp", 443), "not the destination port");
      assert.ok(!naclAllows(app.nacl.egress, "198.51.100.7", "tcp", 443), "not the internet");
      assert.ok(!naclAllows(app.nacl.egress, "198.51.100.7", "tcp", 3128));
      const requests = app.nacl.egress.filter((e) => e.purposes.includes("request") && e.cidr !== "10.20.32.0/20");
      assert.ok(requests.some((e) => e.fromPort === 3128 && e.toPort === 3128 && proxySubnets.some((p) => CidrSet.fromCidrs([e.cidr]).covers(CidrSet.fromCidrs([p])))));
    });

    it("refuses a listen port that is not a port", () => {
      assert.throws(() => planAwsRulesForIntent(intent, { egressProxy: { listenPort: 70000 } }), (e: unknown) => e instanceof IntentError && /egressProxy\.listenPort: the proxy's listen port must be a whole number from 1 to 65535/.test(e.message));
    });
  });

  describe("transparent firewall (no listenPort)", () => {
    it("keeps the destination ports towards the internet", () => {
      const plan = planAwsRulesForIntent(intent, { egressProxy: { mode: "cidrs", cidrs: ["0.0.0.0/0"] } });
      const app = zoneOf(plan, "app");
      assert.deepEqual([...new Set(app.securityGroup.egress.filter((r) => r.flowKeys.includes("app->egress-proxy")).map((r) => `${r.fromPort}-${r.toPort}`))], ["443-443"]);
      assert.ok(naclAllows(app.nacl.egress, "198.51.100.7", "tcp", 443));
      assert.ok(!naclAllows(app.nacl.egress, "198.51.100.7", "tcp", 3128));
      assert.equal(plan.egressProxy?.listenPort, undefined);
    });
  });
});

describe("core/rules/aws admin ports from the internet", () => {
  const input: IntentInput = {
    name: "t",
    addressSpace: "10.0.0.0/16",
    availabilityZones: 2,
    zones: [
      { name: "edge", internet: "inbound", egress: "nat" },
      { name: "app", egress: "nat" },
      { name: "bastion", internet: "inbound", egress: "nat" },
    ],
    peers: [{ name: "vpn", cidrs: ["192.0.2.0/24"] }],
    flows: [
      { from: "internet", to: "edge", ports: ["tcp/443"] },
      { from: "app", to: "internet", ports: ["tcp/443"] },
      { from: "edge", to: "internet", ports: ["tcp/443"] },
      { from: "vpn", to: "edge", ports: ["tcp/3389"] },
      { from: "internet", to: "bastion", ports: ["tcp/22"] },
      { from: "bastion", to: "internet", ports: ["tcp/443"] },
    ],
  };
  const plan = planAwsRulesForIntent(parseIntent(input));

  it("denies 3389 (inside the ephemeral range) from the internet before the return-traffic allow", () => {
    const edge = zoneOf(plan, "edge").nacl.ingress;
    assert.ok(naclAllows(edge, "198.51.100.7", "tcp", 40000), "return traffic still comes back");
    assert.ok(!naclAllows(edge, "198.51.100.7", "tcp", 3389));
    assert.ok(!naclAllows(edge, "198.51.100.7", "tcp", 22));
    const denies = edge.filter((e) => e.purposes.includes("admin-deny"));
    assert.deepEqual(denies.map((e) => [e.action, e.cidr, e.fromPort, e.toPort]), [["deny", "0.0.0.0/0", 3389, 3389]], "22 is below the ephemeral range: nothing opens it, nothing to deny");
    const allow = edge.find((e) => e.action === "allow" && e.cidr === "0.0.0.0/0" && e.toPort === 65535)!;
    assert.ok(denies[0].ruleNumber < allow.ruleNumber);
  });

  it("keeps a narrower peer's intended admin flow working", () => {
    assert.ok(naclAllows(zoneOf(plan, "edge").nacl.ingress, "192.0.2.5", "tcp", 3389));
  });

  it("keeps return traffic from other zones whole when the internet entry absorbed their block", () => {
    // shop with a transparent firewall: app's replies from data (tcp/1024-65535) merge into the
    // internet-wide return entry, so the RDP deny in front of it must not catch data's replies.
    const shop = planAwsRulesForIntent(loadIntentFile(SHOP), { egressProxy: { mode: "cidrs", cidrs: ["0.0.0.0/0"] } });
    const app = zoneOf(shop, "app").nacl.ingress;
    const dataHost = "10.20.33.4";
    for (const port of [1024, 3389, 40000, 65535]) assert.ok(naclAllows(app, dataHost, "tcp", port), `data's reply to app on ${port}`);
    assert.ok(!naclAllows(app, "198.51.100.7", "tcp", 3389), "the internet still meets the deny");
  });

  it("does not deny an admin port the intent asks for from the internet", () => {
    const bastion = zoneOf(plan, "bastion").nacl.ingress;
    assert.ok(naclAllows(bastion, "198.51.100.7", "tcp", 22), "the intent's internet -> bastion tcp/22 (the policy pack reports it)");
    assert.ok(!naclAllows(bastion, "198.51.100.7", "tcp", 3389));
  });

  it("adds nothing where no internet-wide entry opens an admin port", () => {
    // app's egress denies the VPC's own range in front of its internet-wide allow, and nothing for admin ports.
    assert.deepEqual(zoneOf(plan, "app").nacl.egress.filter((e) => e.action === "deny").map((e) => [e.purposes[0], e.cidr]), [["own-range-deny", "10.0.0.0/16"], ["final-deny", "0.0.0.0/0"]]);
    assert.deepEqual(internetAdminDenies(TrafficSet.fromSpecs([{ protocol: "tcp", from: 443, to: 443 }])), []);
    assert.deepEqual(internetAdminDenies(TrafficSet.ALL, TrafficSet.of("tcp", 22, 22)), [{ protocol: "tcp", from: 3389, to: 3389 }]);
  });
});
