/**
 * Return traffic through NACLs needs ONE client port, not the whole ephemeral range: a session
 * picks one source port and its replies come back to it. On the fixture's app -> data tcp/5432
 * the return checks are acl-data outbound and acl-app inbound; the usable client ports are the
 * client's range met with both. Worked by hand per case below.
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, explainBlocked, explainReplies, summariseMatrix, type AnalyseOptions } from "../../../core/reachability";
import { awsResources, baseline, CIDR, nacl, T, type AwsFixture } from "./aws-fixture";
import { urnOf } from "./build";

const tcp = (p: number) => TrafficSet.of("tcp", p);

/** The baseline with app -> data's request and return entries under test: acl-data outbound and acl-app inbound from data. */
function stack(dataOut: ReturnType<typeof nacl>[], appInFromData: ReturnType<typeof nacl>[] = [nacl(110, "allow", CIDR.data, 1024, 65535)]): AwsFixture {
  const f = baseline();
  f.nacl.data.egress = dataOut;
  f.nacl.app.ingress = [nacl(100, "allow", CIDR.edge, 8080), ...appInFromData];
  return f;
}

function appToData(f: AwsFixture, opts: AnalyseOptions = {}) {
  return analyseReachability(awsResources(f), opts).pair("aws:app", "aws:data")!;
}

describe("reachability / return traffic needs one client port", () => {
  it("opens app -> data when one NACL denies tcp/3389 ahead of the ephemeral allow, and says which ports reply", () => {
    const pair = appToData(stack([nacl(90, "deny", CIDR.app, 3389), nacl(100, "allow", CIDR.app, 1024, 65535)]));
    assert.equal(pair.allowed.toString(), "tcp/5432");
    assert.equal(pair.possible.toString(), "tcp/5432");
    assert.deepEqual(explainReplies(pair, tcp(5432)), ["tcp replies pass on client ports 1024-3388, 3390-65535 only (of 1024-65535)"]);
    assert.deepEqual(explainBlocked(pair, tcp(5432)), []);
  });

  it("stays closed when every client port is denied, naming the deny entry", () => {
    const pair = appToData(stack([nacl(90, "deny", CIDR.app, 1024, 65535), nacl(100, "allow", CIDR.app, 1024, 65535)]));
    assert.equal(pair.possible.toString(), "nothing");
    const blocks = explainBlocked(pair, tcp(5432));
    assert.deepEqual(blocks.map((b) => b.reason), ["return traffic tcp/1024-65535 not allowed by NACL acl-data outbound (acl-data outbound rule 90)"]);
    assert.equal(blocks[0].rule?.urn, urnOf(T.NACL, "acl-data"));
    assert.equal(blocks[0].rule?.rule, "outbound rule 90");
  });

  it("names every entry refusing part of the range when several do", () => {
    const pair = appToData(stack([nacl(90, "deny", CIDR.app, 1024, 3388), nacl(100, "allow", CIDR.app, 80)]));
    assert.deepEqual(explainBlocked(pair, tcp(5432)).map((b) => b.reason), [
      "return traffic tcp/1024-65535 not allowed by NACL acl-data outbound (acl-data outbound rule 90 on tcp/1024-3388; acl-data outbound rule 32767 (default deny) on tcp/3389-65535)",
    ]);
  });

  it("meets the client ports of both NACLs on the return path: P on one and Q on the other leave P and Q in common", () => {
    // acl-data outbound lets back 1024-30000, acl-app inbound 20000-65535: 20000-30000 works both ways.
    const overlap = appToData(stack([nacl(100, "allow", CIDR.app, 1024, 30000)], [nacl(110, "allow", CIDR.data, 20000, 65535)]));
    assert.equal(overlap.allowed.toString(), "tcp/5432");
    assert.deepEqual(explainReplies(overlap, tcp(5432)), ["tcp replies pass on client ports 20000-30000 only (of 1024-65535)"]);
    // 1024-20000 and 30000-65535 share no port: each NACL alone passes some, the path none.
    const apart = appToData(stack([nacl(100, "allow", CIDR.app, 1024, 19999)], [nacl(110, "allow", CIDR.data, 30000, 65535)]));
    assert.equal(apart.possible.toString(), "nothing");
    const blocks = explainBlocked(apart, tcp(5432));
    assert.deepEqual(blocks.map((b) => b.reason), [
      "no client port in tcp/1024-65535 gets its replies back through every return check: " +
        "NACL acl-data outbound lets back only tcp/1024-19999 (acl-data outbound rule 32767 (default deny)); " +
        "NACL acl-app inbound lets back only tcp/30000-65535 (acl-app inbound rule 32767 (default deny))",
    ]);
    assert.equal(blocks[0].rule?.urn, urnOf(T.NACL, "acl-data"));
  });

  it("the client's range narrows the usable ports too (requester side)", () => {
    // Replies pass on 1024-32767 only: NAT-like clients use them, Linux and Windows clients never pick them.
    const f = stack([nacl(100, "allow", CIDR.app, 1024, 32767)]);
    assert.equal(appToData(f).allowed.toString(), "tcp/5432");
    assert.equal(appToData(f, { ephemeralPorts: "nat" }).allowed.toString(), "tcp/5432");
    for (const preset of ["linux", "windows"] as const) {
      const pair = appToData(f, { ephemeralPorts: preset });
      assert.equal(pair.possible.toString(), "nothing", preset);
      const range = preset === "linux" ? "32768-60999" : "49152-65535";
      assert.deepEqual(explainBlocked(pair, tcp(5432)).map((b) => b.reason), [`return traffic tcp/${range} not allowed by NACL acl-data outbound (acl-data outbound rule 32767 (default deny))`]);
    }
  });

  it("each preset takes its own range: linux 32768-60999, windows 49152-65535, nat 1024-65535", () => {
    // Replies pass on 61000-65535 only: Windows and NAT clients can, Linux clients cannot.
    const high = stack([nacl(100, "allow", CIDR.app, 61000, 65535)]);
    assert.equal(appToData(high, { ephemeralPorts: "windows" }).allowed.toString(), "tcp/5432");
    assert.deepEqual(explainReplies(appToData(high, { ephemeralPorts: "windows" }), tcp(5432)), ["tcp replies pass on client ports 61000-65535 only (of 49152-65535)"]);
    assert.equal(appToData(high, { ephemeralPorts: "nat" }).allowed.toString(), "tcp/5432");
    assert.equal(appToData(high, { ephemeralPorts: "linux" }).allowed.toString(), "nothing");
    // Replies pass on 40000-50000: Linux and NAT clients can, Windows clients only on 49152-50000.
    const mid = stack([nacl(100, "allow", CIDR.app, 40000, 50000)]);
    assert.deepEqual(explainReplies(appToData(mid, { ephemeralPorts: "linux" }), tcp(5432)), ["tcp replies pass on client ports 40000-50000 only (of 32768-60999)"]);
    assert.deepEqual(explainReplies(appToData(mid, { ephemeralPorts: "windows" }), tcp(5432)), ["tcp replies pass on client ports 49152-50000 only (of 49152-65535)"]);
    // A range of one's own, as text or as an object.
    assert.equal(appToData(mid, { ephemeralPorts: "1024-39999" }).allowed.toString(), "nothing");
    assert.equal(appToData(mid, { ephemeralPorts: { from: 50000, to: 50000 } }).allowed.toString(), "tcp/5432");
    assert.deepEqual(explainReplies(appToData(stack([nacl(100, "allow", CIDR.app, 1024, 65535)]), { ephemeralPorts: "linux" }), tcp(5432)), []);
  });

  it("judges UDP replies the same way, per protocol", () => {
    const f = stack([nacl(90, "deny", CIDR.app, 1024, 65535, "tcp"), nacl(100, "allow", CIDR.app, 5000, 5000, "udp")], [nacl(110, "allow", CIDR.data, 0, 65535, "-1")]);
    f.nacl.data.ingress.push(nacl(110, "allow", CIDR.app, 53, 53, "udp"));
    f.nacl.app.egress.push(nacl(120, "allow", CIDR.data, 53, 53, "udp"));
    f.sg.app.egress.push({ protocol: "udp", fromPort: 53, toPort: 53, cidrBlocks: [CIDR.data] });
    f.sg.data.ingress.push({ protocol: "udp", fromPort: 53, toPort: 53, cidrBlocks: [CIDR.app] });
    const pair = appToData(f);
    assert.equal(pair.allowed.toString(), "udp/53");
    assert.deepEqual(explainReplies(pair, TrafficSet.of("udp", 53)), ["udp replies pass on client ports 5000 only (of 1024-65535)"]);
    assert.deepEqual(explainBlocked(pair, tcp(5432)).map((b) => b.reason), ["return traffic tcp/1024-65535 not allowed by NACL acl-data outbound (acl-data outbound rule 90)"]);
  });

  it("puts the narrowed reply ports in the summary rows", () => {
    const m = analyseReachability(awsResources(stack([nacl(90, "deny", CIDR.app, 3389), nacl(100, "allow", CIDR.app, 1024, 65535)])));
    const row = summariseMatrix(m).rows.find((r) => r.from === "aws:app" && r.to === "aws:data")!;
    assert.equal(row.replies, "tcp replies pass on client ports 1024-3388, 3390-65535 only (of 1024-65535)");
    assert.equal(summariseMatrix(m).rows.find((r) => r.from === "aws:edge" && r.to === "aws:app")!.replies, undefined);
  });

  it("refuses a malformed range, naming the option, the value and what is expected", () => {
    for (const bad of ["32768", "60999-32768", "0-100", "1024-70000", "bsd", { from: 1024 }, 42]) {
      assert.throws(() => analyseReachability(awsResources(baseline()), { ephemeralPorts: bad as never }), (e: Error) => {
        assert.match(e.message, /^analyseReachability options\.ephemeralPorts: /);
        assert.ok(e.message.includes(JSON.stringify(bad)), e.message);
        assert.match(e.message, /expected a preset \(linux, windows, nat\), a range "from-to"/);
        return true;
      });
    }
  });
});
