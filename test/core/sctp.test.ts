/**
 * SCTP as netseg's third port-carrying protocol, through every planner: the intent's `sctp/<port>`,
 * `sctp/<from>-<to>` and `sctp`; AWS security-group rules and NACL entries (protocol 132, which
 * AWS matches on every port, so a port-limited SCTP flow is refused for AWS); GCP firewall blocks
 * (`sctp` with ports); Kubernetes NetworkPolicy ports (`protocol: SCTP`); and the plan-time errors
 * where a platform cannot carry SCTP (NAT gateways, Cloud NAT).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseIntent, type IntentInput } from "../../core/intent";
import { IntentError } from "../../core/intent/errors";
import { formatPortSpec, parsePortSpec, TrafficSet, type PortSpec } from "../../core/net";
import { intentFlowTuples } from "../../core/rules";
import { planAddresses } from "../../core/addressing";
import { planAwsRulesForIntent, renderAwsPlanText, type NaclEntry } from "../../core/rules/aws";
import { gcpFlowTuples, planGcpNetwork } from "../../core/rules/gcp";
import { k8sFlowTuples, planK8s } from "../../core/rules/k8s";
import { awsTraffic, gcpTraffic, k8sPortTraffic, normaliseNetworkPolicy } from "../../core/resources";
import { naclAllows, zoneOf } from "./rules/aws/nacl-reference";

/** edge (internet-facing), app behind NAT, data; SCTP between app and data, and ports to vary. */
function telco(flows: IntentInput["flows"], zones?: IntentInput["zones"]): IntentInput {
  return {
    name: "telco",
    addressSpace: "10.30.0.0/16",
    availabilityZones: 2,
    zones: zones ?? [
      { name: "edge", slot: 0, internet: "inbound", egress: "nat" },
      { name: "app", slot: 1, egress: "nat" },
      { name: "data", slot: 2, egress: "none" },
    ],
    flows,
  };
}

function intentError(f: () => unknown): IntentError {
  try {
    f();
  } catch (e) {
    if (e instanceof IntentError) return e;
    throw e;
  }
  assert.fail("expected an IntentError");
}

describe("SCTP: the intent", () => {
  it("parses sctp/<port>, sctp/<from>-<to> and bare sctp, in any case", () => {
    assert.deepEqual(parsePortSpec("sctp/3868"), { protocol: "sctp", from: 3868, to: 3868 });
    assert.deepEqual(parsePortSpec(" SCTP/2905-2910 "), { protocol: "sctp", from: 2905, to: 2910 });
    assert.deepEqual(parsePortSpec("sctp"), { protocol: "sctp", from: 0, to: 65535 });
    assert.equal(formatPortSpec({ protocol: "sctp", from: 36412, to: 36412 }), "sctp/36412");
    assert.equal(formatPortSpec({ protocol: "sctp", from: 0, to: 65535 }), "sctp");
  });

  it("refuses malformed SCTP specs with an explanation", () => {
    assert.match((parsePortSpec("sctp/70000") as { error: string }).error, /ports run from 0 to 65535/);
    assert.match((parsePortSpec("sctp/10-1") as { error: string }).error, /write sctp\/1-10/);
    assert.match((parsePortSpec("sctpx/1") as { error: string }).error, /sctp\/3868/);
  });

  it("keeps SCTP in a flow's ports, merged, and reports a bad SCTP spec at its path", () => {
    const intent = parseIntent(telco([{ from: "app", to: "data", ports: ["sctp/3868", "sctp/3869-3870", "tcp/443"] }]));
    assert.deepEqual(intent.flows[0].ports.map(formatPortSpec), ["tcp/443", "sctp/3868-3870"]);
    const e = intentError(() => parseIntent(telco([{ from: "app", to: "data", ports: ["sctp/3868-1"] }])));
    assert.equal(e.issues[0].path, "flows[0].ports[0]");
    assert.match(e.issues[0].message, /range runs backwards/);
  });

  it("counts SCTP inside `all`: all minus TCP, UDP and ICMP is every SCTP port", () => {
    assert.ok(TrafficSet.ALL.covers(TrafficSet.of("sctp")));
    const rest = TrafficSet.ALL.subtract(TrafficSet.fromSpecs((["tcp", "udp", "icmp"] as const).map((protocol) => ({ protocol, from: 0, to: 65535 }))));
    assert.equal(rest.toString(), "sctp");
  });

  it("property: a set built from SCTP specs holds exactly the ports of those specs (brute force)", () => {
    const spec = fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 })).map(([a, b]): PortSpec => ({ protocol: "sctp", from: Math.min(a, b), to: Math.max(a, b) }));
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 6 }), fc.integer({ min: 0, max: 301 }), (specs, port) => {
        const set = TrafficSet.fromSpecs(specs);
        const expected = specs.some((s) => s.from <= port && port <= s.to);
        assert.equal(!set.intersect(TrafficSet.of("sctp", port, port)).isEmpty(), expected);
        assert.ok(set.ports("tcp").isEmpty() && set.ports("udp").isEmpty());
      }),
    );
  });
});

describe("SCTP: AWS security groups and NACLs (protocol 132)", () => {
  const plan = planAwsRulesForIntent(parseIntent(telco([{ from: "edge", to: "app", ports: ["tcp/8080"] }, { from: "app", to: "data", ports: ["sctp"] }])));
  const app = zoneOf(plan, "app");
  const data = zoneOf(plan, "data");
  const APP = "10.30.16.10";
  const DATA = "10.30.32.10";

  it("writes security-group rules of protocol 132 without ports, at both ends", () => {
    const out = app.securityGroup.egress.filter((r) => r.flowKeys.includes("app->data"));
    assert.deepEqual(out.map((r) => [r.key, r.protocol, r.fromPort, r.toPort, r.peer.kind]), [["out-data-sctp", "132", undefined, undefined, "zone"]]);
    const into = data.securityGroup.ingress.filter((r) => r.flowKeys.includes("app->data"));
    assert.deepEqual(into.map((r) => [r.key, r.protocol, r.fromPort, r.toPort]), [["in-app-sctp", "132", undefined, undefined]]);
  });

  it("writes NACL entries of protocol 132, request and return, that pass SCTP both ways and nothing else new", () => {
    const sctp = (e: NaclEntry) => e.protocolNumber === "132";
    assert.ok([...app.nacl.egress, ...app.nacl.ingress, ...data.nacl.ingress, ...data.nacl.egress].filter(sctp).every((e) => e.protocol === "132" && e.fromPort === 0 && e.toPort === 0 && e.icmpType === undefined));
    // Request app -> data on an SCTP port, and the reply back to the client's port.
    assert.ok(naclAllows(app.nacl.egress, DATA, "sctp", 3868));
    assert.ok(naclAllows(data.nacl.ingress, APP, "sctp", 3868));
    assert.ok(naclAllows(data.nacl.egress, APP, "sctp", 40000));
    assert.ok(naclAllows(app.nacl.ingress, DATA, "sctp", 40000));
    // Data still admits no TCP from app: the SCTP entries opened SCTP alone.
    assert.ok(!naclAllows(data.nacl.ingress, APP, "tcp", 3868));
  });

  it("prints the rules as sctp in `netseg plan`, never as 132 with ports", () => {
    const text = renderAwsPlanText(planAddresses(parseIntent(telco([{ from: "app", to: "data", ports: ["sctp"] }]))), plan);
    assert.match(text, /out-data-sctp\s+to\s+sg:data\s+sctp\s/);
    assert.match(text, /allow\s+from\s+10\.30\.16\.0\/20\s+sctp\s+app to data sctp \(request\)/);
    assert.doesNotMatch(text, /132/);
  });

  it("reads back, as flow tuples, exactly the intent's SCTP flow", () => {
    const tuples = intentFlowTuples(parseIntent(telco([{ from: "app", to: "data", ports: ["sctp"] }])));
    assert.deepEqual(tuples, [{ from: "app", to: "data", protocol: "sctp", fromPort: 0, toPort: 65535 }]);
  });

  it("refuses, at plan time, an SCTP flow held to ports: AWS would open every SCTP port", () => {
    const e = intentError(() => planAwsRulesForIntent(parseIntent(telco([{ from: "app", to: "data", ports: ["tcp/443", "sctp/3868"] }]))));
    const issue = e.issues.find((i) => i.path === "flows[0].ports");
    assert.ok(issue, e.message);
    assert.equal(issue.value, "sctp/3868");
    assert.match(issue.message, /every port/);
    assert.match(issue.fix ?? "", /write sctp/);
  });

  it("refuses, at plan time, SCTP to the internet through a NAT gateway (TCP, UDP and ICMP only)", () => {
    const e = intentError(() => planAwsRulesForIntent(parseIntent(telco([{ from: "app", to: "internet", ports: ["sctp"] }]))));
    const issue = e.issues.find((i) => i.path === "flows[0].ports");
    assert.ok(issue, e.message);
    assert.match(issue.message, /NAT gateway carries TCP, UDP and ICMP only/);
    // An internet-facing zone has no NAT on its way out: its SCTP to the internet is planned.
    const ok = planAwsRulesForIntent(parseIntent(telco([{ from: "edge", to: "internet", ports: ["sctp"] }])));
    assert.ok(zoneOf(ok, "edge").securityGroup.egress.some((r) => r.protocol === "132"));
    // `all` through NAT is left alone: what the gateway drops of it is no narrower than the intent meant.
    assert.doesNotThrow(() => planAwsRulesForIntent(parseIntent(telco([{ from: "app", to: "internet", ports: ["all"] }]))));
  });
});

describe("SCTP: AWS NACLs on random intents, against a reference evaluator", () => {
  const ZONES = ["a", "b", "c"];
  const HOST: Record<string, string> = { a: "10.30.0.10", b: "10.30.16.10", c: "10.30.32.10" };
  const pairs = ZONES.flatMap((x) => ZONES.filter((y) => y !== x).map((y) => [x, y] as const));

  it("property: SCTP passes a pair's four NACL checks (request out and in, reply out and in) exactly when an SCTP flow joins the two zones, either way", () => {
    // AWS cannot hold SCTP to ports, so a flow's return entries open every SCTP port back: at NACL
    // level the two directions are one; the security groups keep them apart (cross-cloud test).
    const flowArb = fc.record({ pair: fc.constantFrom(...pairs), ports: fc.uniqueArray(fc.constantFrom("sctp", "tcp/443", "udp/53"), { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(fc.uniqueArray(flowArb, { maxLength: 6, selector: (f) => f.pair.join("->") }), (flows) => {
        const input = telco(flows.map((f) => ({ from: f.pair[0], to: f.pair[1], ports: f.ports })), ZONES.map((name, slot) => ({ name, slot })));
        const plan = planAwsRulesForIntent(parseIntent(input));
        for (const [x, y] of pairs) {
          const joined = flows.some((f) => f.ports.includes("sctp") && ((f.pair[0] === x && f.pair[1] === y) || (f.pair[0] === y && f.pair[1] === x)));
          const checks = [
            naclAllows(zoneOf(plan, x).nacl.egress, HOST[y], "sctp", 3868),
            naclAllows(zoneOf(plan, y).nacl.ingress, HOST[x], "sctp", 3868),
            naclAllows(zoneOf(plan, y).nacl.egress, HOST[x], "sctp", 40000),
            naclAllows(zoneOf(plan, x).nacl.ingress, HOST[y], "sctp", 40000),
          ];
          assert.deepEqual(checks, [joined, joined, joined, joined], `${x} -> ${y}: ${JSON.stringify(flows)}`);
        }
      }),
      { numRuns: 60, seed: 132 },
    );
  });
});

describe("SCTP: GCP firewall rules (sctp with ports)", () => {
  const intent = parseIntent(telco([{ from: "app", to: "data", ports: ["sctp/3868", "sctp/2905-2910", "tcp/443"] }]));
  const plan = planGcpNetwork(intent, { regions: ["europe-west1"] });

  it("writes an sctp block with its ports beside the tcp block, on both sides of the flow", () => {
    const rules = plan.firewallRules.filter((r) => r.key.startsWith("app->data"));
    assert.equal(rules.length, 2, rules.map((r) => r.key).join(", "));
    for (const r of rules) assert.deepEqual(r.protocols, [{ protocol: "tcp", ports: ["443"] }, { protocol: "sctp", ports: ["2905-2910", "3868"] }]);
  });

  it("writes bare sctp without ports (every port)", () => {
    const whole = planGcpNetwork(parseIntent(telco([{ from: "app", to: "data", ports: ["sctp"] }])), { regions: ["europe-west1"] });
    assert.ok(whole.firewallRules.filter((r) => r.key.startsWith("app->data")).every((r) => JSON.stringify(r.protocols) === JSON.stringify([{ protocol: "sctp" }])));
  });

  it("reads back the intent's SCTP flows as tuples", () => {
    assert.deepEqual(gcpFlowTuples(plan.firewallRules, { zones: plan.zones, peers: plan.peers, internet: plan.internetRanges }), intentFlowTuples(intent));
  });

  it("refuses, at plan time, SCTP to the internet (Cloud NAT translates TCP, UDP and ICMP only)", () => {
    const e = intentError(() => planGcpNetwork(parseIntent(telco([{ from: "app", to: "internet", ports: ["sctp/3868"] }])), { regions: ["europe-west1"] }));
    const issue = e.issues.find((i) => i.path === "flows[0].ports");
    assert.ok(issue, e.message);
    assert.equal(issue.value, "sctp/3868");
    assert.match(issue.message, /Cloud NAT/);
  });
});

describe("SCTP: Kubernetes NetworkPolicies (protocol: SCTP)", () => {
  const intent = parseIntent(telco(
    [{ from: "app", to: "data", ports: ["sctp/3868", "sctp/2905-2910", "sctp/38412", "udp/2152"] }],
    [{ name: "app", slot: 1 }, { name: "data", slot: 2 }],
  ));
  const plan = planK8s(intent);

  it("writes SCTP ports with their protocol, a range with endPort, on both sides", () => {
    const sctpPorts = (policy: unknown) => JSON.stringify(policy).match(/\{"protocol":"SCTP"[^}]*\}/g) ?? [];
    const data = plan.networkPolicies.find((p) => p.metadata.namespace === "data" && p.spec.ingress?.length);
    const app = plan.networkPolicies.find((p) => p.metadata.namespace === "app" && p.spec.egress?.some((r) => r.ports?.some((x) => x.protocol === "SCTP")));
    assert.ok(data && app);
    const expected = ['{"protocol":"SCTP","port":2905,"endPort":2910}', '{"protocol":"SCTP","port":3868}', '{"protocol":"SCTP","port":38412}'];
    assert.deepEqual(sctpPorts(data.spec.ingress), expected);
    assert.deepEqual(sctpPorts(app.spec.egress), expected);
  });

  it("reads back, from the policies, exactly the intent's flows", () => {
    assert.deepEqual(k8sFlowTuples(plan, intent), intentFlowTuples(intent));
  });

  it("writes bare sctp as an SCTP port entry without a port (every SCTP port, not every protocol)", () => {
    const whole = planK8s(parseIntent(telco([{ from: "app", to: "data", ports: ["sctp"] }], [{ name: "app", slot: 1 }, { name: "data", slot: 2 }])));
    const data = whole.networkPolicies.find((p) => p.metadata.namespace === "data" && p.spec.ingress?.length)!;
    assert.deepEqual(data.spec.ingress?.[0].ports, [{ protocol: "SCTP" }]);
  });
});

describe("SCTP: the resource readers the policy packs use", () => {
  it("AWS: 132 and sctp are every SCTP port whatever the ports say; other numbers stay unmodelled", () => {
    for (const p of ["132", "sctp", "SCTP", 132]) {
      const t = awsTraffic(p as never, 3868, 3868);
      assert.equal(t.traffic.toString(), "sctp", String(p));
      assert.equal(t.complete, true);
      assert.equal(t.otherProtocol, undefined);
    }
    assert.equal(awsTraffic("50", 0, 0).otherProtocol, "50");
  });

  it("GCP: sctp blocks take ports; no ports is every SCTP port", () => {
    assert.equal(gcpTraffic("sctp", ["3868", "2905-2910"]).traffic.toString(), "sctp/2905-2910, sctp/3868");
    assert.equal(gcpTraffic("sctp", undefined).traffic.toString(), "sctp");
    assert.match(gcpTraffic("sctp", ["70000"]).malformed ?? "", /ports\[0\]/);
  });

  it("Kubernetes: protocol SCTP reads as SCTP ports, and a rule without ports allows every SCTP port too", () => {
    assert.equal(k8sPortTraffic("SCTP", 3868, undefined).traffic.toString(), "sctp/3868");
    assert.equal(k8sPortTraffic("SCTP", 2905, 2910).traffic.toString(), "sctp/2905-2910");
    assert.equal(k8sPortTraffic("SCTP", 3868, undefined).complete, true);
    const policy = normaliseNetworkPolicy({ metadata: { name: "p", namespace: "data" }, spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] } }, "p");
    assert.ok(policy.ingress[0].traffic.covers(TrafficSet.of("sctp")), String(policy.ingress[0].traffic));
  });
});
