import assert from "node:assert/strict";
import fc from "fast-check";
import { CidrSet, TrafficSet } from "../../../core/net";
import {
  additiveWorldExposure,
  awsTraffic,
  cidrList,
  coversEveryLabelSet,
  gcpTraffic,
  k8sPortTraffic,
  orderedWorldExposure,
  pieces,
  requirementsOf,
  securityGroupsOf,
  StackIndex,
  UNKNOWN,
  type LabelRequirement,
  type OrderedRule,
  type StackResource,
} from "../../../core/resources";

const rule = (cidrs: string[], traffic: TrafficSet, ref = "r") => ({ cidrs: CidrSet.fromCidrs(cidrs), cidrsComplete: true, traffic, trafficComplete: true, ref });

describe("core/resources readers", () => {
  it("reads AWS protocols by name or number, every-port spellings, and half-known ports", () => {
    assert.equal(awsTraffic("-1", 0, 0).traffic.toString(), "all");
    assert.equal(awsTraffic("icmp", -1, -1).traffic.toString(), "icmp");
    assert.equal(awsTraffic("-1", -1, -1).traffic.toString(), "all");
    assert.equal(awsTraffic("tcp", 0, 65535).traffic.toString(), "tcp");
    assert.equal(awsTraffic("udp", 53, 53).traffic.toString(), "udp/53");
    assert.deepEqual(awsTraffic("50", 0, 0), { traffic: TrafficSet.EMPTY, complete: true, otherProtocol: "50" });
    const half = awsTraffic("tcp", 22, UNKNOWN);
    assert.equal(half.traffic.toString(), "tcp/22");
    assert.equal(half.complete, false);
  });

  it("reads GCP port lists with unknown elements as a lower bound", () => {
    const t = gcpTraffic("tcp", ["22", UNKNOWN, "8000-8100"]);
    assert.equal(t.traffic.toString(), "tcp/22, tcp/8000-8100");
    assert.equal(t.complete, false);
    assert.equal(gcpTraffic("all", undefined).traffic.toString(), "all");
    assert.equal(gcpTraffic("udp", []).traffic.toString(), "udp");
  });

  it("reads Kubernetes ports: TCP by default, endPort, named ports as unknown numbers", () => {
    assert.equal(k8sPortTraffic(undefined, 53, undefined).traffic.toString(), "tcp/53");
    assert.equal(k8sPortTraffic("UDP", 32000, 32768).traffic.toString(), "udp/32000-32768");
    assert.equal(k8sPortTraffic("TCP", "http", undefined).complete, false);
  });

  it("keeps known CIDRs beside unknown ones", () => {
    const c = cidrList(["0.0.0.0/0", UNKNOWN, "not-a-cidr"]);
    assert.ok(c.cidrs.isWorld());
    assert.equal(c.complete, false);
    assert.deepEqual(c.invalid, ["not-a-cidr"]);
  });
});

describe("core/resources exposure", () => {
  it("cuts ports at every rule boundary", () => {
    const p = pieces(TrafficSet.of("tcp", 0, 100), [TrafficSet.of("tcp", 22, 22), TrafficSet.of("tcp", 20, 30)]);
    assert.deepEqual(p.map((x) => `${x.from}-${x.to}`), ["0-19", "20-21", "22-22", "23-30", "31-100"]);
  });

  it("adds security-group rules up: two /1 halves are the internet", () => {
    const e = additiveWorldExposure([rule(["0.0.0.0/1"], TrafficSet.of("tcp", 0, 1000), "a"), rule(["128.0.0.0/1"], TrafficSet.of("tcp", 22, 22), "b")]);
    assert.equal(e.traffic.toString(), "tcp/22");
    assert.deepEqual(e.rules, ["a", "b"]);
  });

  it("property: splitting one world rule's addresses across rules never changes the exposure", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 65535 }), (prefix, port) => {
        const whole = additiveWorldExposure([rule(["0.0.0.0/0"], TrafficSet.of("tcp", port, port))]);
        const halves = [`0.0.0.0/${prefix}`, ...CidrSet.fromCidrs(["0.0.0.0/0"]).subtract(CidrSet.fromCidrs([`0.0.0.0/${prefix}`])).toCidrs().map((c) => c.text)];
        const split = additiveWorldExposure(halves.map((h, i) => rule([h], TrafficSet.of("tcp", port, port), `r${i}`)));
        return split.traffic.equals(whole.traffic) && !split.traffic.isEmpty();
      }),
    );
  });

  it("applies NACL entries in rule-number order, whatever the list order", () => {
    const entries: OrderedRule<string>[] = [
      { ...rule(["0.0.0.0/0"], TrafficSet.of("tcp"), "allow-all-tcp"), order: 200, allow: true },
      { ...rule(["0.0.0.0/0"], TrafficSet.of("tcp", 22, 22), "deny-22"), order: 100, allow: false },
    ];
    const found = orderedWorldExposure(entries, TrafficSet.of("tcp", 20, 23));
    assert.deepEqual(found.map((f) => [f.rule, f.traffic.toString()]), [["allow-all-tcp", "tcp/20-21, tcp/23"]]);
  });
});

describe("core/resources StackIndex", () => {
  const res = (name: string, type: string, deps: string[] = [], propDeps: Record<string, string[]> = {}): StackResource => ({
    urn: `urn:pulumi:dev::p::${type}::${name}`,
    type,
    name,
    props: {},
    dependencies: deps,
    propertyDependencies: propDeps,
  });
  const vpc = res("vpc", "aws:ec2/vpc:Vpc");
  const sgA = res("a", "aws:ec2/securityGroup:SecurityGroup", [vpc.urn]);
  const rule = res("r", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", [], { securityGroupId: [sgA.urn], referencedSecurityGroupId: [sgA.urn] });
  const sgB = res("b", "aws:ec2/securityGroup:SecurityGroup", [vpc.urn, vpc.urn]);
  const self = res("self", "aws:ec2/subnet:Subnet", [], { vpcId: [vpc.urn] });
  const index = new StackIndex([vpc, sgA, rule, sgB, self]);

  it("lists resources of several types in stack order, each once", () => {
    assert.deepEqual(
      index.ofType("aws:ec2/securityGroup:SecurityGroup", "aws:ec2/vpc:Vpc", "aws:ec2/vpc:Vpc").map((r) => r.name),
      ["vpc", "a", "b"],
    );
    assert.deepEqual(index.ofType("aws:ec2/subnet:Subnet").map((r) => r.name), ["self"]);
    assert.deepEqual(index.ofType("aws:ec2/instance:Instance"), []);
  });

  it("finds dependents through plain and property dependencies, once each, in stack order", () => {
    assert.deepEqual(index.dependents(vpc).map((r) => r.name), ["a", "b", "self"]);
    assert.deepEqual(index.dependents(sgA).map((r) => r.name), ["r"]);
    assert.deepEqual(index.dependents(sgB), []);
    // a caller may change what it gets without changing the index
    index.dependents(vpc).pop();
    assert.equal(index.dependents(vpc).length, 3);
  });

  it("builds a view once per index (another index of the same resources builds an equal one)", () => {
    let built = 0;
    const groups = (i: StackIndex) => {
      built++;
      return i.ofType("aws:ec2/securityGroup:SecurityGroup").map((r) => r.name);
    };
    assert.equal(index.view(groups), index.view(groups));
    assert.equal(built, 1);
    assert.deepEqual(securityGroupsOf(index), securityGroupsOf(new StackIndex([vpc, sgA, rule, sgB, self])));
    assert.equal(securityGroupsOf(index), securityGroupsOf(index));
    assert.deepEqual(securityGroupsOf(index).map((v) => [v.key, v.standalone.length]), [[sgA.urn, 1], [sgB.urn, 0]]);
  });
});

describe("core/resources readers: malformed ports and protocols", () => {
  const bad = (t: { malformed?: string; traffic: TrafficSet; complete: boolean }, re: RegExp) => {
    assert.match(t.malformed ?? "", re);
    assert.ok(t.traffic.isEmpty(), "nothing about a malformed rule is certain");
    assert.equal(t.complete, false);
  };

  it("AWS: -1 is 'every' only for protocol -1 and ICMP; tcp/udp ports run 0-65535 in order", () => {
    bad(awsTraffic("6", -1, -1), /fromPort -1 is not a whole number from 0 to 65535 for protocol tcp/);
    bad(awsTraffic("tcp", 22, 65536), /toPort 65536/);
    bad(awsTraffic("tcp", "70000", "70000"), /fromPort "70000"/);
    bad(awsTraffic("udp", "99999-100000", 5), /fromPort "99999-100000"/);
    bad(awsTraffic("tcp", NaN, 22), /fromPort NaN/);
    bad(awsTraffic("tcp", "ssh", 22), /fromPort "ssh"/);
    bad(awsTraffic("tcp", 22.5, 23), /fromPort 22.5/);
    bad(awsTraffic("tcp", 443, 80), /fromPort 443 is above toPort 80/);
    bad(awsTraffic("icmp", 300, -1), /ICMP type\) 300/);
    bad(awsTraffic("carrier-pigeon", 0, 0), /protocol "carrier-pigeon"/);
    bad(awsTraffic({ not: "a protocol" }, 0, 0), /protocol an object/);
    for (const own of ["constructor", "__proto__", "toString"]) bad(awsTraffic(own, 22, 22), /is not a protocol name or number/);
    assert.equal(awsTraffic("tcp", 443, 80).widest?.toString(), "tcp");
    assert.equal(awsTraffic("carrier-pigeon", 0, 0).widest?.toString(), "all");
    // Numbers other than tcp/udp/icmp are protocols whose ports AWS ignores.
    assert.deepEqual(awsTraffic("50", 77777, -5), { traffic: TrafficSet.EMPTY, complete: true, otherProtocol: "50" });
    assert.equal(awsTraffic("icmp", 8, 0).traffic.toString(), "icmp");
  });

  it("GCP: port texts 0-65535, the lower first; anything else is malformed", () => {
    for (const p of ["70000", "99999-100000", "100-50", "", "ssh", "22-", null, NaN, { a: 1 }]) bad(gcpTraffic("tcp", ["443", p]), /ports\[1\]/);
    bad(gcpTraffic("tcp", "22"), /ports "22" is not a list/);
    bad(gcpTraffic(undefined, ["22"]), /protocol undefined/);
    bad(gcpTraffic("constructor", ["22"]), /protocol "constructor"/);
    assert.equal(gcpTraffic("tcp", [22, "8000-8100"]).traffic.toString(), "tcp/22, tcp/8000-8100");
    assert.equal(gcpTraffic("esp", undefined).otherProtocol, "esp");
  });

  it("Kubernetes: ports 1-65535 or a port name, endPort at or above a numeric port", () => {
    for (const p of [0, -1, 65536, "70000", "99999-100000", NaN, "", "Not_A_Name", true]) bad(k8sPortTraffic("TCP", p, undefined), /port/);
    bad(k8sPortTraffic("TCP", 8000, 7000), /endPort 7000 is below port 8000/);
    bad(k8sPortTraffic("TCP", "http", 9000), /endPort 9000 is set beside the named port "http"/);
    bad(k8sPortTraffic("TCP", undefined, 9000), /endPort 9000 is set without a port/);
    bad(k8sPortTraffic("ICMP", 80, undefined), /protocol "ICMP" is not TCP, UDP or SCTP/);
    assert.equal(k8sPortTraffic("TCP", "http", undefined).malformed, undefined);
    assert.equal(k8sPortTraffic("UDP", "53", undefined).traffic.toString(), "udp/53");
  });

  it("never throws, whatever the values", () => {
    const any = fc.oneof(fc.integer({ min: -100000, max: 100000 }), fc.double(), fc.string(), fc.constant(null), fc.constant(undefined), fc.constant(UNKNOWN), fc.boolean());
    fc.assert(
      fc.property(any, any, any, (a, b, c) => {
        awsTraffic(a as never, b as never, c as never);
        awsTraffic("tcp", b as never, c as never);
        gcpTraffic("tcp", [a as never, b as never]);
        gcpTraffic(a as never, b as never);
        k8sPortTraffic("TCP", b as never, c as never);
        k8sPortTraffic(a as never, b as never, c as never);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("core/resources label selectors judged together", () => {
  const req = fc.record({
    key: fc.constantFrom("a", "b", "c"),
    op: fc.constantFrom("In" as const, "NotIn" as const, "Exists" as const, "DoesNotExist" as const),
    values: fc.uniqueArray(fc.constantFrom("x", "y"), { minLength: 1, maxLength: 2 }),
  }).map((r) => ({ ...r, values: r.op === "Exists" || r.op === "DoesNotExist" ? [] : r.values }));

  it("property: covers every label set exactly when brute force over absent/x/y/other finds no gap", () => {
    const holds = (r: LabelRequirement, v: string | undefined) =>
      r.op === "In" ? v !== undefined && r.values.includes(v) : r.op === "NotIn" ? v === undefined || !r.values.includes(v) : r.op === "Exists" ? v !== undefined : v === undefined;
    const states = [undefined, "x", "y", "z"];
    fc.assert(
      fc.property(fc.array(fc.array(req, { maxLength: 3 }), { maxLength: 4 }), (alts) => {
        let gap = false;
        for (const a of states) for (const b of states) for (const c of states) {
          const labels: Record<string, string | undefined> = { a, b, c };
          if (!alts.some((alt) => alt.every((r) => holds(r, labels[r.key])))) gap = true;
        }
        assert.equal(coversEveryLabelSet(alts), !gap);
      }),
      { numRuns: 500 },
    );
  });

  it("a namespace's own name label is always there: Exists on it selects every namespace", () => {
    const ns = [{ key: "kubernetes.io/metadata.name", op: "Exists" as const, values: [] }];
    assert.equal(coversEveryLabelSet([ns]), false);
    assert.equal(coversEveryLabelSet([ns], new Set(["kubernetes.io/metadata.name"])), true);
  });

  it("reads selectors: malformed ones as errors, unknown parts as undefined", () => {
    assert.deepEqual(requirementsOf({}), []);
    assert.deepEqual(requirementsOf({ matchLabels: { app: "web" } }), [{ key: "app", op: "In", values: ["web"] }]);
    assert.match((requirementsOf({ matchExpressions: [{ key: "a", operator: "Like" }] }) as { error: string }).error, /operator "Like" is not one of In, NotIn, Exists, DoesNotExist/);
    assert.match((requirementsOf({ matchExpressions: [{ key: "a", operator: "In" }] }) as { error: string }).error, /In needs at least one value/);
    assert.equal(requirementsOf({ matchLabels: { app: UNKNOWN } }), undefined);
  });
});

describe("core/resources NACL entries added up in rule order", () => {
  const entry = (order: number, allow: boolean, cidrs: string[], ref: string) => ({ ...rule(cidrs, TrafficSet.of("tcp", 22), ref), order, allow });

  it("property: the internet split into /3 blocks across entries is still the whole internet, and a deny in front of any public block closes it", () => {
    const blocks = Array.from({ length: 8 }, (_, i) => `${i * 32}.0.0.0/3`);
    fc.assert(
      fc.property(fc.shuffledSubarray(blocks, { minLength: 8, maxLength: 8 }), fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }), (order, denied) => {
        const entries: OrderedRule<string>[] = order.map((c, i) => entry(10 + i, true, [c], c));
        if (denied !== undefined) entries.push(entry(1, false, [blocks[denied]], "deny"));
        const found = orderedWorldExposure(entries);
        // 224.0.0.0/3 is multicast and reserved space, never the internet: it need not be allowed, and allowing it opens nothing.
        const publicBlocks = blocks.filter((b) => CidrSet.fromCidrs([b]).reachesPublic());
        if (denied === undefined || !publicBlocks.includes(blocks[denied])) {
          assert.deepEqual(found.map((f) => f.rule).sort(), [...publicBlocks].sort());
          assert.ok(found.every((f) => f.together.length === publicBlocks.length - 1 && f.traffic.equals(TrafficSet.of("tcp", 22))));
        } else {
          assert.deepEqual(found, []);
        }
      }),
      { numRuns: 200 },
    );
  });
});
