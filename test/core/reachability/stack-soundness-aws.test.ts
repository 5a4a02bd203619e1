/**
 * Soundness of the AWS engine on random small stacks: for every pair of endpoints and every
 * probe (a protocol and port at each rule bound and next to it), the engine's `allowed` holds
 * the probe exactly when the brute-force reference (./reference/aws.ts, written from AWS's
 * documented behaviour and sharing no code with the engine) finds some source address that
 * reaches some destination address. Stacks: one or two peered VPCs, subnets in zones
 * (`netseg:zone`) or untagged, zones spread over subnets sharing a NACL or not, security
 * groups with CIDR, group and self references, NACLs with overlapping allow and deny entries on
 * both sides, route tables (internet and NAT gateways, peering, more specific routes), the
 * internet, and EC2 instances with fixed private addresses, groups of their own or shared (or
 * none: the VPC's default group) and a public IP or not, each a workload endpoint; with the
 * client's ephemeral range drawn too.
 *
 * `SOUNDNESS_RUNS=<n>` sets the number of stacks per property (a longer hunt), `SOUNDNESS_STATS=1`
 * prints what the runs covered.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { analyseReachability, explainCut, type PairResult } from "../../../core/reachability";
// Only to ask the engine to explain a disagreement in its own words; the reference never uses it.
import { TrafficSet } from "../../../core/net";
import { awsStackResources, describeAws, type AwsSpec, type SgRuleSpec } from "./reference/aws-stack";
import { buildSpec, rawStack, rawStackOf, type RawStack } from "./reference/aws-arbitrary";
import { AwsReference } from "./reference/aws";
import { answerHolds, probesFor, probeText, type Probe } from "./reference/traffic";

/**
 * Engine disagreements found by this test, each a skipped case at the end of this file; the
 * comparison sets aside the pairs they affect until they are fixed (set the flag to false then).
 */
const KNOWN = {
  /**
   * Traffic between two subnets of one zone that share a NACL and a route table skips the NACL:
   * while set, the zone's pair with itself is not compared when its subnets share them (every
   * other pair is, workloads in those subnets included).
   */
  sharedNaclInZone: false,
  /**
   * A group reference (or `self`) in a rule does not match the part of such a zone that shares a
   * subnet with a workload, so the zone's same-subnet traffic with the workload is missed: while
   * set, pairs between such a zone and the workloads in its subnets are not compared.
   */
  groupRefsInSharedSubnet: false,
};

/** Whether the zone `id` (`aws:a`) has two subnets with one NACL (not the default) and one route table. */
function zoneSharesNacl(spec: AwsSpec, id: string): boolean {
  const mine = spec.subnets.filter((s) => s.zone && `aws:${s.zone}` === id);
  return mine.some((s, i) => s.nacl && mine.some((t, j) => j > i && t.nacl === s.nacl && t.rt === s.rt));
}

/** Where the engine lets the probe through (its paths' labels), or the first reasons it gives for stopping it. */
function engineAccount(pair: PairResult, p: Probe): string {
  const cut = explainCut(pair, p.protocol === "icmp" ? TrafficSet.of("icmp") : TrafficSet.of(p.protocol, p.port, p.port));
  if (cut.passes.length) return `passes ${cut.passes.join("; ")}`;
  return cut.blocks.slice(0, 3).map((b) => b.reason).join("; ") || "nothing passes";
}

/** How many pairs were compared, open (something allowed) or partly open, and workloads judged through another: `SOUNDNESS_STATS=1` prints them, to see that the generator reaches stacks worth checking. */
const STATS = { pairs: 0, open: 0, partial: 0, alike: 0 };

/** Every disagreement between the engine and the reference on the stack, as readable lines. */
function disagreements(spec: AwsSpec, ephemeral: [number, number], avoidKnown = true): string[] {
  const m = analyseReachability(awsStackResources(spec), { ephemeralPorts: { from: ephemeral[0], to: ephemeral[1] } });
  const ref = new AwsReference(spec, ephemeral);
  const out: string[] = [];
  const engineIds = m.endpoints.map((e) => e.id).sort();
  const refIds = ref.endpoints.map((e) => e.id).sort();
  STATS.alike += m.endpoints.filter((e) => e.sameAs).length;
  if (engineIds.join() !== refIds.join()) out.push(`endpoints: engine ${engineIds.join(", ")}; reference ${refIds.join(", ")}`);
  const probes = probesFor([...spec.sgs.flatMap((g) => [...g.ingress, ...g.egress]), ...spec.nacls.flatMap((n) => [...n.ingress, ...n.egress])]);
  for (const from of ref.endpoints) {
    for (const to of ref.endpoints) {
      if (from.id === "internet" && to.id === "internet") continue;
      if (avoidKnown && KNOWN.sharedNaclInZone && from.id === to.id && zoneSharesNacl(spec, from.id)) continue;
      const inZone = (zone: string, w: string) => w.startsWith(`${zone}/`) && zoneSharesNacl(spec, zone);
      if (avoidKnown && KNOWN.groupRefsInSharedSubnet && (inZone(from.id, to.id) || inZone(to.id, from.id))) continue;
      const pair = m.pair(from.id, to.id);
      if (!pair) {
        out.push(`${from.id} -> ${to.id}: no pair in the matrix`);
        continue;
      }
      const allowed = pair.allowed.toString();
      STATS.pairs++;
      if (allowed !== "nothing") STATS.open++;
      if (allowed !== "nothing" && allowed !== "all") STATS.partial++;
      if (pair.possible.toString() !== allowed) out.push(`${from.id} -> ${to.id}: nothing is unknown, yet possible ${pair.possible} differs from allowed ${allowed}`);
      for (const p of probes) {
        const engine = answerHolds(allowed, p);
        const witness = ref.witness(from, to, p);
        if (engine !== (witness !== undefined)) {
          out.push(`${from.id} -> ${to.id} on ${probeText(p)}: engine ${engine ? "allowed" : "denied"} (allowed: ${allowed}), reference ${witness ? `allowed: ${witness}` : "denied: no address pair passes"}\n    engine's account: ${engineAccount(pair, p)}`);
        }
      }
    }
  }
  return out;
}

function holds(arb: fc.Arbitrary<RawStack>, numRuns: number): void {
  fc.assert(
    fc.property(arb, (raw) => {
      const spec = buildSpec(raw);
      const diffs = disagreements(spec, raw.ephemeral);
      assert.ok(diffs.length === 0, `\nstack (client ports ${raw.ephemeral.join("-")}):\n${describeAws(spec)}\n\ndisagreements:\n${diffs.slice(0, 12).join("\n")}`);
    }),
    { numRuns: Number(process.env.SOUNDNESS_RUNS ?? numRuns) },
  );
  if (process.env.SOUNDNESS_STATS) console.log(STATS);
}

describe("reachability / soundness on random AWS stacks (brute force per address and port)", function () {
  this.timeout(120_000);

  it("the engine's allowed traffic equals the reference's, pair by pair and probe by probe", () => {
    holds(rawStack, 120);
  });

  it("the same inside one VPC whose zones span several subnets, with rules naming parts of them", () => {
    holds(rawStackOf("spread"), 60);
  });

  it("the same with instances alike but for their addresses (equivalence classes of workloads)", () => {
    holds(rawStackOf("alike"), 40);
  });
});

/**
 * Minimal cases of the disagreements this test found, skipped until the engine is fixed; each
 * fails today. Run one with `it.only` to see the engine's answer against the reference's.
 */
describe("reachability / AWS engine disagreements found by the soundness test (fixed, kept as regressions)", () => {
  // BUG (wrong "allowed"): a NACL filters what leaves and enters each subnet it is associated
  // with, so a packet between two different subnets that share one NACL meets its outbound rules
  // leaving the first and its inbound rules entering the second (only hosts of ONE subnet talk
  // past it). The engine groups a zone's subnets by (NACL, route table, VPC) and judges a pair
  // inside one group as if it never crossed a subnet boundary. Here only a0 -> a1 passes the
  // group's rules, and acl-a (no entries: its default rule denies everything) stops it. Engine:
  // aws:a -> aws:a tcp/22; correct: nothing.
  it("two subnets of one zone sharing a NACL are filtered by it between them", () => {
    const spec: AwsSpec = {
      vpcs: 1,
      subnets: [
        { name: "a0", vpc: 0, cidr: "10.0.0.0/28", zone: "a", nacl: "acl-a" },
        { name: "a1", vpc: 0, cidr: "10.0.1.0/28", zone: "a", nacl: "acl-a" },
      ],
      sgs: [{
        name: "sg-a", vpc: 0, zone: "a",
        ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["10.0.0.0/28"], groups: [], self: false }],
        egress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["10.0.1.0/28"], groups: [], self: false }],
      }],
      nacls: [{ name: "acl-a", vpc: 0, ingress: [], egress: [] }],
      rts: [],
      instances: [],
    };
    assert.deepEqual(disagreements(spec, [1024, 65535], false), [], describeAws(spec));
  });

  // BUG (wrong "denied"): zone a's subnets a0 and a1 share NACL acl-a (and the main route table),
  // so the engine judges them as one group; instance vm sits in a0. Hosts of a0 reach vm inside
  // the subnet, where no NACL applies, and vm's group admits tcp/22 from members of sg-a, which
  // zone a's hosts carry. The engine splits the group's a0 part into a class of its own for that
  // same-subnet path, but matches group references (and `self`) only against the zone's whole-group
  // classes, so sg-vm's rule never matches the a0 part. Engine: aws:a -> aws:a/ec2:vm nothing;
  // correct: tcp/22 (10.0.0.4 in a0 -> 10.0.0.10). The same rule naming a0 by CIDR
  // (10.0.0.0/28) instead of by group gives tcp/22.
  it("a zone's hosts reach an instance in their own subnet through a rule naming the zone's group, when the zone's subnets share a NACL", () => {
    const ssh = (peer: Partial<SgRuleSpec>): SgRuleSpec => ({ protocol: "tcp", fromPort: 22, toPort: 22, cidrs: [], groups: [], self: false, ...peer });
    const spec: AwsSpec = {
      vpcs: 1,
      subnets: [
        { name: "a0", vpc: 0, cidr: "10.0.0.0/28", zone: "a", nacl: "acl-a" },
        { name: "a1", vpc: 0, cidr: "10.0.1.0/28", zone: "a", nacl: "acl-a" },
      ],
      sgs: [
        { name: "sg-a", vpc: 0, zone: "a", ingress: [], egress: [ssh({ cidrs: ["0.0.0.0/0"] })] },
        { name: "sg-vm", vpc: 0, ingress: [ssh({ groups: ["sg-a"] })], egress: [] },
      ],
      nacls: [{ name: "acl-a", vpc: 0, ingress: [], egress: [] }],
      rts: [],
      instances: [{ name: "vm", subnet: "a0", ip: "10.0.0.10", sgs: ["sg-vm"], publicIp: false }],
    };
    assert.deepEqual(disagreements(spec, [1024, 65535], false), [], describeAws(spec));
  });
});
