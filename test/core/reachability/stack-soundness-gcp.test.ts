/**
 * Soundness of the GCP engine on random small stacks: for every pair of endpoints and every
 * probe (a protocol and port at each rule bound and next to it), the engine's `allowed` holds
 * the probe exactly when the brute-force reference (./reference/gcp.ts, written from GCP's
 * documented firewall behaviour and sharing no code with the engine) finds some source address
 * that reaches some destination address. Stacks: one or two VPC networks (default routes kept
 * or deleted, tagged routes to the internet gateway), subnetworks in zones or unmarked, zones
 * whose instances carry network tags, instances with fixed addresses, their own tags and an
 * external address or none (workload endpoints), and firewall rules of random direction,
 * priority (ties included), action, ports, source and destination ranges (covering part of a
 * subnetwork or of the internet: partial denies), source and target tags, source and target
 * service accounts (zones with an account of their own, instances running as one or as none).
 *
 * `SOUNDNESS_RUNS=<n>` sets the number of stacks per property (a longer hunt), `SOUNDNESS_STATS=1`
 * prints what the runs covered.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { analyseReachability, explainCut, type PairResult } from "../../../core/reachability";
// Only to ask the engine to explain a disagreement in its own words; the reference never uses it.
import { TrafficSet } from "../../../core/net";
import { describeGcp, gcpStackResources, type GcpFirewallSpec, type GcpSpec, type GcpSubnetSpec } from "./reference/gcp-stack";
import { GcpReference } from "./reference/gcp";
import { PUBLIC_CIDRS } from "./reference/internet";
import { answerHolds, probesFor, probeText, type PortRule, type Probe } from "./reference/traffic";

const ZONES = ["web", "app", "db"];
const TAGS = ["t1", "t2", "t3"];
/** A firewall's traffic, as GCP spells it and as a port rule for the probes. */
const TRAFFIC: { protocol: GcpFirewallSpec["protocol"]; ports: string[]; rule: PortRule }[] = [
  { protocol: "tcp", ports: ["22"], rule: { protocol: "tcp", fromPort: 22, toPort: 22 } },
  { protocol: "tcp", ports: ["80-443"], rule: { protocol: "tcp", fromPort: 80, toPort: 443 } },
  { protocol: "tcp", ports: ["443"], rule: { protocol: "tcp", fromPort: 443, toPort: 443 } },
  { protocol: "tcp", ports: ["22", "8000-9000"], rule: { protocol: "tcp", fromPort: 8000, toPort: 9000 } },
  { protocol: "udp", ports: ["53"], rule: { protocol: "udp", fromPort: 53, toPort: 53 } },
  { protocol: "tcp", ports: [], rule: { protocol: "tcp", fromPort: 0, toPort: 65535 } },
  { protocol: "icmp", ports: [], rule: { protocol: "icmp", fromPort: -1, toPort: -1 } },
  { protocol: "all", ports: [], rule: { protocol: "-1", fromPort: 0, toPort: 0 } },
];

/**
 * Engine disagreements found by this test, each a case at the end of this file (skipped while
 * open); the generator keeps clear of a flag set to true. All fixed: every flag false.
 */
const KNOWN = {
  /** A zone with templates carrying different tags is judged as one instance carrying them all. */
  mergedZoneTags: false,
  /** The engine lets an IPv4-only subnetwork reach the IPv6 internet through the implied egress allow. */
  ipv6Egress: false,
};

const tagSet = fc.subarray(TAGS);
/** Service account ids: a zone's (declared when the zone has one) and one declared nowhere. */
const ACCOUNTS = [...ZONES.map((z) => `sa-${z}`), "sa-other"];
const accountSet = fc.subarray(ACCOUNTS, { minLength: 1 });
const cidrPick = fc.record({ local: fc.boolean(), i: fc.nat() });
const rawFirewall = fc.record({
  network: fc.nat(1),
  direction: fc.constantFrom("INGRESS" as const, "EGRESS" as const),
  priority: fc.constantFrom(900, 1000, 1000, 1100),
  action: fc.constantFrom("allow" as const, "deny" as const),
  traffic: fc.nat(TRAFFIC.length - 1),
  ranges: fc.array(cidrPick, { maxLength: 2 }),
  /** Sources beside ranges, and targets: by tags or by service accounts (GCP takes one kind), or none. */
  sources: fc.oneof(fc.constant({}), tagSet.map((tags) => ({ tags })), accountSet.map((accounts) => ({ accounts }))),
  targets: fc.oneof(fc.constant({}), tagSet.map((tags) => ({ tags })), accountSet.map((accounts) => ({ accounts }))),
});
const rawStack = fc.record({
  networks: fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }),
  subnets: fc.array(fc.record({ network: fc.nat(1), zone: fc.nat(ZONES.length) }), { minLength: 1, maxLength: 4 }),
  /** Per zone, the tags of one or two instance templates. */
  zoneTags: fc.array(fc.array(tagSet, { minLength: 1, maxLength: 2 }), { minLength: ZONES.length, maxLength: ZONES.length }),
  firewalls: fc.array(rawFirewall, { maxLength: 7 }),
  instances: fc.array(fc.record({ subnet: fc.nat(), host: fc.integer({ min: 2, max: 13 }), tags: tagSet, external: fc.boolean(), account: fc.option(fc.constantFrom(...ACCOUNTS), { nil: undefined }) }), { maxLength: 3 }),
  /** Per zone, whether it has a service account of its own (its instances run as it). */
  zoneAccounts: fc.array(fc.boolean(), { minLength: ZONES.length, maxLength: ZONES.length }),
  routes: fc.array(fc.record({ network: fc.nat(1), dest: fc.constantFrom("0.0.0.0/0", "0.0.0.0/1", "203.0.113.0/25"), tags: fc.oneof(fc.constant([] as string[]), tagSet) }), { maxLength: 2 }),
});
type RawStack = typeof rawStack extends fc.Arbitrary<infer T> ? T : never;

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length];

function buildSpec(raw: RawStack): GcpSpec {
  const networks = raw.networks.map((deleteDefaultRoutes, i) => ({ name: `net${i}`, deleteDefaultRoutes }));
  // A zone lives in one network (zone k in network k mod the count); an unmarked subnetwork anywhere.
  const subnets: GcpSubnetSpec[] = raw.subnets.map((s, i) => {
    const zone = s.zone === 0 ? undefined : ZONES[s.zone - 1];
    const network = zone ? pick(networks, s.zone - 1).name : pick(networks, s.network).name;
    return { name: zone ? `sub-${zone}-${i}` : `sub-${i}`, network, cidr: `10.8.${i}.0/28`, ...(zone ? { zone } : {}) };
  });
  const zones = [...new Set(subnets.flatMap((s) => (s.zone ? [s.zone] : [])))].sort();
  const wide = [...PUBLIC_CIDRS, "10.0.0.0/8", "10.8.0.0/16"];
  // Blocks of the subnetworks: whole, halves, a pair and a single address (usable ones: GCP reserves .0, .1, .14 and .15).
  const local = subnets.flatMap((s) => {
    const base = s.cidr.slice(0, s.cidr.lastIndexOf(".") + 1);
    return [s.cidr, `${base}0/29`, `${base}8/29`, `${base}6/31`, `${base}9/32`];
  });
  const cidrOf = (c: { local: boolean; i: number }) => (c.local ? pick(local, c.i) : pick(wide, c.i));
  const firewalls: GcpFirewallSpec[] = raw.firewalls.map((f, i) => {
    const t = TRAFFIC[f.traffic];
    // GCP needs a source (ranges or tags) on an ingress rule, as written here, and ranges on an egress one.
    const ranges = f.ranges.map(cidrOf);
    const ingress = f.direction === "INGRESS";
    const sourceTags = ingress && "tags" in f.sources ? f.sources.tags : [];
    const sourceAccounts = ingress && "accounts" in f.sources ? f.sources.accounts : [];
    const needRanges = ingress ? !sourceTags.length && !sourceAccounts.length : true;
    return {
      name: `fw-${i}`,
      network: pick(networks, f.network).name,
      direction: f.direction,
      priority: f.priority,
      action: f.action,
      protocol: t.protocol,
      ports: t.ports,
      sourceRanges: ingress ? (ranges.length || !needRanges ? ranges : ["0.0.0.0/0"]) : [],
      sourceTags,
      sourceAccounts,
      destinationRanges: ingress ? [] : ranges.length ? ranges : ["0.0.0.0/0"],
      targetTags: "tags" in f.targets ? f.targets.tags : [],
      targetAccounts: "accounts" in f.targets ? f.targets.accounts : [],
    };
  });
  const routes = raw.routes.map((r, i) => ({ name: `route-${i}`, network: pick(networks, r.network).name, dest: r.dest, tags: r.tags }));
  const taken = new Set<string>();
  const instances = raw.instances.flatMap((r, i) => {
    const s = pick(subnets, r.subnet);
    const ip = `${s.cidr.slice(0, s.cidr.lastIndexOf(".") + 1)}${r.host}`;
    if (taken.has(ip)) return [];
    taken.add(ip);
    return [{ name: `vm${i}`, subnet: s.name, ip, tags: r.tags, external: r.external, ...(r.account ? { account: r.account } : {}) }];
  });
  const zoneTags = zones.flatMap((zone) => raw.zoneTags[ZONES.indexOf(zone)].slice(0, KNOWN.mergedZoneTags ? 1 : 2).map((tags) => ({ zone, tags })));
  const zoneAccounts = zones.filter((z) => raw.zoneAccounts[ZONES.indexOf(z)]);
  return { networks, subnets, zoneTags, firewalls, routes, instances, zoneAccounts };
}

/** Where the engine lets the probe through (its paths' labels), or the first reasons it gives for stopping it. */
function engineAccount(pair: PairResult, p: Probe): string {
  const cut = explainCut(pair, p.protocol === "icmp" ? TrafficSet.of("icmp") : TrafficSet.of(p.protocol, p.port, p.port));
  if (cut.passes.length) return `passes ${cut.passes.join("; ")}`;
  return cut.blocks.slice(0, 3).map((b) => b.reason).join("; ") || "nothing passes";
}

/** How many pairs were compared, open (something allowed) or partly open: `SOUNDNESS_STATS=1` prints them, to see that the generator reaches stacks worth checking. */
const STATS = { pairs: 0, open: 0, partial: 0 };

function disagreements(spec: GcpSpec): string[] {
  const m = analyseReachability(gcpStackResources(spec));
  const ref = new GcpReference(spec);
  const out: string[] = [];
  const engineIds = m.endpoints.map((e) => e.id).sort();
  const refIds = ref.endpoints.map((e) => e.id).sort();
  if (engineIds.join() !== refIds.join()) out.push(`endpoints: engine ${engineIds.join(", ")}; reference ${refIds.join(", ")}`);
  const probes = probesFor(spec.firewalls.map((f) => TRAFFIC.find((t) => t.protocol === f.protocol && t.ports.join() === f.ports.join())!.rule));
  for (const from of ref.endpoints) {
    for (const to of ref.endpoints) {
      if (from.id === "internet" && to.id === "internet") continue;
      const pair = m.pair(from.id, to.id);
      if (!pair) {
        out.push(`${from.id} -> ${to.id}: no pair in the matrix`);
        continue;
      }
      const allowed = pair.allowed.toString();
      STATS.pairs++;
      if (allowed !== "nothing") STATS.open++;
      if (allowed !== "nothing" && allowed !== "all") STATS.partial++;
      // An instance without an external address may reach the internet through a Cloud NAT the stack does not show: "possible" only.
      const viaNat = to.id === "internet" && from.hosts.length === 1 && !from.hosts[0].external;
      if (!viaNat && pair.possible.toString() !== allowed) out.push(`${from.id} -> ${to.id}: nothing is unknown, yet possible ${pair.possible} differs from allowed ${allowed}`);
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

describe("reachability / soundness on random GCP stacks (brute force per address and port)", function () {
  this.timeout(120_000);

  it("the engine's allowed traffic equals the reference's, pair by pair and probe by probe", () => {
    fc.assert(
      fc.property(rawStack, (raw) => {
        const spec = buildSpec(raw);
        const diffs = disagreements(spec);
        assert.ok(diffs.length === 0, `\nstack:\n${describeGcp(spec)}\n\ndisagreements:\n${diffs.slice(0, 12).join("\n")}`);
      }),
      { numRuns: Number(process.env.SOUNDNESS_RUNS ?? 150) },
    );
    if (process.env.SOUNDNESS_STATS) console.log(STATS);
  });
});

/**
 * Minimal cases of the disagreements this test found, kept as regressions once fixed (each
 * failed on the engine before its fix). Run one with `it.only` to see the engine's answer
 * against the reference's.
 */
describe("reachability / GCP engine disagreements found by the soundness test (fixed, kept as regressions)", () => {
  const net = { name: "net0", deleteDefaultRoutes: false };
  const base = { networks: [net], firewalls: [], routes: [], zoneTags: [], instances: [], zoneAccounts: [] } as const;
  const fw = (f: Partial<GcpFirewallSpec> & Pick<GcpFirewallSpec, "name" | "direction" | "priority" | "action">): GcpFirewallSpec => ({
    network: "net0", protocol: "tcp", ports: ["22"], sourceRanges: [], sourceTags: [], sourceAccounts: [], destinationRanges: [], targetTags: [], targetAccounts: [], ...f,
  });

  // Was wrong "denied" (fixed: a zone is judged per kind of member, each template's own tags and
  // account): the engine gave a zone the union of its instances' tags and judged it as
  // one instance carrying all of them, so a deny aimed at some instances (tag t2) hides the others
  // (tag t1), which the allow still admits. GCP applies a rule to an instance by that instance's
  // own tags (a rule with target tags applies only to instances carrying one of them). Engine:
  // internet -> gcp:web nothing; correct: tcp/22 (instances of tpl-web-0, tagged t1 only).
  it("a deny targeting the tag of some of a zone's instances leaves the others' allowed traffic", () => {
    const spec: GcpSpec = {
      ...base,
      subnets: [{ name: "sub-web", network: "net0", cidr: "10.8.0.0/28", zone: "web" }],
      zoneTags: [{ zone: "web", tags: ["t1"] }, { zone: "web", tags: ["t2"] }],
      firewalls: [
        fw({ name: "allow-ssh", direction: "INGRESS", priority: 1000, action: "allow", sourceRanges: ["0.0.0.0/0"] }),
        fw({ name: "deny-ssh-t2", direction: "INGRESS", priority: 900, action: "deny", sourceRanges: ["0.0.0.0/0"], targetTags: ["t2"] }),
      ],
    };
    assert.deepEqual(disagreements(spec), [], describeGcp(spec));
  });

  // Was wrong "allowed" (fixed: a packet is IPv4 or IPv6 end to end): a subnetwork with only an IPv4 range (stackType IPV4_ONLY, the
  // default) gives its instances no IPv6 address, so they cannot send to the IPv6 internet; the
  // engine judges the internet's IPv6 part through GCP's implied allow-egress rule and the default
  // route anyway. Engine: gcp:subnet:sub-0 -> internet "all"; correct: everything but tcp/22
  // (fw-0 denies tcp/22 to all of 0.0.0.0/0).
  it("an IPv4-only subnetwork denied tcp/22 to all of 0.0.0.0/0 does not reach the internet on tcp/22", () => {
    const spec: GcpSpec = {
      ...base,
      subnets: [{ name: "sub-0", network: "net0", cidr: "10.8.0.0/28" }],
      firewalls: [fw({ name: "fw-0", direction: "EGRESS", priority: 900, action: "deny", destinationRanges: ["0.0.0.0/0"] })],
    };
    assert.deepEqual(disagreements(spec), [], describeGcp(spec));
  });
});
