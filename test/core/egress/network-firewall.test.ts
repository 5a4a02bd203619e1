import assert from "node:assert/strict";
import { planAddresses } from "../../../core/addressing";
import { parseIntent } from "../../../core/intent";
import { egressSources, planEgressFirewall, zoneVariable, type EgressSource } from "../../../core/egress";
import { shop, shopInput } from "./fixtures";

interface PassRule {
  readonly zone: string;
  readonly proto: string;
  readonly port: number;
  readonly host: string;
}

/** Reads a Suricata rule string back: pass rules as (zone variable, proto, port, host). */
function readRules(text: string, sources: readonly EgressSource[]): { pass: PassRule[]; lines: string[]; sids: number[] } {
  const byVar = new Map(sources.map((s) => [`$${zoneVariable(s.zone)}`, s.zone]));
  const lines = text.split("\n").filter((l) => l && !l.startsWith("#"));
  const pass: PassRule[] = [];
  const sids: number[] = [];
  for (const l of lines) {
    const m = /^(pass|drop) (\w+) (\S+) any -> any (\S+) \((.*)\)$/.exec(l);
    assert.ok(m, `rule parses: ${l}`);
    sids.push(Number(/sid:(\d+);/.exec(m[5])![1]));
    if (m[1] !== "pass") continue;
    const zone = byVar.get(m[3]);
    assert.ok(zone, `source ${m[3]} is a zone variable`);
    const exact = /content:"([^"]+)";(?: nocase;)? startswith; endswith;/.exec(m[5]);
    const wild = /content:"\.([^"]+)";(?: nocase;)? endswith;/.exec(m[5]);
    assert.ok(exact || wild, `host match in ${l}`);
    assert.ok(m[5].includes(m[2] === "tls" ? "tls.sni;" : "http.host;"));
    pass.push({ zone, proto: m[2], port: Number(m[4]), host: exact ? exact[1] : `*.${wild![1]}` });
  }
  return { pass, lines, sids };
}

const k = (p: PassRule) => `${p.zone}|${p.proto}|${p.port}|${p.host}`;

describe("core/egress network firewall", () => {
  const intent = shop();
  const sources = egressSources(intent, planAddresses(intent));

  describe("suricata style", () => {
    const plan = planEgressFirewall(sources);
    const group = plan.ruleGroups[0];
    const text = "rulesString" in group.ruleGroup.rulesSource ? group.ruleGroup.rulesSource.rulesString : "";

    it("passes exactly each listed host on its port, over TLS SNI and HTTP Host, from its zone only", () => {
      assert.equal(plan.ruleGroups.length, 1);
      const { pass } = readRules(text, sources);
      const want = sources.flatMap((s) => s.destinations.flatMap((d) => ["http", "tls"].map((proto) => ({ zone: s.zone, proto, port: d.port, host: d.host }))));
      assert.deepEqual(pass.map(k).sort(), want.map(k).sort());
    });

    it("defines each zone's subnets as its rule variable", () => {
      const sets = group.ruleGroup.ruleVariables.ipSets;
      assert.deepEqual(
        sets.map((s) => [s.key, s.ipSet.definitions]),
        sources.map((s) => [zoneVariable(s.zone), s.cidrs]),
      );
      assert.deepEqual(sets.map((s) => s.key), ["NETSEG_APP", "NETSEG_BUILD"]);
    });

    it("drops UDP and ICMP of each zone after its pass rules, and drops everything else by default in strict order", () => {
      const { lines } = readRules(text, sources);
      for (const s of sources) {
        const mine = lines.filter((l) => l.includes(`$${zoneVariable(s.zone)} `));
        assert.deepEqual(mine.slice(-2).map((l) => l.split(" ").slice(0, 2).join(" ")), ["drop udp", "drop icmp"]);
      }
      assert.deepEqual(plan.policy.statefulDefaultActions, ["aws:drop_established", "aws:alert_established"]);
      assert.equal(plan.policy.statefulEngineOptions.ruleOrder, "STRICT_ORDER");
      assert.equal(group.ruleGroup.statefulRuleOptions.ruleOrder, "STRICT_ORDER");
      assert.deepEqual(plan.policy.statelessDefaultActions, ["aws:forward_to_sfe"]);
    });

    it("gives unique sids that stay put when a destination is added", () => {
      const { sids } = readRules(text, sources);
      assert.equal(new Set(sids).size, sids.length);
      const more = parseIntent({ ...shopInput(), egress: [...shopInput().egress!, { from: "app", allow: ["aaa.example.com:443"] }] });
      const text2 = (planEgressFirewall(egressSources(more, planAddresses(more))).ruleGroups[0].ruleGroup.rulesSource as { rulesString: string }).rulesString;
      for (const line of text.split("\n").filter((l) => l.startsWith("pass"))) assert.ok(text2.includes(line), `kept: ${line}`);
      assert.ok(group.capacity >= readRules(text, sources).lines.length * 2);
    });

    it("reports workload lists enforced zone-wide", () => {
      const i = parseIntent({ ...shopInput(), egress: [{ from: "app/api", allow: ["api.stripe.com:443"] }] });
      const p = planEgressFirewall(egressSources(i, planAddresses(i)));
      assert.deepEqual(p.notes, ["zone app: the allow-lists of workloads api apply to the whole zone (the firewall sees subnets, not workloads)"]);
      assert.deepEqual(plan.notes, []);
    });
  });

  describe("domain-list style", () => {
    const plan = planEgressFirewall(sources, "domain-list");

    it("is one ALLOWLIST on TLS_SNI and HTTP_HOST per zone with HOME_NET set to its subnets, then the drops", () => {
      assert.deepEqual(plan.ruleGroups.map((g) => g.key), ["egress-app", "egress-build", "egress-drop"]);
      const app = plan.ruleGroups[0].ruleGroup;
      assert.deepEqual(app.ruleVariables.ipSets, [{ key: "HOME_NET", ipSet: { definitions: sources[0].cidrs } }]);
      assert.deepEqual(app.rulesSource, { rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["HTTP_HOST", "TLS_SNI"], targets: [".amazonaws.com", "api.stripe.com", "hooks.example.com"] } });
    });

    it("says where it is wider than the intent: ports and wildcard apexes", () => {
      assert.deepEqual(plan.notes, [
        "zone app: a domain list cannot tie a host to a port, so every listed host is reachable on every listed port (443, 8443); use the suricata style for exact host:port pairs",
        "zone app: the domain list entry .amazonaws.com also matches the apex amazonaws.com, which *.amazonaws.com excludes",
        "zone build: a domain list cannot tie a host to a port, so every listed host is reachable on every listed port (80, 443); use the suricata style for exact host:port pairs",
      ]);
    });
  });

  it("is byte-identical for the same intent", () => {
    assert.equal(JSON.stringify(planEgressFirewall(egressSources(shop(), planAddresses(shop())))), JSON.stringify(planEgressFirewall(sources)));
  });
});
