/**
 * GCP workload equivalence classes on random stacks (fast-check): instances with random fixed
 * or picked addresses, alias ranges, network tags (one no rule names), service accounts and
 * external IPs; firewall rules with random priorities, actions, ports, targets and peers
 * (ranges cutting the subnetworks, source tags, source accounts); sometimes a Cloud NAT serving
 * one subnetwork (which no rule tells apart from the others by address) and an external load balancer (a target pool) naming some of the instances.
 * Checked, by brute force:
 * - every instance answers in the full stack (where it may be judged through a representative)
 *   as in a stack holding it alone, towards and from the internet and the zones;
 * - every pair of instances answers as in a stack holding those two alone;
 * - every verdict of the matrix (pairs judged through `closed()` and the walk memo included,
 *   members' answers included) equals what its own paths give, walked stage by stage.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, type Matrix, type NetResource, type PairResult } from "../../../core/reachability";
import { pathTraffic } from "../../../core/reachability/stage";
import { res } from "./build";

const SUBNETS = [
  { name: "sub-web", zone: "web", range: "10.1.0.0/24", ips: ["10.1.0.5", "10.1.0.9", "10.1.0.130", "10.1.0.200"] },
  { name: "sub-web2", zone: "web", range: "10.1.2.0/24", ips: ["10.1.2.5", "10.1.2.140"] },
  { name: "sub-app", zone: "app", range: "10.1.1.0/24", ips: ["10.1.1.3", "10.1.1.150"] },
  // No rule names this one's addresses alone; the Cloud NAT (when there is one) serves it only.
  { name: "sub-web3", zone: "web", range: "10.1.3.0/24", ips: ["10.1.3.7"] },
];
const RANGES = ["0.0.0.0/0", "10.1.0.0/16", "10.1.0.0/24", "10.1.0.0/25", "10.1.0.128/25", "10.1.1.0/24", "10.1.0.9/32", "10.1.2.128/25", "10.9.0.0/28", "203.0.113.0/24"];
const ALIASES = ["10.9.0.0/28", "10.9.0.16/28"];
const PORTS = [{ protocol: "tcp", ports: ["22"] }, { protocol: "tcp", ports: ["80-443"] }, { protocol: "tcp", ports: ["443"] }, { protocol: "udp", ports: ["53"] }, { protocol: "all" }];
/** Tags rules may name; `z` never is (it must not set an instance apart). */
const TAGS = ["a", "b"];
const ACCOUNTS = ["sa1@p.iam.gserviceaccount.com", "sa2@p.iam.gserviceaccount.com"];

interface Vm {
  readonly subnet: number;
  /** Index into the subnetwork's addresses, or undefined: GCP picks it. */
  readonly ip?: number;
  readonly alias?: string;
  readonly tags: string[];
  readonly account?: string;
  readonly external: boolean;
}
interface Rule {
  readonly direction: "INGRESS" | "EGRESS";
  readonly priority: number;
  readonly action: "allow" | "deny";
  readonly ports: number;
  readonly target: { tags?: string[]; account?: string };
  readonly ranges?: string[];
  readonly sourceTags?: string[];
  readonly sourceAccount?: string;
}
interface Scenario {
  readonly vms: Vm[];
  readonly rules: Rule[];
  readonly nat: boolean;
  /** Indices of the instances the load balancer names (none: no load balancer). */
  readonly pool: number[];
}

const vmArb: fc.Arbitrary<Vm> = fc
  .record({
    subnet: fc.integer({ min: 0, max: SUBNETS.length - 1 }),
    ip: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    alias: fc.option(fc.constantFrom(...ALIASES), { nil: undefined, freq: 6 }),
    tags: fc.subarray([...TAGS, "z"]),
    account: fc.option(fc.constantFrom(...ACCOUNTS), { nil: undefined }),
    external: fc.boolean(),
  })
  .map((v) => ({ ...v, ip: v.ip === undefined ? undefined : v.ip % SUBNETS[v.subnet].ips.length }));

const ruleArb: fc.Arbitrary<Rule> = fc
  .record({
    direction: fc.constantFrom("INGRESS" as const, "EGRESS" as const),
    priority: fc.constantFrom(100, 500, 1000),
    action: fc.constantFrom("allow" as const, "deny" as const),
    ports: fc.integer({ min: 0, max: PORTS.length - 1 }),
    target: fc.oneof(fc.constant({}), fc.record({ tags: fc.subarray(TAGS, { minLength: 1 }) }), fc.record({ account: fc.constantFrom(...ACCOUNTS) })),
    ranges: fc.option(fc.subarray(RANGES, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    sourceTags: fc.option(fc.subarray(TAGS, { minLength: 1 }), { nil: undefined }),
    sourceAccount: fc.option(fc.constantFrom(...ACCOUNTS), { nil: undefined }),
  })
  .map((r) => {
    if (r.direction === "EGRESS") return { ...r, sourceTags: undefined, sourceAccount: undefined };
    const sourceAccount = r.sourceTags ? undefined : r.sourceAccount;
    return { ...r, sourceAccount, ranges: r.ranges ?? (r.sourceTags || sourceAccount ? undefined : ["0.0.0.0/0"]) };
  });

/** One field of an instance changed (or none): near twins are what classes must tell apart. */
const tweakArb: fc.Arbitrary<(v: Vm) => Vm> = fc.oneof(
  { weight: 3, arbitrary: fc.constant((v: Vm) => v) },
  fc.integer({ min: 0, max: SUBNETS.length - 1 }).map((subnet) => (v: Vm) => ({ ...v, subnet, ip: v.ip === undefined ? undefined : v.ip % SUBNETS[subnet].ips.length })),
  fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }).map((ip) => (v: Vm) => ({ ...v, ip: ip === undefined ? undefined : ip % SUBNETS[v.subnet].ips.length })),
  fc.option(fc.constantFrom(...ALIASES), { nil: undefined }).map((alias) => (v: Vm) => ({ ...v, alias })),
  fc.constantFrom(...TAGS, "z").map((t) => (v: Vm) => ({ ...v, tags: v.tags.includes(t) ? v.tags.filter((x) => x !== t) : [...v.tags, t] })),
  fc.option(fc.constantFrom(...ACCOUNTS), { nil: undefined }).map((account) => (v: Vm) => ({ ...v, account })),
  fc.constant((v: Vm) => ({ ...v, external: !v.external })),
);

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    // Few distinct instances, repeated with a field changed, so that classes of several members are common.
    kinds: fc.array(vmArb, { minLength: 1, maxLength: 3 }),
    picks: fc.array(fc.tuple(fc.nat(), tweakArb), { minLength: 2, maxLength: 7 }),
    rules: fc.array(ruleArb, { maxLength: 7 }),
    nat: fc.boolean(),
    pool: fc.array(fc.nat(), { maxLength: 3 }),
  })
  .map(({ kinds, picks, rules, nat, pool }) => {
    // Fixed addresses are unique in a network: a repeat gets its address picked instead.
    const taken = new Set<string>();
    const vms = picks.map(([p, tweak]) => {
      const v = tweak(kinds[p % kinds.length]);
      if (v.ip === undefined) return v;
      const ip = SUBNETS[v.subnet].ips[v.ip];
      if (taken.has(ip)) return { ...v, ip: undefined };
      taken.add(ip);
      return v;
    });
    return { vms, rules, nat, pool: [...new Set(pool.map((p) => p % vms.length))].sort() };
  });

const idOf = (s: Scenario, i: number) => `gcp:${SUBNETS[s.vms[i].subnet].zone}/vm:vm-${i}`;

/** The stack of a scenario holding only the instances `keep` (indices into `s.vms`, names kept). */
function stack(s: Scenario, keep: readonly number[]): NetResource[] {
  const out: NetResource[] = [
    res("gcp:compute/network:Network", "net", { name: "net", autoCreateSubnetworks: false }),
    ...SUBNETS.map((x) => res("gcp:compute/subnetwork:Subnetwork", x.name, { network: "net-id", region: "europe-west1", ipCidrRange: x.range, description: `netseg-zone=${x.zone}` })),
  ];
  for (const i of keep) {
    const v = s.vms[i];
    const sub = SUBNETS[v.subnet];
    out.push(
      res("gcp:compute/instance:Instance", `vm-${i}`, {
        machineType: "e2-small",
        tags: v.tags,
        ...(v.account ? { serviceAccount: { email: v.account, scopes: ["cloud-platform"] } } : {}),
        networkInterfaces: [
          {
            network: "net-id",
            subnetwork: `${sub.name}-id`,
            ...(v.ip !== undefined ? { networkIp: sub.ips[v.ip] } : {}),
            ...(v.alias ? { aliasIpRanges: [{ ipCidrRange: v.alias }] } : {}),
            ...(v.external ? { accessConfigs: [{}] } : {}),
          },
        ],
      }),
    );
  }
  s.rules.forEach((r, i) =>
    out.push(
      res("gcp:compute/firewall:Firewall", `fw-${i}`, {
        network: "net-id",
        direction: r.direction,
        priority: r.priority,
        [r.action === "allow" ? "allows" : "denies"]: [PORTS[r.ports]],
        ...(r.target.tags ? { targetTags: r.target.tags } : {}),
        ...(r.target.account ? { targetServiceAccounts: [r.target.account] } : {}),
        ...(r.ranges ? { [r.direction === "INGRESS" ? "sourceRanges" : "destinationRanges"]: r.ranges } : {}),
        ...(r.sourceTags ? { sourceTags: r.sourceTags } : {}),
        ...(r.sourceAccount ? { sourceServiceAccounts: [r.sourceAccount] } : {}),
      }),
    ),
  );
  if (s.nat) {
    out.push(
      res("gcp:compute/router:Router", "router", { network: "net-id", region: "europe-west1" }),
      res("gcp:compute/routerNat:RouterNat", "nat", { router: "router-id", region: "europe-west1", natIpAllocateOption: "AUTO_ONLY", sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS", subnetworks: [{ name: "sub-web3-id", sourceIpRangesToNats: ["ALL_IP_RANGES"] }] }),
    );
  }
  const pooled = s.pool.filter((i) => keep.includes(i));
  if (pooled.length) {
    out.push(
      res("gcp:compute/targetPool:TargetPool", "pool", { region: "europe-west1", instances: pooled.map((i) => `vm-${i}-id`) }),
      res("gcp:compute/forwardingRule:ForwardingRule", "fr", { loadBalancingScheme: "EXTERNAL", ipProtocol: "TCP", ports: ["443"], target: "pool-id" }),
    );
  }
  return out;
}

function sameAnswer(a: PairResult | undefined, b: PairResult | undefined, what: string): void {
  assert.ok(a && b, `${what}: a pair is missing`);
  assert.equal(a.allowed.toString(), b.allowed.toString(), `${what}: allowed`);
  assert.equal(a.possible.toString(), b.possible.toString(), `${what}: possible`);
}

/** What a pair's own paths let through, walked stage by stage (no memo, no shortcut). */
function fromPaths(p: PairResult): { lower: TrafficSet; upper: TrafficSet } {
  let lower = TrafficSet.EMPTY;
  let upper = TrafficSet.EMPTY;
  for (const path of p.paths) {
    const t = pathTraffic({ label: path.label, stages: path.stages });
    lower = lower.union(t.lower);
    upper = upper.union(t.upper);
  }
  return { lower, upper };
}

const members = (m: Matrix) => m.endpoints.filter((e) => e.sameAs).length;

describe("reachability / GCP workload classes against stacks of one instance (random)", () => {
  let alike = 0;
  let stacks = 0;

  it("each instance answers as it does alone, towards and from the internet and the zones", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const m = analyseReachability(stack(s, s.vms.map((_, i) => i)));
        alike += members(m);
        stacks++;
        s.vms.forEach((_, i) => {
          const alone = analyseReachability(stack(s, [i]));
          const id = idOf(s, i);
          for (const other of ["internet", "gcp:web", "gcp:app"]) {
            sameAnswer(m.pair(id, other), alone.pair(id, other), `vm-${i} -> ${other}`);
            sameAnswer(m.pair(other, id), alone.pair(other, id), `${other} -> vm-${i}`);
          }
          sameAnswer(m.pair(id, id), alone.pair(id, id), `vm-${i} -> itself`);
        });
      }),
      { numRuns: 150 },
    );
    // The stacks above hold alike instances often enough for classes to be formed.
    assert.ok(alike > stacks / 2, `only ${alike} members in ${stacks} stacks`);
  });

  it("each pair of instances answers as it does in a stack of those two alone", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const m = analyseReachability(stack(s, s.vms.map((_, i) => i)));
        s.vms.forEach((_, i) =>
          s.vms.forEach((__, j) => {
            if (i >= j) return;
            const two = analyseReachability(stack(s, [i, j]));
            const [a, b] = [idOf(s, i), idOf(s, j)];
            sameAnswer(m.pair(a, b), two.pair(a, b), `vm-${i} -> vm-${j}`);
            sameAnswer(m.pair(b, a), two.pair(b, a), `vm-${j} -> vm-${i}`);
          }),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("every verdict of the matrix, members' included, equals what its own paths give", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const m = analyseReachability(stack(s, s.vms.map((_, i) => i)));
        for (const p of m.pairs) {
          const t = fromPaths(p);
          assert.equal(p.allowed.toString(), t.lower.toString(), `${p.from} -> ${p.to}: allowed`);
          assert.equal(p.possible.toString(), t.upper.toString(), `${p.from} -> ${p.to}: possible`);
        }
        for (const a of m.endpoints) {
          for (const b of m.endpoints) {
            const p = m.pair(a.id, b.id);
            if (!p) continue;
            const t = fromPaths(p);
            assert.equal(p.allowed.toString(), t.lower.toString(), `${a.id} -> ${b.id}: allowed`);
            assert.equal(p.possible.toString(), t.upper.toString(), `${a.id} -> ${b.id}: possible`);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
