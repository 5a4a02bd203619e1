/**
 * One intent, three clouds, the same allowed flows. Each platform's plan is read back into
 * (from, to, protocol, ports) tuples from what it would deploy (GCP firewall rules, AWS
 * security groups, Kubernetes NetworkPolicies) and compared with the intent's own tuples, for
 * the shared shop intent and for generated intents, so no platform can drift from the others.
 */
import assert from "node:assert/strict";
import path from "node:path";
import fc from "fast-check";
import { IntentError, loadIntentFile, parseIntent, type Intent, type IntentInput } from "../../../core/intent";
import { TrafficSet, type PortSpec } from "../../../core/net/ports";
import { intentFlowTuples, sortTuples, type FlowTuple } from "../../../core/rules/neutral";
import { planGcpNetwork } from "../../../core/rules/gcp";
import { planAwsRulesForIntent, type AwsRulePlan, type SgRule } from "../../../core/rules/aws";
import { planK8s, k8sFlowTuples } from "../../../core/rules/k8s";

const ROOT = path.resolve(__dirname, "../../..");

function sgTraffic(r: SgRule): TrafficSet {
  if (r.protocol === "-1") return TrafficSet.ALL;
  if (r.protocol === "icmp") return TrafficSet.of("icmp");
  // AWS matches protocol 132 (SCTP) on every port.
  if (r.protocol === "132") return TrafficSet.of("sctp");
  const spec: PortSpec = { protocol: r.protocol, from: r.fromPort ?? 0, to: r.toPort ?? 65535 };
  return TrafficSet.fromSpecs([spec]);
}

/**
 * The flows an AWS plan's security groups let through (core/rules/aws exports no reader of
 * its own): a pair of zones passes where the source group's egress and the destination
 * group's ingress both allow it. NACLs are coarser (subnet-wide) and only ever allow more.
 */
function awsFlowTuples(plan: AwsRulePlan): FlowTuple[] {
  const zones = new Set(plan.zones.map((z) => z.zone));
  const sides = { ingress: new Map<string, TrafficSet>(), egress: new Map<string, TrafficSet>() };
  const pairs = new Map<string, [string, string]>();
  for (const z of plan.zones) {
    for (const r of [...z.securityGroup.ingress, ...z.securityGroup.egress]) {
      if (r.peer.kind === "egress-proxy") continue;
      // A block that serves several peers (the internet covering a partner) is named `a+b`.
      const peers = r.peer.kind === "zone" ? [r.peer.zone] : r.peer.name.split("+");
      for (const peer of peers) {
        const [from, to] = r.direction === "ingress" ? [peer, z.zone] : [z.zone, peer];
        const id = `${from}\u0000${to}`;
        sides[r.direction].set(id, (sides[r.direction].get(id) ?? TrafficSet.EMPTY).union(sgTraffic(r)));
        pairs.set(id, [from, to]);
      }
    }
  }
  const out: FlowTuple[] = [];
  for (const [id, [from, to]] of pairs) {
    let t = TrafficSet.ALL;
    if (zones.has(from)) t = t.intersect(sides.egress.get(id) ?? TrafficSet.EMPTY);
    if (zones.has(to)) t = t.intersect(sides.ingress.get(id) ?? TrafficSet.EMPTY);
    for (const p of t.toSpecs()) out.push({ from, to, protocol: p.protocol, fromPort: p.from, toPort: p.to });
  }
  return sortTuples(out);
}

/** A NetworkPolicy filters TCP, UDP and SCTP only: the Kubernetes planner refuses ICMP flows. */
const usesIcmp = (intent: Intent) => intent.flows.some((f) => f.ports.some((p) => p.protocol === "icmp"));

const sctpOf = (f: Intent["flows"][number]) => f.ports.filter((p) => p.protocol === "sctp");
/** AWS matches SCTP rules on every port: a port-limited SCTP flow is refused there. */
const usesNarrowSctp = (intent: Intent) => intent.flows.some((f) => sctpOf(f).some((p) => p.from !== 0 || p.to !== 65535));
/** SCTP to the internet through a NAT gateway (AWS, zones not internet-facing) or Cloud NAT (GCP, every zone) is refused. */
const sctpToInternet = (intent: Intent, zones: readonly string[]) => intent.flows.some((f) => f.to.kind === "internet" && f.from.kind === "zone" && zones.includes(f.from.zone) && sctpOf(f).length > 0);

function allClouds(intent: Intent): Record<string, FlowTuple[]> {
  const out: Record<string, FlowTuple[]> = {};
  const refused = (plan: () => unknown, why: RegExp) => assert.throws(plan, (e: unknown) => e instanceof IntentError && why.test(e.message));
  const gcp = () => planGcpNetwork(intent, { regions: ["europe-west1", "us-east1"] });
  if (sctpToInternet(intent, ["web", "batch"])) refused(gcp, /Cloud NAT, which translates TCP, UDP and ICMP only/);
  else out.gcp = gcp().flowTuples();
  const aws = () => planAwsRulesForIntent(intent);
  if (usesNarrowSctp(intent)) refused(aws, /AWS security groups and network ACLs match SCTP \(protocol 132\) on every port/);
  else if (sctpToInternet(intent, ["batch"])) refused(aws, /an AWS NAT gateway carries TCP, UDP and ICMP only/);
  else out.aws = awsFlowTuples(aws());
  if (usesIcmp(intent)) refused(() => planK8s(intent), /icmp cannot be allowed on Kubernetes/);
  else out.k8s = k8sFlowTuples(planK8s(intent), intent);
  return out;
}

const ZONES: IntentInput["zones"] = [
  { name: "web", internet: "inbound", egress: "nat" },
  { name: "api", egress: "proxy" },
  { name: "db", egress: "none", sensitive: true },
  { name: "batch", egress: "nat" },
];
const PEERS = [
  { name: "office", cidrs: ["203.0.113.0/24"] },
  { name: "partner", cidrs: ["198.51.100.0/25", "198.51.100.192/26"] },
];
const zoneNames = ZONES.map((z) => z.name);
/** Every (from, to) the intent accepts for these zones: the internet reaches only web, only nat zones reach the internet. */
const PAIRS: [string, string][] = [
  ...zoneNames.flatMap((a) => zoneNames.map((b): [string, string] => [a, b])),
  ["internet", "web"],
  ["web", "internet"],
  ["batch", "internet"],
  ...PEERS.flatMap((p) => zoneNames.flatMap((z): [string, string][] => [[p.name, z], [z, p.name]])),
];
const PORTS = ["tcp/443", "tcp/80", "tcp/8000-8100", "tcp/8080", "udp/53", "udp/5000-5010", "icmp", "all", "tcp/5432", "sctp", "sctp/3868", "sctp/2905-2910"];

const intentArb = fc
  .record({
    flows: fc.uniqueArray(fc.record({ pair: fc.constantFrom(...PAIRS), ports: fc.uniqueArray(fc.constantFrom(...PORTS), { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 10, selector: (f) => f.pair.join("->") }),
    proxy: fc.boolean(),
  })
  .map(({ flows, proxy }): IntentInput => ({
    name: "gen",
    addressSpace: "10.50.0.0/16",
    zones: ZONES,
    peers: PEERS,
    flows: flows.map((f) => ({ from: f.pair[0], to: f.pair[1], ports: f.ports })),
    egress: proxy ? [{ from: "api", allow: ["api.example.com:443"] }] : [],
  }));

describe("cross-cloud: the three platforms' plans allow the same flows", () => {
  it("for the shared shop intent", () => {
    const intent = loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml"));
    const expected = intentFlowTuples(intent);
    assert.ok(expected.length >= 6);
    for (const [cloud, tuples] of Object.entries(allClouds(intent))) assert.deepEqual(tuples, expected, cloud);
  });

  it("for generated intents (zones, peers, internet, every protocol shape)", () => {
    fc.assert(
      fc.property(intentArb, (input) => {
        const intent = parseIntent(input);
        const expected = intentFlowTuples(intent);
        const clouds = allClouds(intent);
        const expectedClouds = [!sctpToInternet(intent, ["web", "batch"]), !usesNarrowSctp(intent) && !sctpToInternet(intent, ["batch"]), !usesIcmp(intent)].filter(Boolean).length;
        assert.equal(Object.keys(clouds).length, expectedClouds);
        for (const [cloud, tuples] of Object.entries(clouds)) assert.deepEqual(tuples, expected, cloud);
      }),
      { numRuns: 60, seed: 20240611 },
    );
  });

  it("refuses on GCP, with a clear error, an intent that only Kubernetes can express (workloads)", () => {
    const intent = loadIntentFile(path.join(ROOT, "examples/k8s-microservices/intent.yaml"));
    assert.ok(k8sFlowTuples(planK8s(intent), intent).length > 0);
    assert.throws(() => planGcpNetwork(intent, { regions: ["europe-west1"] }), (e: unknown) => e instanceof IntentError && /names a workload, and GCP has no workloads/.test(e.message));
  });
});
