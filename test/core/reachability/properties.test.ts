/**
 * Monotonicity, the property every answer of the engine rests on: adding an allow rule never
 * removes a path, adding a deny never adds one, whatever rules were there already and wherever
 * the new rule lands in the evaluation order. Checked on AWS (SG rules, NACL entries), GCP
 * (firewall priorities), Kubernetes (rules added to existing policies) and AWS transit gateway
 * tables (a blackhole never adds a path; a route to the attachment whose VPC holds its
 * destination never removes one). And exactness against a brute-force reference written here,
 * port by port: AWS return traffic through NACLs needs one client port that both return NACLs
 * let back, whatever partial denies they hold and whatever the client's ephemeral range.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { analyseReachability, k8sObjectsToResources, type Matrix, type NetResource } from "../../../core/reachability";
import { awsResources, baseline, type AwsFixture, type NaclEntry } from "./aws-fixture";
import { res, UNKNOWN_STRING } from "./build";
import { BLOCK, tenantFleet, transitResources, VPCS, type TgwRouteSpec, type Vpc } from "./transit-fixture";

const CIDRS = ["0.0.0.0/0", "10.0.0.0/16", "10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.1.128/25", "203.0.113.0/24"];
const ZONES = ["edge", "app", "data"] as const;

const portRange = fc.tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 10 })).map(([a, w]) => {
  const ports = [0, 22, 53, 443, 1024, 5432, 8080, 65535];
  const from = ports[a % ports.length] + Math.floor(a / ports.length) * 100;
  return { fromPort: Math.min(from, 65535), toPort: Math.min(65535, from + w * 1000) };
});
const protocol = fc.constantFrom("tcp", "udp", "-1", "icmp");
const naclEntry = (action?: "allow" | "deny") =>
  fc.record({
    ruleNo: fc.integer({ min: 1, max: 400 }),
    action: action ? fc.constant(action) : fc.constantFrom("allow" as const, "deny" as const),
    protocol,
    ports: portRange,
    cidrBlock: fc.constantFrom(...CIDRS),
  }).map((e): NaclEntry => ({ ruleNo: e.ruleNo, action: e.action, protocol: e.protocol, fromPort: e.ports.fromPort, toPort: e.ports.toPort, cidrBlock: e.cidrBlock }));
const sgRule = fc.record({ protocol, ports: portRange, cidr: fc.constantFrom(...CIDRS) }).map((r) => ({ protocol: r.protocol, ...r.ports, cidrBlocks: [r.cidr] }));
const placed = <T>(arb: fc.Arbitrary<T>) => fc.record({ zone: fc.constantFrom(...ZONES), egress: fc.boolean(), item: arb });

function noDuplicateNumbers(entries: NaclEntry[]): NaclEntry[] {
  const seen = new Set<number>();
  return entries.filter((e) => !seen.has(e.ruleNo) && seen.add(e.ruleNo));
}

function awsStack(nacls: { zone: string; egress: boolean; item: NaclEntry }[], sgs: { zone: string; egress: boolean; item: any }[]): NetResource[] {
  const f = baseline();
  for (const n of nacls) {
    const side = f.nacl[n.zone][n.egress ? "egress" : "ingress"];
    side.splice(0, side.length, ...noDuplicateNumbers([...side, n.item]));
  }
  for (const s of sgs) f.sg[s.zone][s.egress ? "egress" : "ingress"].push(s.item);
  return awsResources(f);
}

/** Every pair of `small` is covered by the same pair of `big`, for both bounds. */
function included(small: Matrix, big: Matrix): string | undefined {
  for (const p of small.pairs) {
    const q = big.pair(p.from, p.to);
    if (!q) return `${p.from} -> ${p.to} missing`;
    if (!q.allowed.covers(p.allowed)) return `${p.from} -> ${p.to}: ${p.allowed} not within ${q.allowed}`;
    if (!q.possible.covers(p.possible)) return `${p.from} -> ${p.to}: possible ${p.possible} not within ${q.possible}`;
  }
  return undefined;
}

const RUNS = { numRuns: 60 };

/** Paths to every leaf a preview might not know yet: rule fields, blocks, references, routes. */
function leafPaths(rs: readonly NetResource[]): { resource: number; path: (string | number)[] }[] {
  const out: { resource: number; path: (string | number)[] }[] = [];
  const walk = (resource: number, v: unknown, path: (string | number)[]) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(resource, x, [...path, i]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(resource, x, [...path, k]);
    else if (path.length && !["tags", "vpcId", "description"].includes(String(path[0])) && !path.includes("description")) out.push({ resource, path });
  };
  rs.forEach((r, i) => walk(i, r.props, []));
  return out;
}

function blank(rs: readonly NetResource[], picks: { resource: number; path: (string | number)[] }[]): NetResource[] {
  const copy = rs.map((r) => ({ ...r, props: structuredClone(r.props) }));
  for (const { resource, path } of picks) {
    let cur: any = copy[resource].props;
    for (const k of path.slice(0, -1)) cur = cur[k];
    cur[path[path.length - 1]] = UNKNOWN_STRING;
  }
  return copy;
}


/** Blanking values to unknown may widen what is possible, never what is certain, and hides nothing. */
function assertUnknownsSound(known: ReturnType<typeof analyseReachability>, blanked: ReturnType<typeof analyseReachability>): void {
  for (const p of known.pairs) {
    const q = blanked.pair(p.from, p.to);
    assert.ok(q, `${p.from} -> ${p.to} vanished`);
    assert.ok(p.allowed.covers(q.allowed), `${p.from} -> ${p.to}: certain ${q.allowed} beyond ${p.allowed}`);
    assert.ok(q.possible.covers(p.allowed), `${p.from} -> ${p.to}: possible ${q.possible} hides ${p.allowed}`);
  }
}

describe("reachability / properties", () => {
  it("AWS: adding an allow (SG rule or NACL entry) never removes a path", () => {
    fc.assert(
      fc.property(fc.array(placed(naclEntry()), { maxLength: 8 }), fc.array(placed(sgRule), { maxLength: 4 }), fc.oneof(placed(naclEntry("allow")).map((n) => ({ n })), placed(sgRule).map((s) => ({ s }))), (nacls, sgs, add) => {
        const taken = new Set(nacls.map((n) => `${n.zone}|${n.egress}|${n.item.ruleNo}`));
        if ("n" in add && taken.has(`${add.n.zone}|${add.n.egress}|${add.n.item.ruleNo}`)) return;
        const before = analyseReachability(awsStack(nacls, sgs));
        const after = analyseReachability("n" in add ? awsStack([...nacls, add.n], sgs) : awsStack(nacls, [...sgs, add.s]));
        assert.equal(included(before, after), undefined);
      }),
      RUNS,
    );
  });

  it("AWS: unknown values neither invent a certain path nor hide a possible one", () => {
    fc.assert(
      fc.property(fc.array(placed(naclEntry()), { maxLength: 6 }), fc.array(placed(sgRule), { maxLength: 3 }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (nacls, sgs, picks) => {
        const known = awsStack(nacls, sgs);
        const leaves = leafPaths(known);
        const partial = blank(known, picks.map((p) => leaves[p % leaves.length]));
        const k = analyseReachability(known);
        const u = analyseReachability(partial);
        for (const p of k.pairs) {
          const q = u.pair(p.from, p.to)!;
          assert.ok(p.allowed.covers(q.allowed), `${p.from} -> ${p.to}: certain ${q.allowed} beyond ${p.allowed}`);
          assert.ok(q.possible.covers(p.allowed), `${p.from} -> ${p.to}: possible ${q.possible} hides ${p.allowed}`);
        }
      }),
      RUNS,
    );
  });

  it("AWS: adding a NACL deny never adds a path", () => {
    fc.assert(
      fc.property(fc.array(placed(naclEntry()), { maxLength: 8 }), fc.array(placed(sgRule), { maxLength: 4 }), placed(naclEntry("deny")), (nacls, sgs, add) => {
        if (nacls.some((n) => n.zone === add.zone && n.egress === add.egress && n.item.ruleNo === add.item.ruleNo)) return;
        const before = analyseReachability(awsStack(nacls, sgs));
        const after = analyseReachability(awsStack([...nacls, add], sgs));
        assert.equal(included(after, before), undefined);
      }),
      RUNS,
    );
  });

  // Brute force, port by port: NACL entries taken in rule order, first match wins, no match
  // denies. CIDRs here cover a zone's /24 whole or not at all, so one address stands for a zone.
  const ZONE_ADDRESS: Record<string, string> = { edge: "10.0.0.1", app: "10.0.1.1", data: "10.0.2.1" };
  const WHOLE_CIDRS = ["0.0.0.0/0", "10.0.0.0/16", "10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "203.0.113.0/24"];
  const ipv4 = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const inCidr = (address: string, cidr: string) => {
    const [base, bits] = cidr.split("/");
    const size = 2 ** (32 - Number(bits));
    return Math.floor(ipv4(address) / size) === Math.floor(ipv4(base) / size);
  };
  /** Per port, whether the NACL side lets `protocol` through to or from `peer`. */
  function naclVerdicts(entries: readonly NaclEntry[], protocol: "tcp" | "udp", peer: string): Uint8Array {
    // Entries for other peers or protocols never match: left out once, not per port.
    const ordered = entries.filter((e) => inCidr(peer, e.cidrBlock) && (e.protocol === "-1" || e.protocol === protocol)).sort((a, b) => a.ruleNo - b.ruleNo);
    const out = new Uint8Array(65536);
    for (let port = 0; port < 65536; port++) {
      for (const e of ordered) {
        if (e.protocol !== "-1" && (port < e.fromPort || port > e.toPort)) continue;
        out[port] = e.action === "allow" ? 1 : 0;
        break;
      }
    }
    return out;
  }
  const ephemeralPort = fc.constantFrom(0, 53, 443, 1023, 1024, 2000, 3389, 5432, 8080, 20000, 32767, 32768, 49151, 49152, 60999, 61000, 65535);
  const naclReturnEntry = fc
    .record({ ruleNo: fc.integer({ min: 1, max: 300 }), action: fc.constantFrom("allow" as const, "deny" as const), protocol: fc.constantFrom("tcp", "udp", "-1", "icmp"), a: ephemeralPort, b: ephemeralPort, cidrBlock: fc.constantFrom(...WHOLE_CIDRS) })
    // An ICMP entry's ports are its type and code: -1, any.
    .map((e): NaclEntry => ({ ruleNo: e.ruleNo, action: e.action, protocol: e.protocol, fromPort: e.protocol === "icmp" ? -1 : Math.min(e.a, e.b), toPort: e.protocol === "icmp" ? -1 : Math.max(e.a, e.b), cidrBlock: e.cidrBlock }));
  /** A side's entries: random ones, often ahead of a broad allow (the usual ephemeral or VPC-wide entry). */
  const naclSide = fc.tuple(fc.array(naclReturnEntry, { maxLength: 5 }), fc.constantFrom<NaclEntry[]>([], [{ ruleNo: 400, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "10.0.0.0/16" }], [{ ruleNo: 400, action: "allow", protocol: "tcp", fromPort: 1024, toPort: 65535, cidrBlock: "0.0.0.0/0" }, { ruleNo: 410, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "10.0.0.0/16" }])).map(([a, b]) => noDuplicateNumbers([...a, ...b]));
  const clientRange = fc.oneof(
    fc.constantFrom("nat", "linux", "windows"),
    fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 })).map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) })),
  );
  const RANGES: Record<string, [number, number]> = { nat: [1024, 65535], linux: [32768, 60999], windows: [49152, 65535] };

  it("AWS: a path is open exactly when the request passes and one client port gets its replies back through both NACLs (brute force per port)", () => {
    let partial = 0;
    let closedByReturn = 0;
    fc.assert(
      fc.property(fc.record({ edge: fc.tuple(naclSide, naclSide), app: fc.tuple(naclSide, naclSide), data: fc.tuple(naclSide, naclSide) }), clientRange, (sides, range) => {
        const f: AwsFixture = { ...baseline(), sg: {}, nacl: {} };
        for (const z of ZONES) {
          f.sg[z] = { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] };
          f.nacl[z] = { ingress: sides[z][0], egress: sides[z][1] };
        }
        const m = analyseReachability(awsResources(f), { ephemeralPorts: range });
        assert.deepEqual(m.notes, []);
        const [lo, hi] = typeof range === "string" ? RANGES[range] : [range.from, range.to];
        const probes = new Set([0, 22, 53, 443, 1023, 1024, 3389, 5432, 8080, 65535]);
        for (const z of ZONES) for (const side of sides[z]) for (const e of side) for (const p of [e.fromPort - 1, e.fromPort, e.toPort, e.toPort + 1]) if (p >= 0 && p <= 65535) probes.add(p);
        for (const a of ZONES) {
          for (const b of ZONES) {
            if (a === b) continue;
            const pair = m.pair(`aws:${a}`, `aws:${b}`)!;
            assert.ok(pair.possible.equals(pair.allowed), `${a} -> ${b}: nothing is unknown, yet possible ${pair.possible} differs from allowed ${pair.allowed}`);
            for (const protocol of ["tcp", "udp"] as const) {
              const requestOut = naclVerdicts(f.nacl[a].egress, protocol, ZONE_ADDRESS[b]);
              const requestIn = naclVerdicts(f.nacl[b].ingress, protocol, ZONE_ADDRESS[a]);
              const replyOut = naclVerdicts(f.nacl[b].egress, protocol, ZONE_ADDRESS[a]);
              const replyIn = naclVerdicts(f.nacl[a].ingress, protocol, ZONE_ADDRESS[b]);
              let usable = 0;
              for (let c = lo; c <= hi; c++) if (replyOut[c] && replyIn[c]) usable++;
              for (const s of probes) {
                const request = requestOut[s] === 1 && requestIn[s] === 1;
                const open = request && usable > 0;
                assert.equal(pair.allowed.ports(protocol).has(s), open, `${a} -> ${b} ${protocol}/${s} with client ports ${lo}-${hi}: reference says ${open ? "open" : "closed"} (request ${request ? "passes" : "blocked"}, ${usable} usable client ports); engine ${pair.allowed}`);
                if (open && usable < hi - lo + 1) partial++;
                if (request && !usable) closedByReturn++;
              }
            }
          }
        }
      }),
      { numRuns: 40, endOnFailure: true },
    );
    // The generator does reach the cases this is about.
    assert.ok(partial > 0, "no run had a path open on part of the client range");
    assert.ok(closedByReturn > 0, "no run had a request closed by its return path");
  });

  const gcpRule = (action: "allow" | "deny") =>
    fc.record({
      priority: fc.integer({ min: 0, max: 2000 }),
      ingress: fc.boolean(),
      protocol: fc.constantFrom("tcp", "udp", "all"),
      port: fc.constantFrom(["22"], ["443"], ["1000-9000"], undefined),
      range: fc.constantFrom(...CIDRS),
      target: fc.constantFrom("a", "b", undefined),
    }).map((r) => ({ action, ...r }));
  type GcpRule = { action: "allow" | "deny"; priority: number; ingress: boolean; protocol: string; port?: readonly string[]; range: string; target?: string };
  function gcpStack(rules: GcpRule[]): NetResource[] {
    const out: NetResource[] = [];
    for (const [z, cidr] of [["a", "10.0.0.0/24"], ["b", "10.0.1.0/24"]]) {
      out.push(res("gcp:compute/subnetwork:Subnetwork", `sub-${z}`, { ipCidrRange: cidr, description: `netseg-zone=${z}` }));
      out.push(res("gcp:compute/instanceTemplate:InstanceTemplate", `tpl-${z}`, { labels: { "netseg-zone": z }, tags: [`t-${z}`] }));
    }
    rules.forEach((r, i) => {
      const block = [{ protocol: r.protocol, ...(r.port && r.protocol !== "all" ? { ports: r.port } : {}) }];
      out.push(res("gcp:compute/firewall:Firewall", `fw-${i}`, {
        direction: r.ingress ? "INGRESS" : "EGRESS",
        priority: r.priority,
        [r.action === "allow" ? "allows" : "denies"]: block,
        ...(r.ingress ? { sourceRanges: [r.range] } : { destinationRanges: [r.range] }),
        ...(r.target ? { targetTags: [`t-${r.target}`] } : {}),
      }));
    });
    return out;
  }

  it("GCP: adding an allow never removes a path, adding a deny never adds one", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(gcpRule("allow"), gcpRule("deny")), { maxLength: 10 }), gcpRule("allow"), gcpRule("deny"), (rules, allow, deny) => {
        const before = analyseReachability(gcpStack(rules));
        assert.equal(included(before, analyseReachability(gcpStack([...rules, allow]))), undefined);
        assert.equal(included(analyseReachability(gcpStack([...rules, deny])), before), undefined);
      }),
      RUNS,
    );
  });

  it("GCP: unknown values neither invent a certain path nor hide a possible one", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(gcpRule("allow"), gcpRule("deny")), { maxLength: 8 }), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), (rules, picks) => {
        const known = gcpStack(rules);
        // A zone's name (its mark and labels) is its identity, not a value judged.
        const leaves = leafPaths(known).filter((l) => !["labels"].includes(String(l.path[0])) && !(known[l.resource].type !== "gcp:compute/firewall:Firewall" && l.path[0] === "description"));
        const k = analyseReachability(known);
        const u = analyseReachability(blank(known, picks.map((p) => leaves[p % leaves.length])));
        assertUnknownsSound(k, u);
      }),
      RUNS,
    );
  });

  it("Kubernetes: adding a rule to a policy never removes a path; unknowns neither invent nor hide one", () => {
    const peer = fc.constantFrom<any>(
      { podSelector: { matchLabels: { app: "a" } } },
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { team: "x" } } },
      { namespaceSelector: { matchLabels: { team: "x" } }, podSelector: { matchLabels: { app: "b" } } },
      { ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } },
    );
    const rule = fc.record({ egress: fc.boolean(), policy: fc.integer({ min: 0, max: 2 }), peers: fc.array(peer, { maxLength: 2 }), port: fc.constantFrom<any>(undefined, 80, "http", 5432) });
    type R = { egress: boolean; policy: number; peers: any[]; port: any };
    function objects(rules: R[]): unknown[] {
      const pols = [0, 1, 2].map((i) => ({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `p${i}`, namespace: i === 2 ? "other" : "shop" },
        spec: { podSelector: i === 0 ? {} : { matchLabels: { app: "a" } }, policyTypes: ["Ingress", "Egress"], ingress: [] as any[], egress: [] as any[] },
      }));
      for (const r of rules) {
        const side = r.egress ? "to" : "from";
        pols[r.policy].spec[r.egress ? "egress" : "ingress"].push({ ...(r.peers.length ? { [side]: r.peers } : {}), ...(r.port !== undefined ? { ports: [{ port: r.port }] } : {}) });
      }
      const deploy = (ns: string, app: string) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: app, namespace: ns }, spec: { template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, ports: [{ name: "http", containerPort: 8080 }] }] } } } });
      return [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }, { apiVersion: "v1", kind: "Namespace", metadata: { name: "other", labels: { team: "x" } } }, deploy("shop", "a"), deploy("shop", "b"), deploy("other", "b"), ...pols];
    }
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 6 }), rule, (rules, add) => {
        const before = analyseReachability(k8sObjectsToResources(objects(rules)));
        const after = analyseReachability(k8sObjectsToResources(objects([...rules, add])));
        assert.equal(included(before, after), undefined);
      }),
      RUNS,
    );
    // Unknown values (any leaf: a label, a selector value, a port, a namespace, a whole list)
    // neither invent a certain path nor hide a possible one.
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 6 }), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), (rules, picks) => {
        const known = k8sObjectsToResources(objects(rules));
        // A workload's name and namespace are its identity (which endpoint it is), not values judged.
        const identity = (l: { resource: number; path: (string | number)[] }) =>
          l.path.join(".") === "metadata.name" || (known[l.resource].type === "kubernetes:apps/v1:Deployment" && l.path.join(".") === "metadata.namespace");
        const leaves = leafPaths(known).filter((l) => !["apiVersion", "kind"].includes(String(l.path[0])) && !identity(l));
        const k = analyseReachability(known);
        const u = analyseReachability(blank(known, picks.map((p) => leaves[p % leaves.length])));
        assertUnknownsSound(k, u);
      }),
      RUNS,
    );
  });

  const TGW_DESTS = [BLOCK.a, BLOCK.b, BLOCK.shared, "10.128.0.0/12", "10.0.0.0/8", "10.128.0.0/24", "10.128.16.0/24", "10.64.0.0/24"];
  const tgwRoute = fc.record({ table: fc.constantFrom(...VPCS), dest: fc.constantFrom(...TGW_DESTS), to: fc.constantFrom<Vpc | "blackhole">(...VPCS, "blackhole") });
  /** A route to `to`'s attachment for a destination inside `to`'s own VPC: an allow, whatever else the table holds. */
  const tgwAllow = fc.record({ table: fc.constantFrom(...VPCS), to: fc.constantFrom(...VPCS), whole: fc.boolean() }).map(
    (r): TgwRouteSpec => ({ table: r.table, to: r.to, dest: r.whole ? BLOCK[r.to] : BLOCK[r.to].replace(/\/20$/, "/24") }),
  );
  const tgwBlackhole = fc.record({ table: fc.constantFrom(...VPCS), dest: fc.constantFrom(...TGW_DESTS) }).map((r): TgwRouteSpec => ({ ...r, to: "blackhole" }));
  /** AWS refuses two routes for one destination in one table. */
  const distinct = (routes: TgwRouteSpec[]) => {
    const seen = new Set<string>();
    return routes.filter((r) => !seen.has(`${r.table}|${r.dest}`) && seen.add(`${r.table}|${r.dest}`));
  };
  const tgwStack = (routes: TgwRouteSpec[]) => transitResources({ ...tenantFleet(), routes: distinct(routes) });

  it("AWS transit gateway: a blackhole never adds a path, a route to the destination's own attachment never removes one", () => {
    fc.assert(
      fc.property(fc.array(tgwRoute, { maxLength: 8 }), tgwAllow, tgwBlackhole, (routes, allow, blackhole) => {
        const base = distinct(routes);
        const before = analyseReachability(tgwStack(base));
        if (!base.some((r) => r.table === allow.table && r.dest === allow.dest)) assert.equal(included(before, analyseReachability(tgwStack([...base, allow]))), undefined);
        if (!base.some((r) => r.table === blackhole.table && r.dest === blackhole.dest)) assert.equal(included(analyseReachability(tgwStack([...base, blackhole])), before), undefined);
      }),
      { numRuns: 40 },
    );
  });

  it("AWS transit gateway: unknown values neither invent a certain path nor hide a possible one", () => {
    fc.assert(
      fc.property(fc.array(tgwRoute, { maxLength: 6 }), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), (routes, picks) => {
        const known = tgwStack(routes);
        const leaves = leafPaths(known);
        const k = analyseReachability(known);
        const u = analyseReachability(blank(known, picks.map((p) => leaves[p % leaves.length])));
        for (const p of k.pairs) {
          const q = u.pair(p.from, p.to)!;
          assert.ok(p.allowed.covers(q.allowed), `${p.from} -> ${p.to}: certain ${q.allowed} beyond ${p.allowed}`);
          assert.ok(q.possible.covers(p.allowed), `${p.from} -> ${p.to}: possible ${q.possible} hides ${p.allowed}`);
        }
      }),
      { numRuns: 40 },
    );
  });
});
