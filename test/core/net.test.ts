import assert from "node:assert/strict";
import fc from "fast-check";
import { BoundedMemo } from "../../core/net/bounded-memo";
import { CidrSet, RangeSet, TrafficSet, parseCidr, parsePortSpec, rangeToCidrs, subnetAt, cidr } from "../../core/net";

describe("core/net", () => {
  describe("RangeSet", () => {
    const arbIntervals = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 20 })).map(([a, l]) => ({ from: a, to: a + l })),
      { maxLength: 8 },
    );
    const members = (s: RangeSet<number>) => {
      const out = new Set<number>();
      for (const iv of s.intervals) for (let x = iv.from; x <= iv.to; x++) out.add(x);
      return out;
    };

    it("agrees with plain sets on union, intersection, difference, cover and overlap", () => {
      fc.assert(
        fc.property(arbIntervals, arbIntervals, (a, b) => {
          const A = RangeSet.from(a);
          const B = RangeSet.from(b);
          const ma = members(A);
          const mb = members(B);
          assert.deepEqual(members(A.union(B)), new Set([...ma, ...mb]));
          assert.deepEqual(members(A.intersect(B)), new Set([...ma].filter((x) => mb.has(x))));
          assert.deepEqual(members(A.subtract(B)), new Set([...ma].filter((x) => !mb.has(x))));
          assert.equal(A.covers(B), [...mb].every((x) => ma.has(x)));
          assert.equal(A.overlaps(B), [...ma].some((x) => mb.has(x)));
        }),
      );
    });

    it("keeps intervals sorted, disjoint and non-adjacent", () => {
      const s = RangeSet.from([{ from: 5, to: 9 }, { from: 1, to: 4 }, { from: 20, to: 30 }, { from: 25, to: 26 }]);
      assert.deepEqual(s.intervals, [{ from: 1, to: 9 }, { from: 20, to: 30 }]);
    });
  });

  describe("ports", () => {
    it("parses the intent's port specs", () => {
      assert.deepEqual(parsePortSpec("tcp/443"), { protocol: "tcp", from: 443, to: 443 });
      assert.deepEqual(parsePortSpec("TCP/8000-8100"), { protocol: "tcp", from: 8000, to: 8100 });
      assert.deepEqual(parsePortSpec("icmp"), { protocol: "icmp", from: 0, to: 65535 });
      assert.deepEqual(parsePortSpec("udp"), { protocol: "udp", from: 0, to: 65535 });
    });

    it("explains bad specs", () => {
      for (const [text, fragment] of [
        ["tcp/70000", "ports run from 0 to 65535"],
        ["tcp/9-1", "runs backwards"],
        ["icmp/8", "takes no port"],
        ["http/80", "not a port spec"],
      ]) {
        const r = parsePortSpec(text);
        assert.ok("error" in r && r.error.includes(fragment), `${text}: ${JSON.stringify(r)}`);
      }
    });

    it("merges adjacent ranges and recognises everything as all", () => {
      const t = TrafficSet.fromSpecs([
        { protocol: "tcp", from: 80, to: 80 },
        { protocol: "tcp", from: 81, to: 90 },
      ]);
      assert.equal(t.toString(), "tcp/80-90");
      const all = TrafficSet.fromSpecs([
        { protocol: "tcp", from: 0, to: 65535 },
        { protocol: "udp", from: 0, to: 32767 },
        { protocol: "udp", from: 32768, to: 65535 },
        { protocol: "icmp", from: 0, to: 65535 },
      ]);
      // `all` is every protocol netseg models, SCTP too: TCP, UDP and ICMP alone are not all.
      assert.equal(all.toString(), "tcp, udp, icmp");
      assert.equal(all.union(TrafficSet.of("sctp")).toString(), "all");
      assert.ok(TrafficSet.of("tcp", 22).intersect(TrafficSet.of("tcp", 0, 1024)).equals(TrafficSet.of("tcp", 22)));
    });
  });

  describe("CIDRs", () => {
    it("judges address sets as ranges: two /1 halves are the internet", () => {
      assert.ok(CidrSet.fromCidrs(["0.0.0.0/1", "128.0.0.0/1"]).isWorld());
      assert.ok(CidrSet.fromCidrs(["::/0"]).isWorld());
      assert.ok(!CidrSet.fromCidrs(["0.0.0.0/1"]).isWorld());
      assert.ok(!CidrSet.fromCidrs(["10.0.0.0/8"]).reachesPublic());
      assert.ok(CidrSet.fromCidrs(["8.8.8.0/24"]).reachesPublic());
    });

    it("refuses host bits in strict mode and names the block", () => {
      const r = parseCidr("10.0.0.1/16", { strict: true });
      assert.ok("error" in r && r.error.includes("10.0.0.0/16"));
      assert.equal((parseCidr("10.0.0.1/16") as { text: string }).text, "10.0.0.0/16");
      assert.ok("error" in parseCidr("10.0.0.0/33"));
      assert.ok("error" in parseCidr("banana"));
    });

    it("covers any range with a minimal list of blocks", () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.bigInt({ min: 0n, max: 5000n }), (start, len) => {
          const end = start + len > 2n ** 32n - 1n ? 2n ** 32n - 1n : start + len;
          const blocks = rangeToCidrs(4, start, end);
          assert.ok(CidrSet.fromCidrs(blocks).equals(CidrSet.fromCidrs([]).union(CidrSet.fromCidrs(blocks))));
          assert.equal(blocks[0].start, start);
          assert.equal(blocks[blocks.length - 1].end, end);
          for (let i = 1; i < blocks.length; i++) assert.equal(blocks[i].start, blocks[i - 1].end + 1n);
        }),
      );
      assert.deepEqual(CidrSet.fromCidrs(["10.0.0.0/25", "10.0.0.128/25"]).toCidrs().map((c) => c.text), ["10.0.0.0/24"]);
    });

    it("carves subnets by index and refuses ones that do not fit", () => {
      assert.equal(subnetAt(cidr("10.0.0.0/16"), 20, 3)?.text, "10.0.48.0/20");
      assert.equal(subnetAt(cidr("10.0.0.0/16"), 20, 16), undefined);
    });
  });

  describe("BoundedMemo", () => {
    it("makes a key's value once, remembers an undefined result too, and starts over when full", () => {
      const made: string[] = [];
      const memo = new BoundedMemo<string[] | undefined>(2);
      const make = (k: string) => () => (made.push(k), k === "bad" ? undefined : [k]);
      const a = memo.get("a", make("a"));
      assert.equal(memo.get("a", make("a")), a, "one shared value per key");
      assert.equal(memo.get("bad", make("bad")), undefined);
      assert.equal(memo.get("bad", make("bad")), undefined);
      assert.deepEqual(made, ["a", "bad"]);
      memo.get("c", make("c")); // full: starts over
      assert.notEqual(memo.get("a", make("a")), a);
      assert.deepEqual(made, ["a", "bad", "c", "a"]);
    });
  });
});
