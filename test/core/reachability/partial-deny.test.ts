/**
 * A rule that covers only part of an endpoint's addresses decides only that part. A pair is
 * allowed on a port when SOME address of the source reaches SOME address of the destination on
 * it; a deny of part of the internet must leave the rest allowed (a wrong "denied"), and an
 * allow of one part must not combine with another stage's allow of another part (a wrong
 * "allowed"). Hand-worked cases per platform first, then a randomized check of the engine
 * against a brute-force reference that judges every address of small address spaces one by one.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { CidrSet, TrafficSet, type Protocol } from "../../../core/net";
import { analyseReachability, explainBlocked, explainCut, k8sObjectsToResources, type NetResource } from "../../../core/reachability";
import { awsResources, baseline, CIDR, nacl } from "./aws-fixture";
import { res } from "./build";

const tcp = (p: number) => TrafficSet.of("tcp", p);
const reasons = (bs: readonly { reason: string }[]) => bs.map((b) => b.reason);


/** The fixture with the edge subnet dual-stack: its hosts have IPv6 addresses the IPv6 internet may reach. */
function dualStackEdge(resources: NetResource[]): NetResource[] {
  return resources.map((r) => (r.name === "subnet-edge" ? { ...r, props: { ...r.props, ipv6CidrBlock: "2600:1f18:abcd:100::/64" } } : r));
}

describe("reachability / a rule covering part of an endpoint", () => {
  describe("AWS", () => {
    it("a NACL deny of part of the internet before an allow leaves the rest allowed, and says which part is cut", () => {
      const f = baseline();
      f.nacl.edge.ingress.push(nacl(50, "deny", "203.0.113.0/24", 443));
      const p = analyseReachability(awsResources(f)).pair("internet", "aws:edge")!;
      assert.equal(p.allowed.toString(), "tcp/443");
      const cut = explainCut(p, tcp(443));
      assert.deepEqual(cut.passes, ["internet (IPv4, all but 203.0.113.0/24) -> subnet-edge"]);
      assert.ok(reasons(cut.blocks).includes("acl-edge inbound rule 50 denies tcp/443 (internet (203.0.113.0/24) -> subnet-edge)"), reasons(cut.blocks).join("\n"));
    });

    it("a NACL deny of part of a peer's range leaves the peer's other addresses allowed", () => {
      const f = baseline();
      f.nacl.edge.ingress.push(nacl(50, "deny", "198.51.100.0/25", 443));
      const p = analyseReachability(awsResources(f), { peers: [{ name: "office", cidrs: ["198.51.100.0/24"] }] }).pair("office", "aws:edge")!;
      assert.equal(p.allowed.toString(), "tcp/443");
      assert.deepEqual(explainCut(p, tcp(443)).passes, ["office (198.51.100.128/25) -> subnet-edge"]);
    });

    it("an SG that allows part of the internet makes the pair reachable for that part only", () => {
      const f = baseline();
      f.sg.edge.ingress = [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["203.0.113.0/24"] }];
      const p = analyseReachability(awsResources(f)).pair("internet", "aws:edge")!;
      assert.equal(p.allowed.toString(), "tcp/443");
      const cut = explainCut(p, tcp(443));
      assert.deepEqual(cut.passes, ["internet (203.0.113.0/24) -> subnet-edge"]);
      assert.ok(reasons(cut.blocks).includes("no ingress rule in sg-edge from internet on tcp/443 (internet (IPv4, all but 203.0.113.0/24) -> subnet-edge)"), reasons(cut.blocks).join("\n"));
    });

    it("an SG allowing one part and a NACL denying that same part let nothing through (no wrong 'allowed')", () => {
      const f = baseline();
      f.sg.edge.ingress = [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["203.0.113.0/24"] }];
      f.nacl.edge.ingress.push(nacl(50, "deny", "203.0.113.0/24", 443));
      const p = analyseReachability(awsResources(f)).pair("internet", "aws:edge")!;
      assert.equal(p.allowed.toString(), "nothing");
      assert.deepEqual(reasons(explainBlocked(p, tcp(443))), [
        "no ingress rule in sg-edge from internet on tcp/443 (internet (IPv4, all but 203.0.113.0/24) -> subnet-edge)",
        "acl-edge inbound rule 50 denies tcp/443 (internet (203.0.113.0/24) -> subnet-edge)",
      ]);
    });

    it("a NACL deny of half a subnet with an allow of only that half lets nothing through", () => {
      const f = baseline();
      f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
      f.nacl.data.ingress = [nacl(90, "deny", "10.0.1.128/25", 5432), nacl(100, "allow", "10.0.1.128/25", 5432)];
      assert.equal(analyseReachability(awsResources(f)).pair("aws:app", "aws:data")!.allowed.toString(), "nothing");
    });

    it("the source subnet's classes and the destination's are paired: the SG admits one half, the NACL the other", () => {
      const f = baseline();
      f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
      f.nacl.data.ingress = [nacl(100, "allow", "10.0.1.0/25", 5432)];
      f.sg.data.ingress = [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.1.128/25"] }];
      const p = analyseReachability(awsResources(f)).pair("aws:app", "aws:data")!;
      assert.equal(p.allowed.toString(), "nothing");
      f.sg.data.ingress.push({ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.1.64/26"] });
      const q = analyseReachability(awsResources(f)).pair("aws:app", "aws:data")!;
      assert.equal(q.allowed.toString(), "tcp/5432");
      assert.deepEqual(explainCut(q, tcp(5432)).passes, ["subnet-app (10.0.1.64/26) -> subnet-data"]);
    });

    it("IPv4 and IPv6 are judged apart: an SG open to IPv4 only and a NACL open to IPv6 only let nothing through", () => {
      const f = baseline();
      f.routes.edge.push({ ipv6CidrBlock: "::/0", gatewayId: "igw-main-id" });
      f.nacl.edge.ingress = [nacl(50, "deny", "0.0.0.0/0", 443), { ...nacl(100, "allow", "", 443), cidrBlock: undefined, ipv6CidrBlock: "::/0" } as any];
      f.nacl.edge.egress.push({ ...nacl(120, "allow", "", 1024, 65535), cidrBlock: undefined, ipv6CidrBlock: "::/0" } as any);
      const before = analyseReachability(dualStackEdge(awsResources(f))).pair("internet", "aws:edge")!;
      assert.equal(before.allowed.toString(), "nothing");
      f.sg.edge.ingress.push({ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] });
      const after = analyseReachability(dualStackEdge(awsResources(f))).pair("internet", "aws:edge")!;
      // Without an IPv6 block the subnet's hosts have no IPv6 address: nothing passes.
      assert.equal(analyseReachability(awsResources(f)).pair("internet", "aws:edge")!.allowed.toString(), "nothing");
      assert.equal(after.allowed.toString(), "tcp/443");
      assert.deepEqual(explainCut(after, tcp(443)).passes, ["internet (IPv6) -> subnet-edge"]);
    });
  });

  describe("GCP", () => {
    const stack = (rules: Record<string, unknown>[]): NetResource[] => [
      res("gcp:compute/network:Network", "net", { name: "net", autoCreateSubnetworks: false }),
      res("gcp:compute/subnetwork:Subnetwork", "sub-web", { network: "net-id", ipCidrRange: "10.1.0.0/24", stackType: "IPV4_IPV6", ipv6AccessType: "EXTERNAL", description: "netseg-zone=web" }),
      ...rules.map((r, i) => res("gcp:compute/firewall:Firewall", `fw-${i}`, { network: "net-id", ...r })),
    ];

    it("a deny of part of a peer's range at a higher priority leaves the rest allowed", () => {
      const rs = stack([
        { direction: "INGRESS", priority: 1000, allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["198.51.100.0/24"] },
        { direction: "INGRESS", priority: 900, denies: [{ protocol: "all" }], sourceRanges: ["198.51.100.0/25", "198.51.100.192/26"] },
      ]);
      const p = analyseReachability(rs, { peers: [{ name: "office", cidrs: ["198.51.100.0/24"] }] }).pair("office", "gcp:web")!;
      assert.equal(p.allowed.toString(), "tcp/22");
      assert.deepEqual(explainCut(p, tcp(22)).passes, ["office (198.51.100.128/26) -> web"]);
    });

    it("an egress deny of part of the internet leaves the rest of the internet reachable", () => {
      const rs = stack([{ direction: "EGRESS", priority: 100, denies: [{ protocol: "tcp", ports: ["443"] }], destinationRanges: ["0.0.0.0/1"] }]);
      const p = analyseReachability(rs).pair("gcp:web", "internet")!;
      assert.equal(p.allowed.toString(), "all");
      assert.deepEqual(explainCut(p, tcp(443)).passes, ["web -> internet (IPv4, all but 0.0.0.0/1)", "web -> internet (IPv6)"]);
    });
  });

  describe("Kubernetes", () => {
    it("ipBlock except: the pair is allowed for the addresses left, and the cut part is named", () => {
      const objects = [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "x" }] } } } },
        {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "api-egress", namespace: "shop" },
          spec: { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["203.0.113.0/24"] } }], ports: [{ protocol: "TCP", port: 443 }] }] },
        },
      ];
      const p = analyseReachability(k8sObjectsToResources(objects)).pair("k8s:shop/api", "internet")!;
      assert.equal(p.allowed.toString(), "tcp/443");
      const cut = explainCut(p, tcp(443));
      assert.deepEqual(cut.passes, ["shop/api -> internet (IPv4, all but 203.0.113.0/24)"]);
      assert.deepEqual(reasons(cut.blocks), [
        "no egress rule in NetworkPolicy api-egress to internet on tcp/443 (shop/api -> internet (203.0.113.0/24))",
        "no egress rule in NetworkPolicy api-egress to internet on tcp/443 (shop/api -> internet (IPv6))",
      ]);
    });

    it("an ipBlock whose except covers all of it admits no address", () => {
      const objects = [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "x" }] } } } },
        {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "api-ingress", namespace: "shop" },
          spec: { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ ipBlock: { cidr: "198.51.100.0/24", except: ["198.51.100.0/25", "198.51.100.128/25"] } }] }] },
        },
      ];
      const m = analyseReachability(k8sObjectsToResources(objects), { peers: [{ name: "office", cidrs: ["198.51.100.0/24"] }] });
      assert.equal(m.pair("office", "k8s:shop/api")!.allowed.toString(), "nothing");
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Randomized: the engine against a per-address reference on small address spaces.

interface Probe {
  readonly protocol: Protocol;
  readonly port: number;
}
/** Ports a rule may name, in the GCP and AWS spellings. */
const PORTS = [
  { gcp: { protocol: "tcp", ports: ["22"] }, aws: { protocol: "tcp", fromPort: 22, toPort: 22 }, has: (p: Probe) => p.protocol === "tcp" && p.port === 22 },
  { gcp: { protocol: "tcp", ports: ["80-443"] }, aws: { protocol: "tcp", fromPort: 80, toPort: 443 }, has: (p: Probe) => p.protocol === "tcp" && p.port >= 80 && p.port <= 443 },
  { gcp: { protocol: "tcp", ports: ["443"] }, aws: { protocol: "tcp", fromPort: 443, toPort: 443 }, has: (p: Probe) => p.protocol === "tcp" && p.port === 443 },
  { gcp: { protocol: "udp", ports: ["53"] }, aws: { protocol: "udp", fromPort: 53, toPort: 53 }, has: (p: Probe) => p.protocol === "udp" && p.port === 53 },
  { gcp: { protocol: "all" }, aws: { protocol: "-1", fromPort: 0, toPort: 0 }, has: () => true },
];
/** The ports the reference and the engine are compared on: at least one inside and one outside each rule's. */
const PROBES: Probe[] = [
  { protocol: "tcp", port: 22 },
  { protocol: "tcp", port: 80 },
  { protocol: "tcp", port: 200 },
  { protocol: "tcp", port: 443 },
  { protocol: "tcp", port: 8080 },
  { protocol: "udp", port: 53 },
  { protocol: "udp", port: 123 },
];
const portIndex = fc.integer({ min: 0, max: PORTS.length - 1 });

const parsed = new Map<string, CidrSet>();
const inside = (cidr: string, address: string) => {
  let set = parsed.get(cidr);
  if (!set) parsed.set(cidr, (set = CidrSet.fromCidrs([cidr])));
  return set.has(address);
};

/** Rule blocks around the internet and a peer: every boundary is met by an address below. */
const EXTERNAL_CIDRS = ["0.0.0.0/0", "::/0", "198.51.100.0/24", "198.51.100.0/28", "198.51.100.0/29", "198.51.100.8/29", "198.51.100.4/30", "198.51.100.5/32", "198.51.100.12/31", "2001:db8::/32", "2001:db8::/33"];
/** One address of every piece the blocks above cut the world into (each address of the /28, one per coarser piece). */
const OFFICE = Array.from({ length: 16 }, (_, i) => `198.51.100.${i}`);
const INTERNET = [...OFFICE, "198.51.100.100", "8.8.8.8", "2001:db8::1", "2001:db8:8000::1", "2606:4700::1"];

/** Does some address pair pass, port by port: the engine's `allowed` must hold exactly these probes. */
function compare(engine: TrafficSet, passes: (p: Probe) => boolean, what: string): void {
  for (const p of PROBES) {
    const want = passes(p);
    const got = engine.covers(TrafficSet.of(p.protocol, p.port));
    assert.equal(got, want, `${what}: ${p.protocol}/${p.port} engine says ${got ? "allowed" : "denied"}, the per-address reference ${want ? "allowed" : "denied"} (engine: ${engine})`);
  }
}

describe("reachability / partial rules, randomized against a per-address reference", function () {
  this.timeout(120_000);

  it("GCP: firewall rules of random ranges, priorities and actions, ingress from the internet and a peer, egress to the internet", () => {
    const rule = fc.record({
      direction: fc.constantFrom("INGRESS" as const, "EGRESS" as const),
      action: fc.constantFrom("allow" as const, "deny" as const),
      priority: fc.integer({ min: 0, max: 6 }).map((x) => 1000 + x * 10),
      ranges: fc.uniqueArray(fc.constantFrom(...EXTERNAL_CIDRS), { minLength: 1, maxLength: 2 }),
      ports: portIndex,
    });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 8 }), (rules) => {
        const rs: NetResource[] = [
          res("gcp:compute/network:Network", "net", { name: "net", autoCreateSubnetworks: false }),
          // Dual stack, so the internet's IPv6 addresses are judged too (an IPv4-only subnetwork never meets them).
          res("gcp:compute/subnetwork:Subnetwork", "sub-web", { network: "net-id", ipCidrRange: "10.1.0.0/24", stackType: "IPV4_IPV6", ipv6AccessType: "EXTERNAL", description: "netseg-zone=web" }),
          ...rules.map((r, i) =>
            res("gcp:compute/firewall:Firewall", `fw-${i}`, {
              network: "net-id",
              direction: r.direction,
              priority: r.priority,
              [r.action === "allow" ? "allows" : "denies"]: [PORTS[r.ports].gcp],
              [r.direction === "INGRESS" ? "sourceRanges" : "destinationRanges"]: r.ranges,
            }),
          ),
        ];
        // GCP order: lower priority number first, a deny before an allow at the same number.
        const ordered = [...rules].sort((a, b) => a.priority - b.priority || (a.action === b.action ? 0 : a.action === "deny" ? -1 : 1));
        const verdict = (dir: "INGRESS" | "EGRESS", address: string, p: Probe) => {
          const hit = ordered.find((r) => r.direction === dir && r.ranges.some((c) => inside(c, address)) && PORTS[r.ports].has(p));
          return hit ? hit.action === "allow" : dir === "EGRESS";
        };
        const m = analyseReachability(rs, { peers: [{ name: "office", cidrs: ["198.51.100.0/28"] }] });
        compare(m.pair("internet", "gcp:web")!.allowed, (p) => INTERNET.some((a) => verdict("INGRESS", a, p)), "internet -> web");
        compare(m.pair("office", "gcp:web")!.allowed, (p) => OFFICE.some((a) => verdict("INGRESS", a, p)), "office -> web");
        compare(m.pair("gcp:web", "internet")!.allowed, (p) => INTERNET.some((a) => verdict("EGRESS", a, p)), "web -> internet");
      }),
      { numRuns: 200 },
    );
  });

  it("AWS: SG rules and NACL entries of random ranges, numbers and actions, from the internet into a zone", () => {
    const entry = fc.record({ ruleNo: fc.integer({ min: 1, max: 60 }), action: fc.constantFrom("allow" as const, "deny" as const), cidr: fc.constantFrom(...EXTERNAL_CIDRS), ports: portIndex });
    const sg = fc.record({ cidr: fc.constantFrom(...EXTERNAL_CIDRS), ports: portIndex });
    const block = (cidr: string) => (cidr.includes(":") ? { ipv6CidrBlock: cidr } : { cidrBlock: cidr });
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.ruleNo, maxLength: 7 }), fc.array(sg, { maxLength: 4 }), (entries, sgRules) => {
        const f = baseline();
        f.routes.edge = [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-main-id" }, { ipv6CidrBlock: "::/0", gatewayId: "igw-main-id" }];
        f.sg.edge.ingress = sgRules.map((r) => ({ ...PORTS[r.ports].aws, [r.cidr.includes(":") ? "ipv6CidrBlocks" : "cidrBlocks"]: [r.cidr] }));
        f.nacl.edge.ingress = entries.map((e) => ({ ruleNo: e.ruleNo, action: e.action, ...PORTS[e.ports].aws, ...block(e.cidr) }) as any);
        // Replies go out through an outbound list open to both families: only the request side is random.
        f.nacl.edge.egress = [{ ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }, { ruleNo: 101, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlock: "::/0" } as any];
        const ordered = [...entries].sort((a, b) => a.ruleNo - b.ruleNo);
        const passes = (address: string, p: Probe) => {
          const first = ordered.find((e) => inside(e.cidr, address) && PORTS[e.ports].has(p));
          return first?.action === "allow" && sgRules.some((r) => inside(r.cidr, address) && PORTS[r.ports].has(p));
        };
        const m = analyseReachability(dualStackEdge(awsResources(f)), { peers: [{ name: "office", cidrs: ["198.51.100.0/28"] }] });
        compare(m.pair("internet", "aws:edge")!.allowed, (p) => INTERNET.some((a) => passes(a, p)), "internet -> edge");
        compare(m.pair("office", "aws:edge")!.allowed, (p) => OFFICE.some((a) => passes(a, p)), "office -> edge");
      }),
      { numRuns: 200 },
    );
  });

  it("AWS: between two zones, rules cutting both the source's and the destination's subnet", () => {
    // Blocks inside app (10.0.1.0/24) and data (10.0.2.0/24), and one address of every piece they cut.
    const cuts = (n: number) => [`10.0.${n}.0/24`, `10.0.${n}.0/25`, `10.0.${n}.128/25`, `10.0.${n}.64/26`, `10.0.${n}.77/32`];
    const CIDRS = [...cuts(1), ...cuts(2), "10.0.0.0/16"];
    const reps = (n: number) => [1, 70, 77, 100, 200].map((h) => `10.0.${n}.${h}`);
    const APP = reps(1);
    const DATA = reps(2);
    // Request-side entries only name ports below 1024, so the replies (fixed, open) are not at stake.
    const requestPorts = fc.integer({ min: 0, max: PORTS.length - 2 });
    const entry = fc.record({ ruleNo: fc.integer({ min: 1, max: 60 }), action: fc.constantFrom("allow" as const, "deny" as const), cidr: fc.constantFrom(...CIDRS), ports: requestPorts });
    const sg = fc.record({ cidr: fc.constantFrom(...CIDRS), ports: portIndex });
    const allowAll = [{ ruleNo: 30000, action: "allow" as const, protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }];
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { selector: (e) => e.ruleNo, maxLength: 5 }),
        fc.uniqueArray(entry, { selector: (e) => e.ruleNo, maxLength: 5 }),
        fc.array(sg, { maxLength: 3 }),
        fc.array(sg, { maxLength: 3 }),
        (appOut, dataIn, appEgress, dataIngress) => {
          const f = baseline();
          const entries = (es: typeof appOut) => es.map((e) => ({ ruleNo: e.ruleNo, action: e.action, ...PORTS[e.ports].aws, cidrBlock: e.cidr }));
          f.nacl.app.egress = entries(appOut);
          f.nacl.data.ingress = entries(dataIn);
          f.nacl.data.egress = allowAll;
          f.nacl.app.ingress = allowAll;
          f.sg.app.egress = appEgress.map((r) => ({ ...PORTS[r.ports].aws, cidrBlocks: [r.cidr] }));
          f.sg.data.ingress = dataIngress.map((r) => ({ ...PORTS[r.ports].aws, cidrBlocks: [r.cidr] }));
          const first = (es: typeof appOut, address: string, p: Probe) => [...es].sort((a, b) => a.ruleNo - b.ruleNo).find((e) => inside(e.cidr, address) && PORTS[e.ports].has(p))?.action === "allow";
          const sgAllows = (rs: typeof appEgress, address: string, p: Probe) => rs.some((r) => inside(r.cidr, address) && PORTS[r.ports].has(p));
          const passes = (s: string, d: string, p: Probe) => sgAllows(appEgress, d, p) && first(appOut, d, p) && first(dataIn, s, p) && sgAllows(dataIngress, s, p);
          const m = analyseReachability(awsResources(f));
          compare(m.pair("aws:app", "aws:data")!.allowed, (p) => APP.some((s) => DATA.some((d) => passes(s, d, p))), "app -> data");
        },
      ),
      { numRuns: 200 },
    );
  });
});
