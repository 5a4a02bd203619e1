/**
 * The engine's GCP workload answers against a brute-force reference written here: instances
 * with random fixed IPs, network tags, service accounts and external IPs; firewall rules with
 * random priorities, actions, ports, targets (all, tags, accounts) and peers (ranges, source tags,
 * source accounts). The reference judges each packet on its own: the source's egress rules, then
 * the destination's ingress rules, lowest priority number first, a deny before an allow at equal
 * priority, implied allow-egress and deny-ingress last. The engine's "allowed" must equal it,
 * pair by pair and probe by probe.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { CidrSet, TrafficSet, type Protocol } from "../../../core/net";
import { analyseReachability, type NetResource } from "../../../core/reachability";
import { res } from "./build";

interface Probe {
  readonly protocol: Protocol;
  readonly port: number;
}
const PORTS: { gcp: Record<string, unknown>; has: (p: Probe) => boolean }[] = [
  { gcp: { protocol: "tcp", ports: ["22"] }, has: (p) => p.protocol === "tcp" && p.port === 22 },
  { gcp: { protocol: "tcp", ports: ["80-443"] }, has: (p) => p.protocol === "tcp" && p.port >= 80 && p.port <= 443 },
  { gcp: { protocol: "tcp", ports: ["443"] }, has: (p) => p.protocol === "tcp" && p.port === 443 },
  { gcp: { protocol: "udp", ports: ["53"] }, has: (p) => p.protocol === "udp" && p.port === 53 },
  { gcp: { protocol: "all" }, has: () => true },
];
const PROBES: Probe[] = [
  { protocol: "tcp", port: 22 },
  { protocol: "tcp", port: 80 },
  { protocol: "tcp", port: 443 },
  { protocol: "tcp", port: 8080 },
  { protocol: "udp", port: 53 },
];
/** Instance addresses: both zones, both halves of web's /24. */
const IPS = ["10.1.0.5", "10.1.0.9", "10.1.0.130", "10.1.0.200", "10.1.1.3", "10.1.1.150"];
const RANGES = ["0.0.0.0/0", "10.1.0.0/16", "10.1.0.0/24", "10.1.0.0/25", "10.1.0.128/25", "10.1.1.0/24", "10.1.0.9/32", "10.1.1.128/25", "203.0.113.0/24"];
/** One public address inside and one outside every public block above. */
const INTERNET = ["203.0.113.7", "8.8.8.8"];
const TAGS = ["a", "b"];
const ACCOUNTS = ["sa1@p.iam.gserviceaccount.com", "sa2@p.iam.gserviceaccount.com"];

interface Vm {
  /** Its `networkIp`; with `picked`, only its subnetwork (the one of this address) is given and GCP picks the address. */
  readonly ip: string;
  readonly picked?: boolean;
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

/** Google Front End addresses, one in each of its two IPv4 blocks, and the blocks as rules may name them. */
/** One address of each piece GFE_RANGES cut Google's front-end ranges into (35.191.200.1: the half a rule naming 35.191.0.0/17 leaves out). */
const GFE = ["35.191.3.4", "35.191.200.1", "130.211.1.2"];
const GFE_RANGES = ["35.191.0.0/16", "130.211.0.0/22", "35.191.0.0/17"];

const vmArb: fc.Arbitrary<Vm> = fc.record({
  ip: fc.constantFrom(...IPS),
  tags: fc.subarray(TAGS),
  account: fc.option(fc.constantFrom(...ACCOUNTS), { nil: undefined }),
  external: fc.boolean(),
});
const ruleArb = ruleArbOver(RANGES);
function ruleArbOver(ranges: readonly string[]): fc.Arbitrary<Rule> {
  return fc
  .record({
    direction: fc.constantFrom("INGRESS" as const, "EGRESS" as const),
    priority: fc.constantFrom(100, 500, 1000),
    action: fc.constantFrom("allow" as const, "deny" as const),
    ports: fc.integer({ min: 0, max: PORTS.length - 1 }),
    target: fc.oneof(fc.constant({}), fc.record({ tags: fc.subarray(TAGS, { minLength: 1 }) }), fc.record({ account: fc.constantFrom(...ACCOUNTS) })),
    ranges: fc.option(fc.subarray([...ranges], { minLength: 1, maxLength: 2 }), { nil: undefined }),
    sourceTags: fc.option(fc.subarray(TAGS, { minLength: 1 }), { nil: undefined }),
    sourceAccount: fc.option(fc.constantFrom(...ACCOUNTS), { nil: undefined }),
  })
  .map((r) => {
    if (r.direction === "EGRESS") return { ...r, sourceTags: undefined, sourceAccount: undefined };
    // GCP takes source tags or source accounts, not both; an ingress rule names some source.
    const sourceAccount = r.sourceTags ? undefined : r.sourceAccount;
    return { ...r, sourceAccount, ranges: r.ranges ?? (r.sourceTags || sourceAccount ? undefined : ["0.0.0.0/0"]) };
  });
}

const parsed = new Map<string, CidrSet>();
const inside = (cidr: string, address: string) => {
  let set = parsed.get(cidr);
  if (!set) parsed.set(cidr, (set = CidrSet.fromCidrs([cidr])));
  return set.has(address);
};

/** The reference: one packet, one instance's rules in one direction. */
function passes(rules: readonly Rule[], self: Vm, direction: "INGRESS" | "EGRESS", peer: { ip: string; vm?: Vm }, probe: Probe): boolean {
  const applying = rules
    .filter((r) => r.direction === direction && PORTS[r.ports].has(probe))
    .filter((r) => (r.target.tags ? r.target.tags.some((t) => self.tags.includes(t)) : r.target.account ? r.target.account === self.account : true))
    .filter((r) => {
      if (direction === "EGRESS") return !r.ranges || r.ranges.some((c) => inside(c, peer.ip));
      const byRange = !!r.ranges && r.ranges.some((c) => inside(c, peer.ip));
      const byTag = !!r.sourceTags && !!peer.vm && r.sourceTags.some((t) => peer.vm!.tags.includes(t));
      const byAccount = !!r.sourceAccount && !!peer.vm && r.sourceAccount === peer.vm.account;
      return byRange || byTag || byAccount;
    })
    .sort((x, y) => x.priority - y.priority || (x.action === y.action ? 0 : x.action === "deny" ? -1 : 1));
  return applying.length ? applying[0].action === "allow" : direction === "EGRESS";
}

function stack(vms: readonly Vm[], rules: readonly Rule[]): NetResource[] {
  return [
    res("gcp:compute/network:Network", "net", { name: "net", autoCreateSubnetworks: false }),
    res("gcp:compute/subnetwork:Subnetwork", "sub-web", { network: "net-id", ipCidrRange: "10.1.0.0/24", description: "netseg-zone=web" }),
    res("gcp:compute/subnetwork:Subnetwork", "sub-app", { network: "net-id", ipCidrRange: "10.1.1.0/24", description: "netseg-zone=app" }),
    ...vms.map((v, i) =>
      res("gcp:compute/instance:Instance", `vm-${i}`, {
        machineType: "e2-small",
        tags: v.tags,
        ...(v.account ? { serviceAccount: { email: v.account, scopes: ["cloud-platform"] } } : {}),
        networkInterfaces: [{ network: "net-id", subnetwork: v.ip.startsWith("10.1.0.") ? "sub-web-id" : "sub-app-id", ...(v.picked ? {} : { networkIp: v.ip }), ...(v.external ? { accessConfigs: [{}] } : {}) }],
      }),
    ),
    ...rules.map((r, i) =>
      res("gcp:compute/firewall:Firewall", `fw-${i}`, {
        network: "net-id",
        direction: r.direction,
        priority: r.priority,
        [r.action === "allow" ? "allows" : "denies"]: [PORTS[r.ports].gcp],
        ...(r.target.tags ? { targetTags: r.target.tags } : {}),
        ...(r.target.account ? { targetServiceAccounts: [r.target.account] } : {}),
        ...(r.ranges ? { [r.direction === "INGRESS" ? "sourceRanges" : "destinationRanges"]: r.ranges } : {}),
        ...(r.sourceTags ? { sourceTags: r.sourceTags } : {}),
        ...(r.sourceAccount ? { sourceServiceAccounts: [r.sourceAccount] } : {}),
      }),
    ),
  ];
}

const has = (t: TrafficSet, p: Probe) => !t.intersect(TrafficSet.of(p.protocol, p.port)).isEmpty();
const idOf = (v: Vm, i: number) => `gcp:${v.ip.startsWith("10.1.0.") ? "web" : "app"}/vm:vm-${i}`;

/** Every address GCP may give the instance, up to what the rules tell apart (IPS holds one of each piece of both subnetworks). */
const positions = (v: Vm) => (v.picked ? IPS.filter((ip) => ip.startsWith(v.ip.slice(0, v.ip.lastIndexOf(".") + 1))) : [v.ip]);

/** A managed group (template tagged `tags`, no external IP) behind one external load balancer. */
function lbStack(tags: string[], rules: readonly Rule[], proxy: boolean, front: number, namedPort: number): NetResource[] {
  const [base] = [stack([], rules)];
  const dep = (type: string, name: string) => `urn:pulumi:test::netseg::${type}::${name}`;
  return [
    ...base,
    res("gcp:compute/instanceTemplate:InstanceTemplate", "tpl", { tags, networkInterfaces: [{ network: "net-id", subnetwork: "sub-app-id" }] }),
    res("gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "grp", { baseInstanceName: "grp", versions: [{ instanceTemplate: "tpl-id" }], namedPorts: [{ name: "http", port: namedPort }] }),
    ...(proxy
      ? [
          res("gcp:compute/backendService:BackendService", "bs", { loadBalancingScheme: "EXTERNAL", portName: "http", backends: [{ group: "grp-id" }] }),
          res("gcp:compute/uRLMap:URLMap", "um", { defaultService: "bs-id" }),
          res("gcp:compute/targetHttpProxy:TargetHttpProxy", "px", { urlMap: "um-id" }, { dependencies: [dep("gcp:compute/uRLMap:URLMap", "um")] }),
          res("gcp:compute/globalForwardingRule:GlobalForwardingRule", "lb", { portRange: String(PORTS_FRONT[front]), target: "px-id" }),
        ]
      : [
          res("gcp:compute/regionBackendService:RegionBackendService", "bs", { loadBalancingScheme: "EXTERNAL", protocol: "TCP", backends: [{ group: "grp-id" }] }),
          res("gcp:compute/forwardingRule:ForwardingRule", "lb", { ipProtocol: "TCP", ports: [String(PORTS_FRONT[front])], backendService: "bs-id" }),
        ]),
  ];
}
const PORTS_FRONT = [22, 80, 443, 8080];

describe("reachability / GCP workloads against a per-packet reference", () => {
  it("a group behind an external load balancer: the internet reaches it on the rule's ports where its firewall admits the client (passthrough) or Google's front ends on the named port (proxy)", () => {
    fc.assert(
      fc.property(
        fc.subarray(TAGS),
        fc.array(ruleArbOver([...RANGES, ...GFE_RANGES]), { maxLength: 6 }),
        fc.boolean(),
        fc.integer({ min: 0, max: PORTS_FRONT.length - 1 }),
        fc.constantFrom(80, 443, 8080),
        (tags, rules, proxy, front, namedPort) => {
          const m = analyseReachability(lbStack(tags, rules, proxy, front, namedPort));
          const self: Vm = { ip: "10.1.1.3", tags, external: false };
          for (const id of ["gcp:app/mig:grp", "gcp:app/lb:lb"]) {
            const pair = m.pair("internet", id)!;
            for (const p of PROBES) {
              const onFront = p.protocol === "tcp" && p.port === PORTS_FRONT[front];
              // Passthrough: any internet client, one of Google's front ends among them; proxy: a front end, on the named port.
              const want = onFront && (proxy ? GFE.some((ip) => passes(rules, self, "INGRESS", { ip }, { protocol: "tcp", port: namedPort })) : [...INTERNET, ...GFE].some((ip) => passes(rules, self, "INGRESS", { ip }, p)));
              assert.equal(has(pair.allowed, p), want, `internet -> ${id} on ${p.protocol}/${p.port} (${proxy ? "proxy" : "passthrough"})`);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("instances whose address GCP picks: 'allowed' holds wherever they land, 'possible' wherever one may land", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ vm: vmArb, picked: fc.boolean() }), { minLength: 2, maxLength: 3 }), fc.array(ruleArb, { maxLength: 6 }), (raw, rules) => {
        const vms = raw.map(({ vm, picked }) => ({ ...vm, picked }));
        const m = analyseReachability(stack(vms, rules));
        vms.forEach((a, i) =>
          vms.forEach((b, j) => {
            if (i === j) return;
            const pair = m.pair(idOf(a, i), idOf(b, j))!;
            for (const p of PROBES) {
              const verdicts = positions(a).flatMap((x) => positions(b).map((y) => passes(rules, a, "EGRESS", { ip: y, vm: b }, p) && passes(rules, b, "INGRESS", { ip: x, vm: a }, p)));
              if (has(pair.allowed, p)) assert.ok(verdicts.every(Boolean), `vm-${i} -> vm-${j} on ${p.protocol}/${p.port}: allowed, but not wherever they land`);
              if (verdicts.some(Boolean)) assert.ok(has(pair.possible, p), `vm-${i} -> vm-${j} on ${p.protocol}/${p.port}: possible somewhere, not reported possible`);
              if (!a.picked && !b.picked) assert.equal(has(pair.allowed, p), verdicts[0], `fixed vm-${i} -> vm-${j} on ${p.protocol}/${p.port}`);
            }
          }),
        );
      }),
      { numRuns: 150 },
    );
  });

  it("instances with fixed IPs, tags and accounts under random firewalls: allowed equals the reference, pair by pair", () => {
    fc.assert(
      fc.property(fc.array(vmArb, { minLength: 2, maxLength: 4 }), fc.array(ruleArb, { maxLength: 7 }), (vms, rules) => {
        const m = analyseReachability(stack(vms, rules));
        vms.forEach((a, i) =>
          vms.forEach((b, j) => {
            const pair = m.pair(idOf(a, i), idOf(b, j))!;
            for (const p of PROBES) {
              const want = passes(rules, a, "EGRESS", { ip: b.ip, vm: b }, p) && passes(rules, b, "INGRESS", { ip: a.ip, vm: a }, p);
              assert.equal(has(pair.allowed, p), want, `vm-${i} -> vm-${j} on ${p.protocol}/${p.port}`);
              assert.equal(has(pair.possible, p), want, `possible vm-${i} -> vm-${j} on ${p.protocol}/${p.port}`);
            }
          }),
        );
        vms.forEach((v, i) => {
          const inbound = m.pair("internet", idOf(v, i))!;
          const outbound = m.pair(idOf(v, i), "internet")!;
          for (const p of PROBES) {
            const inWant = v.external && INTERNET.some((ip) => passes(rules, v, "INGRESS", { ip }, p));
            assert.equal(has(inbound.allowed, p), inWant, `internet -> vm-${i} on ${p.protocol}/${p.port}`);
            // Without an external IP the instance needs a Cloud NAT, and this stack (which declares the network) has none.
            const outWant = v.external && INTERNET.some((ip) => passes(rules, v, "EGRESS", { ip }, p));
            assert.equal(has(outbound.allowed, p), outWant, `vm-${i} -> internet on ${p.protocol}/${p.port}`);
            assert.equal(has(outbound.possible, p), outWant, `possible vm-${i} -> internet on ${p.protocol}/${p.port}`);
          }
        });
      }),
      { numRuns: 200 },
    );
  });
});
