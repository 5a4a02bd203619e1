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
    if (m[2] === "tls") assert.ok(m[5].includes("app-layer-protocol:tls; ssl_state:client_hello; tls.sni;"), `a real TLS ClientHello: ${l}`);
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

    it("passes exactly each listed host on its port, by TLS SNI on TLS ports and by HTTP Host on plain-HTTP ports only, from its zone only", () => {
      assert.equal(plan.ruleGroups.length, 1);
      const { pass } = readRules(text, sources);
      const want = sources.flatMap((s) => s.destinations.map((d) => ({ zone: s.zone, proto: d.port === 80 ? "http" : "tls", port: d.port, host: d.host })));
      assert.deepEqual(pass.map(k).sort(), want.map(k).sort());
      assert.deepEqual(plan.plainHttpPorts, [80, 8080]);
    });

    it("has no HTTP Host rule on a TLS port: plain HTTP on 443 claiming an allowed Host matches nothing and is dropped by default", () => {
      const { pass } = readRules(text, sources);
      assert.deepEqual(pass.filter((p) => p.proto === "http").map(k), ["build|http|80|mirror.example.org"]);
      assert.ok(!pass.some((p) => p.proto === "http" && p.port === 443));
    });

    it("says that the SNI is the client's word, per zone and TLS port, unless TLS is inspected", () => {
      assert.deepEqual(plan.notes, [
        "zone app: TLS destinations are matched on the SNI, which the client chooses: a workload can name a listed host and reach any address that answers TLS on tcp/443, tcp/8443; use tlsInspection to have the name checked against the server's certificate",
        "zone build: TLS destinations are matched on the SNI, which the client chooses: a workload can name a listed host and reach any address that answers TLS on tcp/443; use tlsInspection to have the name checked against the server's certificate",
      ]);
      assert.equal(plan.tlsInspection, undefined);
    });

    it("with TLS inspection, requires the SNI at the handshake and the decrypted Host, and scopes decryption to the zones' TLS ports", () => {
      const inspected = planEgressFirewall(sources, { tlsInspection: true });
      const t = (inspected.ruleGroups[0].ruleGroup.rulesSource as { rulesString: string }).rulesString;
      const { pass } = readRules(t, sources);
      const want = sources.flatMap((s) => s.destinations.flatMap((d) => (d.port === 80 ? ["http"] : ["tls", "http"]).map((proto) => ({ zone: s.zone, proto, port: d.port, host: d.host }))));
      assert.deepEqual(pass.map(k).sort(), want.map(k).sort());
      assert.deepEqual(inspected.tlsInspection, { scope: { sources: sources.flatMap((s) => s.cidrs), destinationPorts: [443, 8443] } });
      assert.deepEqual(inspected.notes, []);
    });

    it("takes the plain-HTTP ports as an option, and refuses ports that are not ports, naming the value", () => {
      const p = planEgressFirewall(sources, { plainHttpPorts: [] });
      assert.ok(!readRules((p.ruleGroups[0].ruleGroup.rulesSource as { rulesString: string }).rulesString, sources).pass.some((r) => r.proto === "http"), "mirror.example.org:80 is then TLS on port 80");
      assert.throws(() => planEgressFirewall(sources, { plainHttpPorts: [80, 0] }), /plainHttpPorts contains 0, which is not a port: use whole numbers from 1 to 65535/);
      assert.throws(() => planEgressFirewall(sources, { style: "regex" as never }), /ruleStyle "regex" is not a rule style/);
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
      assert.equal(planEgressFirewall(sources, { tlsInspection: true }).ruleGroups[0].capacity, group.capacity, "turning TLS inspection on does not replace the group");
    });

    it("reports workload lists enforced zone-wide", () => {
      const i = parseIntent({ ...shopInput(), egress: [{ from: "app/api", allow: ["api.stripe.com:443"] }] });
      const p = planEgressFirewall(egressSources(i, planAddresses(i)));
      assert.deepEqual(p.notes[0], "zone app: the allow-lists of workloads api apply to the whole zone (the firewall sees subnets, not workloads)");
      assert.ok(!plan.notes.some((n) => n.includes("workloads")));
    });
  });

  describe("domain-list style", () => {
    const plan = planEgressFirewall(sources, "domain-list");

    it("is one ALLOWLIST per zone with HOME_NET set to its subnets, on TLS_SNI, and on HTTP_HOST only for a zone with plain-HTTP destinations, then the drops", () => {
      assert.deepEqual(plan.ruleGroups.map((g) => g.key), ["egress-app", "egress-build", "egress-drop"]);
      const app = plan.ruleGroups[0].ruleGroup;
      assert.deepEqual(app.ruleVariables.ipSets, [{ key: "HOME_NET", ipSet: { definitions: sources[0].cidrs } }]);
      assert.deepEqual(app.rulesSource, { rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["TLS_SNI"], targets: [".amazonaws.com", "api.stripe.com", "hooks.example.com"] } });
      assert.deepEqual((plan.ruleGroups[1].ruleGroup.rulesSource as any).rulesSourceList.targetTypes, ["HTTP_HOST", "TLS_SNI"]);
      const inspected = planEgressFirewall(sources, { style: "domain-list", tlsInspection: true });
      assert.deepEqual((inspected.ruleGroups[0].ruleGroup.rulesSource as any).rulesSourceList.targetTypes, ["HTTP_HOST", "TLS_SNI"], "decrypted requests are matched on the Host");
    });

    it("says where it is wider than the intent: ports and wildcard apexes", () => {
      assert.deepEqual(plan.notes.filter((n) => !n.includes("SNI")), [
        "zone app: a domain list cannot tie a host to a port, so every listed host is reachable on every listed port (443, 8443); use the suricata style for exact host:port pairs",
        "zone app: the domain list entry .amazonaws.com also matches the apex amazonaws.com, which *.amazonaws.com excludes",
        "zone build: a domain list cannot tie a host to a port, so every listed host is reachable on every listed port (80, 443); use the suricata style for exact host:port pairs",
        "zone build: a domain list matches the HTTP Host on every port, so plain HTTP naming a listed host also passes on the TLS ports (443); use the suricata style to keep them TLS-only",
      ]);
    });
  });

  it("is byte-identical for the same intent", () => {
    assert.equal(JSON.stringify(planEgressFirewall(egressSources(shop(), planAddresses(shop())))), JSON.stringify(planEgressFirewall(sources)));
  });
});
