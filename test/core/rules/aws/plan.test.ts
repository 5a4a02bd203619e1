import assert from "node:assert/strict";
import { parseIntent, type IntentInput } from "../../../../core/intent";
import { loadIntentFile } from "../../../../core/intent";
import { planAddresses } from "../../../../core/addressing";
import { CidrSet, TrafficSet } from "../../../../core/net";
import { AWS_DESCRIPTION_PATTERN, FINAL_DENY_RULE_NUMBER, planAwsRulesForIntent, type AwsRulePlan, type NaclEntry } from "../../../../core/rules/aws";
import { IntentError } from "../../../../core/intent/errors";

const SHOP = "examples/intents/shop.yaml";

const PROTO: Record<string, string> = { tcp: "6", udp: "17", icmp: "1" };

/** Evaluates a NACL direction as AWS does: lowest rule number that matches decides. */
function naclAllows(entries: readonly NaclEntry[], address: string, protocol: "tcp" | "udp" | "icmp", port: number): boolean {
  const sorted = [...entries].sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const e of sorted) {
    if (!CidrSet.fromCidrs([e.cidr]).has(address)) continue;
    if (e.protocolNumber !== "-1" && e.protocolNumber !== PROTO[protocol]) continue;
    if ((protocol === "tcp" || protocol === "udp") && e.protocolNumber !== "-1" && (port < e.fromPort || port > e.toPort)) continue;
    return e.action === "allow";
  }
  return false;
}

function zoneOf(plan: AwsRulePlan, zone: string) {
  const z = plan.zones.find((x) => x.zone === zone);
  assert.ok(z, `zone ${zone} is in the plan`);
  return z;
}

function base(extra: Partial<IntentInput> = {}): IntentInput {
  return {
    name: "t",
    addressSpace: "10.0.0.0/16",
    availabilityZones: 2,
    zones: [
      { name: "edge", internet: "inbound" },
      { name: "app", egress: "nat" },
      { name: "data" },
    ],
    flows: [
      { from: "internet", to: "edge", ports: ["tcp/443"] },
      { from: "edge", to: "app", ports: ["tcp/8080"] },
      { from: "app", to: "data", ports: ["tcp/5432"] },
      { from: "app", to: "internet", ports: ["tcp/443", "udp/123"] },
    ],
    ...extra,
  };
}

function planErrors(input: IntentInput, options = {}): string {
  try {
    planAwsRulesForIntent(parseIntent(input), options);
  } catch (e) {
    assert.ok(e instanceof IntentError, `an IntentError, got ${String(e)}`);
    return e.message;
  }
  assert.fail("planning was expected to fail");
}

describe("core/rules/aws", () => {
  describe("security groups", () => {
    const plan = planAwsRulesForIntent(loadIntentFile(SHOP));

    it("references zones by security group, the internet and peers by CIDR, the proxy as its own peer", () => {
      const app = zoneOf(plan, "app").securityGroup;
      assert.deepEqual(app.ingress.map((r) => [r.key, r.peer]), [
        ["in-203.0.113.0-24-tcp-8443", { kind: "cidr", name: "office", cidr: "203.0.113.0/24", ipv6: false }],
        ["in-edge-tcp-8080", { kind: "zone", zone: "edge" }],
      ]);
      assert.deepEqual(app.egress.map((r) => [r.key, r.peer.kind, r.protocol, r.fromPort, r.toPort]), [
        ["out-data-tcp-5432", "zone", "tcp", 5432, 5432],
        ["out-data-tcp-6379", "zone", "tcp", 6379, 6379],
        ["out-egress-proxy-tcp-443", "egress-proxy", "tcp", 443, 443],
      ]);
      const edge = zoneOf(plan, "edge").securityGroup;
      assert.deepEqual(edge.ingress.map((r) => r.key), ["in-0.0.0.0-0-tcp-443", "in-0.0.0.0-0-tcp-80"]);
      assert.deepEqual(zoneOf(plan, "data").securityGroup.egress, [], "data opens nothing");
      assert.deepEqual(plan.egressProxy?.ingress.map((r) => [r.key, r.peer]), [["in-app-tcp-443", { kind: "zone", zone: "app" }]]);
    });

    it("describes every rule with characters AWS accepts, within 255", () => {
      const rules = [...plan.zones.flatMap((z) => [...z.securityGroup.ingress, ...z.securityGroup.egress]), ...(plan.egressProxy?.ingress ?? [])];
      assert.ok(rules.length >= 10);
      for (const r of rules) {
        assert.ok(r.description.length > 0 && r.description.length <= 255, r.key);
        assert.match(r.description, AWS_DESCRIPTION_PATTERN, r.key);
      }
      assert.equal(zoneOf(plan, "app").securityGroup.ingress[1].description, "netseg flow edge to app");
    });

    it("merges adjacent ports towards one peer and adjacent CIDRs with equal ports", () => {
      const p = planAwsRulesForIntent(
        parseIntent(
          base({
            peers: [
              { name: "a", cidrs: ["192.168.0.0/25"] },
              { name: "b", cidrs: ["192.168.0.128/25"] },
            ],
            flows: [
              { from: "edge", to: "app", ports: ["tcp/8000-8049"] },
              { from: "edge/x", to: "app", ports: ["tcp/8050-8100"] },
              { from: "a", to: "app", ports: ["tcp/22"] },
              { from: "b", to: "app", ports: ["tcp/22"] },
            ],
            zones: [{ name: "edge", internet: "inbound", workloads: [{ name: "x" }] }, { name: "app" }],
          }),
        ),
      );
      assert.deepEqual(zoneOf(p, "app").securityGroup.ingress.map((r) => `${r.key} ${r.flowKeys.join(",")}`), [
        "in-192.168.0.0-24-tcp-22 a->app,b->app",
        "in-edge-tcp-8000-8100 edge->app,edge/x->app",
      ]);
      const nacl = zoneOf(p, "app").nacl.ingress.filter((e) => e.purposes.includes("request"));
      assert.deepEqual(nacl.map((e) => `${e.cidr} ${e.fromPort}-${e.toPort}`), ["192.168.0.0/24 22-22", "10.0.0.0/20 8000-8100"]);
    });

    it("names unmanaged zones by their address block and plans nothing for them", () => {
      const i = parseIntent(base({ zones: [{ name: "edge", internet: "inbound" }, { name: "legacy", managed: false }], flows: [{ from: "edge", to: "legacy", ports: ["tcp/1433"] }] }));
      const p = planAwsRulesForIntent(i);
      assert.deepEqual(p.zones.map((z) => z.zone), ["edge"]);
      const legacy = planAddresses(i).zones.find((z) => z.zone === "legacy")!.cidr;
      assert.deepEqual(zoneOf(p, "edge").securityGroup.egress.map((r) => r.peer), [{ kind: "cidr", name: "legacy", cidr: legacy, ipv6: false }]);
    });

    it("is deterministic and does not depend on the order flows are declared in", () => {
      const a = base();
      const b = base({ flows: [...a.flows!].reverse() });
      assert.equal(JSON.stringify(planAwsRulesForIntent(parseIntent(a))), JSON.stringify(planAwsRulesForIntent(parseIntent(a))));
      assert.deepEqual(planAwsRulesForIntent(parseIntent(b)), planAwsRulesForIntent(parseIntent(a)));
    });
  });

  describe("NACLs", () => {
    const intent = parseIntent(base());
    const plan = planAwsRulesForIntent(intent);
    const block = (z: string) => planAddresses(intent).zones.find((b) => b.zone === z)!.cidr;
    const host = (z: string) => block(z).replace(/0\/\d+$/, "10");

    it("lets each flow through both NACLs, request and return on ephemeral ports", () => {
      const edge = zoneOf(plan, "edge").nacl;
      const app = zoneOf(plan, "app").nacl;
      // edge -> app tcp/8080: request out of edge and into app, return out of app and into edge.
      assert.ok(naclAllows(edge.egress, host("app"), "tcp", 8080));
      assert.ok(naclAllows(app.ingress, host("edge"), "tcp", 8080));
      assert.ok(naclAllows(app.egress, host("edge"), "tcp", 40000));
      assert.ok(naclAllows(edge.ingress, host("app"), "tcp", 40000));
      // and nothing else between them
      assert.ok(!naclAllows(app.ingress, host("edge"), "tcp", 22));
      assert.ok(!naclAllows(edge.ingress, host("app"), "tcp", 22), "a request from app into edge below the ephemeral range is refused");
      assert.ok(!naclAllows(app.egress, host("edge"), "udp", 40000));
      const ret = app.egress.find((e) => e.cidr === block("edge"));
      assert.deepEqual([ret?.fromPort, ret?.toPort, ret?.purposes], [1024, 65535, ["return"]]);
    });

    it("allows traffic inside a zone and ends each direction with an explicit deny", () => {
      for (const z of plan.zones) {
        for (const dir of ["ingress", "egress"] as const) {
          const entries = z.nacl[dir];
          assert.ok(naclAllows(entries, host(z.zone), "udp", 9999), `${z.zone} ${dir} inside the zone`);
          const last = entries[entries.length - 1];
          assert.deepEqual([last.ruleNumber, last.action, last.cidr, last.protocolNumber], [FINAL_DENY_RULE_NUMBER, "deny", "0.0.0.0/0", "-1"]);
          const numbers = entries.map((e) => e.ruleNumber);
          assert.equal(new Set(numbers).size, numbers.length, "unique rule numbers");
          assert.ok(numbers.every((n) => n >= 1 && n <= 32766));
        }
      }
    });

    it("never shadows an entry with an earlier, broader one", () => {
      const traffic = (e: NaclEntry) => (e.protocolNumber === "-1" ? TrafficSet.ALL : TrafficSet.of(e.protocol === "icmp" ? "icmp" : (e.protocol as "tcp" | "udp"), e.fromPort, e.toPort));
      for (const p of [plan, planAwsRulesForIntent(loadIntentFile(SHOP))]) {
        for (const z of p.zones) {
          for (const dir of ["ingress", "egress"] as const) {
            const entries = z.nacl[dir];
            entries.forEach((e, i) => {
              const shadow = entries.slice(0, i).find((o) => CidrSet.fromCidrs([o.cidr]).covers(CidrSet.fromCidrs([e.cidr])) && traffic(o).covers(traffic(e)));
              assert.equal(shadow, undefined, `${z.zone} ${dir} entry ${e.ruleNumber} is shadowed by ${shadow?.ruleNumber}`);
            });
          }
        }
      }
    });

    it("carries NAT transit in the internet-facing zone for zones that reach the internet through NAT", () => {
      assert.equal(plan.natZone, "edge");
      const edge = zoneOf(plan, "edge").nacl;
      assert.ok(naclAllows(edge.ingress, host("app"), "tcp", 443), "app's request reaches the NAT gateway");
      assert.ok(naclAllows(edge.egress, "198.51.100.7", "tcp", 443), "the NAT gateway sends it on");
      assert.ok(naclAllows(edge.ingress, "198.51.100.7", "udp", 50000), "the answer comes back to the NAT gateway");
      assert.ok(naclAllows(edge.egress, host("app"), "udp", 50000), "and goes on to app");
      assert.ok(!naclAllows(edge.egress, "198.51.100.7", "tcp", 22));
      const app = zoneOf(plan, "app").nacl;
      assert.ok(naclAllows(app.egress, "198.51.100.7", "udp", 123));
      assert.ok(naclAllows(app.ingress, "198.51.100.7", "udp", 40000));
      assert.ok(!naclAllows(zoneOf(plan, "data").nacl.egress, "198.51.100.7", "tcp", 443));
    });

    it("fails with the zone, the direction and the count when a NACL outgrows the limit", () => {
      const peers = Array.from({ length: 20 }, (_, i) => ({ name: `p${i}`, cidrs: [`192.168.${i * 2}.0/24`] }));
      const input = base({ peers, flows: peers.map((p, i) => ({ from: p.name, to: "app", ports: [`tcp/${1000 + i * 2}`] })) });
      const msg = planErrors(input);
      assert.match(msg, /zones\[1\]: zone "app" needs 22 NACL ingress entries \(final deny included\), over the limit of 20 per direction/);
      assert.match(msg, /--nacl-limit/);
      assert.doesNotThrow(() => planAwsRulesForIntent(parseIntent(input), { naclEntryLimit: 40 }));
      assert.match(planErrors(input, { naclEntryLimit: 41 }), /naclEntryLimit: the NACL entry limit must be a whole number from 2 to 40/);
    });
  });

  describe("AWS limits", () => {
    it("fails when a security group needs more than 60 rules in a direction", () => {
      const ports = Array.from({ length: 61 }, (_, i) => `tcp/${2000 + i * 2}`);
      const msg = planErrors(base({ flows: [{ from: "edge", to: "app", ports }] }), { naclEntryLimit: 40 });
      assert.match(msg, /zone "app" needs 61 security-group ingress rules, over the limit of 60 per direction/);
      assert.match(msg, /zone "edge" needs 61 security-group egress rules/);
    });

    it("refuses descriptions AWS would reject, at the flow's path", () => {
      const flows = [{ from: "edge", to: "app", ports: ["tcp/80"], description: "edge -> app (café)" }];
      const msg = planErrors(base({ flows }));
      assert.match(msg, /flows\[0\]\.description: the flow's description .* contains ">", "é", which AWS does not accept/);
      assert.equal(msg.match(/does not accept/g)?.length, 1, "reported once, not once per rule");
    });

    it("refuses security-group names that start with sg- and NAT zones with no public subnet", () => {
      assert.match(planErrors(base(), { namePrefix: "sg-prod" }), /security-group name "sg-prod-app" starts with "sg-"/);
      const msg = planErrors(base({ zones: [{ name: "app", egress: "nat" }, { name: "data" }], flows: [{ from: "app", to: "data", ports: ["tcp/1"] }] }));
      assert.match(msg, /zones: zone "app" has egress nat, but no zone is internet-facing/);
      assert.match(planErrors(base({ zones: [{ name: "egress-proxy" }], flows: [] })), /zones\[0\]\.name: "egress-proxy" is reserved on AWS/);
    });

    it("addresses proxy-bound traffic by CIDR when asked (a transparent firewall)", () => {
      const p = planAwsRulesForIntent(loadIntentFile(SHOP), { egressProxy: { mode: "cidrs", cidrs: ["0.0.0.0/0"] } });
      const out = zoneOf(p, "app").securityGroup.egress.filter((r) => r.flowKeys.includes("app->egress-proxy"));
      // The internet minus the address space (the VPC's own addresses never reach the firewall).
      const blocks = CidrSet.fromCidrs(out.map((r) => (r.peer.kind === "cidr" ? r.peer.cidr : "255.255.255.255/32")));
      assert.ok(blocks.equals(CidrSet.fromCidrs(["0.0.0.0/0"]).subtract(CidrSet.fromCidrs([loadIntentFile(SHOP).addressSpace]))));
      assert.ok(out.every((r) => r.peer.kind === "cidr" && r.peer.name === "egress-proxy"));
      assert.deepEqual(p.egressProxy?.ingress, []);
      assert.ok(naclAllows(zoneOf(p, "app").nacl.egress, "198.51.100.7", "tcp", 443));
    });
  });
});
