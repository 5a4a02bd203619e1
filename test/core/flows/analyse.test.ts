import assert from "node:assert/strict";
import fc from "fast-check";
import { FlowAnalysis, type FlowRecord, type FlowReport } from "../../../core/flows";
import { resolveIntent, type Intent, type IntentInput } from "../../../core/intent";
import { planAddresses } from "../../../core/addressing";
import { cidr, cidrContains, formatAddress } from "../../../core/net/cidr";

const INPUT: IntentInput = {
  name: "t",
  addressSpace: "10.0.0.0/16",
  availabilityZones: 2,
  zones: [
    { name: "edge", internet: "inbound" },
    { name: "app", egress: "nat", workloads: [{ name: "api" }] },
    { name: "data" },
    { name: "mesh", egress: "proxy" },
  ],
  peers: [{ name: "office", cidrs: ["192.0.2.0/24"] }],
  flows: [
    { from: "internet", to: "edge", ports: ["tcp/443"] },
    { from: "edge", to: "app", ports: ["tcp/8080"] },
    { from: "app/api", to: "data", ports: ["tcp/5432", "udp/5000-5010"] },
    { from: "app", to: "internet", ports: ["tcp/443"] },
    { from: "data", to: "data", ports: ["tcp/7000"] },
    { from: "office", to: "data", ports: ["all"] },
    { from: "mesh", to: "app", ports: ["icmp"] },
  ],
  egress: [{ from: "mesh", allow: ["api.example.com:443", "git.example.com:8443"] }],
} as IntentInput;

const INTENT: Intent = resolveIntent(INPUT, "test");
const PLAN = planAddresses(INTENT);
const block = (zone: string) => PLAN.zones.find((z) => z.zone === zone)!.cidr;
const host = (c: string, n: number) => formatAddress(4, cidr(c).start + BigInt(n));

function analyse(records: readonly FlowRecord[], intent: Intent = INTENT): FlowReport {
  const a = new FlowAnalysis(intent);
  records.forEach((r, i) => a.add({ record: r }, { file: "t", line: i + 1 }));
  return a.report();
}

function rec(src: string, sp: number | undefined, dst: string, dp: number | undefined, protocol: number, action: "ACCEPT" | "REJECT" = "ACCEPT"): FlowRecord {
  return { srcaddr: src, dstaddr: dst, srcport: sp, dstport: dp, protocol, action, packets: 1 };
}

function pair(r: FlowReport, from: string, to: string) {
  const p = r.pairs.find((x) => x.from === from && x.to === to);
  assert.ok(p, `no pair ${from} -> ${to}; pairs: ${r.pairs.map((x) => `${x.from}->${x.to}`).join(", ")}`);
  return p;
}

const EDGE = host(block("edge"), 10);
const APP = host(block("app"), 20);
const DATA = host(block("data"), 30);
const DATA2 = host(block("data"), 31);
const MESH = host(block("mesh"), 40);
const NET = "198.51.100.7";

describe("flow records held against the intent", () => {
  it("sorts records into the four figures per zone pair", () => {
    const r = analyse([
      rec(NET, 50000, EDGE, 443, 6),
      rec(EDGE, 40000, APP, 22, 6),
      rec(EDGE, 40000, APP, 8080, 6, "REJECT"),
      rec(NET, 50000, DATA, 3389, 6, "REJECT"),
    ]);
    assert.equal(pair(r, "internet", "edge").acceptedAllowed, 1);
    assert.deepEqual(pair(r, "edge", "app").acceptedNotAllowedTraffic, [{ traffic: "tcp/22", records: 1 }]);
    assert.equal(pair(r, "edge", "app").rejectedAllowed, 1);
    assert.equal(pair(r, "internet", "data").rejectedNotAllowed, 1);
    assert.equal(r.summary.exitCode, 1);
    assert.deepEqual(pair(r, "edge", "app").examples, { acceptedNotAllowed: [{ file: "t", line: 2 }], rejectedAllowed: [{ file: "t", line: 3 }] });
  });

  it("counts a reply to a client's ephemeral port with its flow, and a reply to a low port as a new flow", () => {
    const r = analyse([rec(APP, 8080, EDGE, 40000, 6), rec(APP, 8080, EDGE, 1023, 6)]);
    const flow = pair(r, "edge", "app");
    assert.equal(flow.acceptedAllowed, 1);
    assert.equal(flow.replies, 1);
    assert.equal(pair(r, "app", "edge").acceptedNotAllowed, 1);
  });

  it("takes the ephemeral range from the options", () => {
    const a = new FlowAnalysis(INTENT, { ephemeralPorts: { from: 32768, to: 60999 } });
    a.add({ record: rec(APP, 8080, EDGE, 20000, 6) }, { file: "t", line: 1 });
    assert.equal(a.report().pairs[0].acceptedNotAllowed, 1);
  });

  it("a rejected reply of an allowed flow is an accidental deny (a NACL without the return path)", () => {
    const r = analyse([rec(APP, 8080, EDGE, 40000, 6, "REJECT")]);
    assert.equal(pair(r, "edge", "app").rejectedAllowed, 1);
    assert.deepEqual(pair(r, "edge", "app").rejectedAllowedTraffic, [{ traffic: "tcp/8080 (reply)", records: 1 }]);
  });

  it("marks records only a workload-scoped flow allows, and counts them as allowed", () => {
    const p = pair(analyse([rec(APP, 40000, DATA, 5432, 6), rec(APP, 40000, DATA, 5005, 17)]), "app", "data");
    assert.equal(p.acceptedAllowed, 2);
    assert.equal(p.workloadScoped, 2);
  });

  it("a flow for the whole zone wins over a workload-scoped one for the same traffic", () => {
    const intent = resolveIntent({ ...INPUT, flows: [...INPUT.flows!, { from: "app", to: "data", ports: ["tcp/5432"] }] } as IntentInput, "test");
    const p = pair(analyse([rec(APP, 40000, DATA, 5432, 6), rec(APP, 40000, DATA, 5005, 17)], intent), "app", "data");
    assert.equal(p.acceptedAllowed, 2);
    assert.equal(p.workloadScoped, 1, "udp/5005 only the workload's flow allows");
  });

  it("a ported record without ports is not analysed unless every port is allowed (no guessed verdict)", () => {
    const r = analyse([rec(EDGE, undefined, APP, undefined, 6), rec(APP, undefined, DATA, 5432, 6, "REJECT"), rec("192.0.2.9", undefined, DATA, undefined, 6)]);
    assert.deepEqual(r.notAnalysed.map((n) => [n.reason, n.count]), [["missing-field", 1]]);
    assert.match(r.notAnalysed[0].examples[0].detail, /tcp record without dstport/);
    assert.equal(pair(r, "app", "data").rejectedAllowed, 1, "the request itself is judged by its destination port");
    assert.equal(pair(r, "office", "data").acceptedAllowed, 1, "office -> data allows every port");
  });

  it("allows the egress allow-list's ports to the internet and through the egress path, and the NAT gateway's leg to the internet on the nat zone's ports", () => {
    const infra = host(PLAN.infrastructureBlock, 5);
    const r = analyse([rec(MESH, 40000, NET, 443, 6), rec(MESH, 40000, NET, 22, 6), rec(MESH, 40000, infra, 3128, 6), rec(infra, 40000, NET, 8443, 6), rec(APP, 40000, EDGE, 443, 6), rec(EDGE, 40000, NET, 443, 6), rec(NET, 443, EDGE, 40000, 6)]);
    assert.equal(pair(r, "mesh", "internet").acceptedAllowed, 1);
    assert.equal(pair(r, "mesh", "internet").acceptedNotAllowed, 1);
    assert.deepEqual(pair(r, "mesh", "internet").allowedBy.map((b) => b.basis), ["egress-allow-list"]);
    assert.equal(pair(r, "mesh", "infrastructure").acceptedAllowed, 1);
    assert.equal(pair(r, "infrastructure", "internet").acceptedAllowed, 1);
    assert.equal(pair(r, "app", "edge").acceptedNotAllowed, 1, "east-west app -> edge tcp/443 is no NAT leg (packets to a NAT gateway carry the internet address)");
    assert.deepEqual(pair(r, "edge", "internet").allowedBy.map((b) => [b.basis, b.records]), [["nat-transit", 2]]);
    assert.equal(pair(r, "edge", "internet").replies, 1);
  });

  it("judges a same-zone record only when the intent declares a flow inside the zone", () => {
    const r = analyse([rec(DATA, 40000, DATA2, 7000, 6), rec(DATA, 40000, DATA2, 22, 6), rec(EDGE, 1, host(block("edge"), 11), 2, 6)]);
    assert.equal(pair(r, "data", "data").acceptedAllowed, 1);
    assert.equal(pair(r, "data", "data").acceptedNotAllowed, 1);
    assert.deepEqual(r.notAnalysed.map((n) => [n.reason, n.count]), [["within-zone", 1]]);
  });

  it("a peer's `all` flow allows protocols the intent cannot name (GRE); other pairs do not", () => {
    const r = analyse([rec("192.0.2.9", undefined, DATA, undefined, 47), rec(EDGE, undefined, DATA, undefined, 47)]);
    assert.equal(pair(r, "office", "data").acceptedAllowed, 1);
    assert.equal(pair(r, "edge", "data").acceptedNotAllowed, 1);
  });

  it("ICMP: allowed by an icmp flow, and its echo reply with it", () => {
    const r = analyse([rec(MESH, 0, APP, 0, 1), rec(APP, 0, MESH, 0, 1)]);
    assert.equal(pair(r, "mesh", "app").acceptedAllowed, 2);
    assert.equal(pair(r, "mesh", "app").replies, 1);
  });

  it("gives the denied-flow rate per zone, a record counted once for each zone it touches", () => {
    const r = analyse([rec(NET, 1, EDGE, 443, 6), rec(NET, 1, EDGE, 22, 6, "REJECT"), rec(EDGE, 40000, APP, 8080, 6, "REJECT")]);
    const edge = r.zones.find((z) => z.zone === "edge")!;
    assert.deepEqual({ records: edge.records, rejected: edge.rejected, rejectedAllowed: edge.rejectedAllowed }, { records: 3, rejected: 2, rejectedAllowed: 1 });
    assert.equal(edge.deniedRate, 2 / 3);
    assert.equal(r.zones.find((z) => z.zone === "app")!.deniedRate, 1);
  });

  it("exit code: 0 when every record agrees with the intent, 2 when nothing could be analysed", () => {
    assert.equal(analyse([rec(NET, 1, EDGE, 443, 6), rec(NET, 1, DATA, 22, 6, "REJECT")]).summary.exitCode, 0);
    const a = new FlowAnalysis(INTENT);
    a.add({ skip: { reason: "unparseable", origin: { file: "t", line: 1 }, detail: "x" } }, { file: "t", line: 1 });
    assert.equal(a.report().summary.exitCode, 2);
    assert.match(a.report().summary.line, /nothing was checked/);
  });

  it("an address that is not one is not analysed, with the value", () => {
    const r = analyse([rec("10.0.0.300", 1, EDGE, 443, 6)]);
    assert.equal(r.notAnalysed[0].reason, "bad-address");
    assert.match(r.notAnalysed[0].examples[0].detail, /10\.0\.0\.300/);
  });

  it("a quarantined zone has no allowed path across its boundary but the DNS it keeps; a quarantined workload is judged as its zone", () => {
    const intent = resolveIntent({ ...INPUT, quarantine: [{ target: "data", reason: "INC-42", since: "2026-12-06", dns: "keep" }, { target: "app/api", reason: "INC-43", since: "2026-12-06" }] } as IntentInput, "test");
    const r = analyse([rec(APP, 40000, DATA, 5432, 6), rec(APP, 40000, DATA, 5432, 6, "REJECT"), rec(DATA, 40000, "8.8.8.8", 53, 17), rec(DATA, 40000, NET, 443, 6), rec(EDGE, 40000, APP, 8080, 6), rec(DATA, 40000, DATA2, 7000, 6)], intent);
    const appData = pair(r, "app", "data");
    assert.deepEqual([appData.acceptedAllowed, appData.acceptedNotAllowed, appData.rejectedAllowed, appData.rejectedNotAllowed], [0, 1, 0, 1], "a breach, and an expected deny (never an accidental one)");
    assert.deepEqual(pair(r, "data", "internet").allowedBy.map((b) => b.basis), ["quarantine-dns"]);
    assert.equal(pair(r, "data", "internet").acceptedNotAllowed, 1, "tcp/443 out of a quarantined zone");
    assert.equal(pair(r, "edge", "app").acceptedAllowed, 1, "the workload's zone is judged as usual");
    assert.equal(pair(r, "data", "data").acceptedAllowed, 1, "inside the quarantined zone is not its boundary");
    assert.deepEqual(r.quarantine.map((q) => [q.target, q.judged]), [["data", true], ["app/api", false]]);
  });

  // An independent reading of the same rules: endpoints by scanning CIDRs with bigint containment,
  // flows by scanning the intent's list, the egress and NAT legs spelled out again.
  describe("agrees with a brute-force reference on random records", () => {
    const endpointOf = (addr: string): string => {
      const c = cidr(addr);
      for (const z of PLAN.zones) if (cidrContains(cidr(z.cidr), c)) return z.zone;
      if (cidrContains(cidr(PLAN.infrastructureBlock), c)) return "infrastructure";
      for (const p of INTENT.peers) if (p.cidrs.some((x) => cidrContains(cidr(x), c))) return p.name;
      if (cidrContains(cidr(PLAN.addressSpace), c)) return "unallocated";
      return "internet";
    };
    const names: Record<number, string> = { 1: "icmp", 6: "tcp", 17: "udp", 132: "sctp" };
    const allows = (from: string, to: string, protocol: number, port: number | undefined): boolean => {
      const name = names[protocol];
      const specOk = (s: { protocol: string; from: number; to: number }) => s.protocol === "all" || (s.protocol === name && (name === "icmp" || (port === undefined ? s.from === 0 && s.to === 65535 : s.from <= port && port <= s.to)));
      const epName = (e: (typeof INTENT.flows)[number]["from"]) => (e.kind === "internet" ? "internet" : e.kind === "peer" ? e.peer : e.zone);
      if (INTENT.flows.some((f) => epName(f.from) === from && epName(f.to) === to && f.ports.some(specOk))) return true;
      const tcpPort = name === "tcp" ? port : undefined;
      const allowList = INTENT.egress.flatMap((l) => l.destinations.map((d) => ({ zone: l.zone, port: d.port })));
      if (tcpPort !== undefined) {
        if (to === "internet" && allowList.some((d) => d.zone === from && d.port === tcpPort)) return true;
        if (to === "infrastructure" && (allowList.some((d) => d.zone === from && d.port === tcpPort) || (tcpPort === 3128 && allowList.some((d) => d.zone === from)))) return true;
        if (from === "infrastructure" && to === "internet" && allowList.some((d) => d.port === tcpPort)) return true;
      }
      // NAT: the NAT gateway in edge (internet-facing) sends app's (egress nat) traffic on to the internet, on app's internet ports.
      const appOut = INTENT.flows.filter((f) => f.from.kind === "zone" && f.from.zone === "app" && f.to.kind === "internet").flatMap((f) => f.ports);
      if (from === "edge" && to === "internet" && appOut.some(specOk)) return true;
      return false;
    };

    const addr = fc.oneof(
      ...["edge", "app", "data", "mesh"].map((z) => fc.integer({ min: 0, max: 4095 }).map((n) => host(block(z), n))),
      fc.integer({ min: 0, max: 4095 }).map((n) => host(PLAN.infrastructureBlock, n)),
      fc.integer({ min: 0, max: 255 }).map((n) => host("192.0.2.0/24", n)),
      fc.integer({ min: 0, max: 65535 }).map((n) => host("10.0.0.0/16", n)),
      fc.integer({ min: 0, max: 0xffffffff }).map((n) => formatAddress(4, BigInt(n))),
    );
    const port = fc.oneof(fc.constantFrom(443, 8080, 5432, 5005, 7000, 3128, 8443, 22, 1023, 1024, 65535, 0), fc.integer({ min: 0, max: 65535 }));
    const record = fc.record({ srcaddr: addr, dstaddr: addr, srcport: port, dstport: port, protocol: fc.constantFrom(1, 6, 17, 132, 47), action: fc.constantFrom("ACCEPT" as const, "REJECT" as const), packets: fc.constant(1) });

    it("same figures per pair, same records not analysed", () => {
      fc.assert(
        fc.property(fc.array(record, { maxLength: 60 }), (records) => {
          const expected = new Map<string, number>();
          let within = 0;
          for (const r of records) {
            const s = endpointOf(r.srcaddr);
            const d = endpointOf(r.dstaddr);
            if (s === d && ["edge", "app", "data", "mesh"].includes(s) && !INTENT.flows.some((f) => f.from.kind === "zone" && f.to.kind === "zone" && f.from.zone === s && f.to.zone === s)) {
              within++;
              continue;
            }
            let from = s;
            let to = d;
            let ok = allows(s, d, r.protocol, r.dstport);
            if (!ok) {
              const reverse = r.protocol === 1 ? allows(d, s, 1, undefined) : names[r.protocol] !== undefined && r.dstport >= 1024 && allows(d, s, r.protocol, r.srcport);
              if (reverse) [ok, from, to] = [true, d, s];
            }
            const k = `${from}>${to}>${r.action}>${ok}`;
            expected.set(k, (expected.get(k) ?? 0) + 1);
          }
          const report = analyse(records);
          const actual = new Map<string, number>();
          for (const p of report.pairs) {
            const put = (action: string, ok: boolean, n: number) => n && actual.set(`${p.from}>${p.to}>${action}>${ok}`, n);
            put("ACCEPT", true, p.acceptedAllowed);
            put("ACCEPT", false, p.acceptedNotAllowed);
            put("REJECT", true, p.rejectedAllowed);
            put("REJECT", false, p.rejectedNotAllowed);
          }
          assert.deepEqual(new Map([...actual].sort()), new Map([...expected].sort()));
          assert.equal(report.totals.notAnalysed, within);
        }),
        { numRuns: 300 },
      );
    });
  });
});
