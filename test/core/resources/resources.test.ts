import assert from "node:assert/strict";
import fc from "fast-check";
import { CidrSet, TrafficSet } from "../../../core/net";
import {
  additiveWorldExposure,
  awsTraffic,
  cidrList,
  gcpTraffic,
  k8sPortTraffic,
  orderedWorldExposure,
  pieces,
  StackIndex,
  UNKNOWN,
  type OrderedRule,
  type StackResource,
} from "../../../core/resources";

const rule = (cidrs: string[], traffic: TrafficSet, ref = "r") => ({ cidrs: CidrSet.fromCidrs(cidrs), cidrsComplete: true, traffic, trafficComplete: true, ref });

describe("core/resources readers", () => {
  it("reads AWS protocols by name or number, every-port spellings, and half-known ports", () => {
    assert.equal(awsTraffic("-1", 0, 0).traffic.toString(), "all");
    assert.equal(awsTraffic("6", -1, -1).traffic.toString(), "tcp");
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
});
