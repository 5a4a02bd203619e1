import assert from "node:assert/strict";
import * as fs from "node:fs";
import fc from "fast-check";
import { cidrWildcards, FILTER_PATTERN_MAX, FLOW_LOG_PATTERN_FIELDS, rejectedPatterns } from "../../../core/flows/cloudwatch-pattern";
import { cidr, cidrContains, formatAddress } from "../../../core/net/cidr";

/**
 * A small evaluator of the space-delimited filter-pattern subset the patterns use, written from
 * CloudWatch Logs' documented rules, not from the generator: `[a, b = "x" || b = "y", ...]`
 * names one term per space-separated field (an event with another number of fields does not
 * match); a condition compares the field with a string where `*` matches any run of characters;
 * `||` / `&&` join conditions on the field.
 */
function matches(pattern: string, event: string): boolean {
  const body = /^\[(.*)\]$/.exec(pattern.trim());
  assert.ok(body, `not a space-delimited pattern: ${pattern}`);
  const terms = body[1].split(",").map((t) => t.trim());
  const fields = event.trim().split(/\s+/);
  if (fields.length !== terms.length) return false;
  return terms.every((term, i) => {
    const ors = term.split("||").map((x) => x.trim());
    return ors.some((alt) =>
      alt.split("&&").every((cond) => {
        const m = /^([\w-]+)(?:\s*(!=|=)\s*"([^"]*)")?$/.exec(cond.trim());
        assert.ok(m, `a condition the evaluator does not know: ${cond}`);
        if (!m[2]) return true;
        const re = new RegExp(`^${m[3].split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
        return m[2] === "=" ? re.test(fields[i]) : !re.test(fields[i]);
      }),
    );
  });
}

const any = (patterns: readonly string[], line: string) => patterns.some((p) => matches(p, line));

describe("CloudWatch filter patterns for rejected flows per zone", () => {
  it("hold to the documented shape: the default format's 14 fields, action = REJECT, at most 1,024 characters", () => {
    for (const block of ["10.20.16.0/20", "10.0.0.0/18", "10.0.0.64/26", "10.20.0.0/16", "172.16.0.0/12"]) {
      for (const d of ["inbound", "outbound"] as const) {
        for (const p of rejectedPatterns(block, d)) {
          assert.ok(p.length <= FILTER_PATTERN_MAX, `${p.length} characters`);
          assert.equal(p.slice(1, -1).split(",").length, FLOW_LOG_PATTERN_FIELDS.length);
          assert.match(p, /action = "REJECT"/);
        }
      }
    }
  });

  it("match the shop's real flow-log lines as expected (hand-checked)", () => {
    const lines = fs.readFileSync("test/fixtures/flows/shop-default.log", "utf8").split("\n");
    const app = { in: rejectedPatterns("10.20.16.0/20", "inbound"), out: rejectedPatterns("10.20.16.0/20", "outbound") };
    const data = { in: rejectedPatterns("10.20.32.0/20", "inbound"), out: rejectedPatterns("10.20.32.0/20", "outbound") };
    // line 7: app 10.20.16.21 -> data 10.20.32.30 tcp/6379 REJECT; line 8: internet -> data tcp/3389 REJECT.
    const hits = (p: readonly string[]) => lines.map((l, i) => (any(p, l) ? i + 1 : 0)).filter(Boolean);
    assert.deepEqual(hits(data.in), [7, 8]);
    assert.deepEqual(hits(app.out), [7]);
    assert.deepEqual(hits(app.in), []);
    assert.deepEqual(hits(data.out), [], "ACCEPT lines from data, NODATA and SKIPDATA lines never match");
    // AWS's own example of a rejected RDP connection, moved into the data zone.
    assert.ok(any(data.in, "2 123456789010 eni-1235b8ca123456789 172.31.9.69 10.20.32.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK"));
    assert.ok(!any(data.in, "2 123456789010 eni-1235b8ca123456789 172.31.9.69 10.20.48.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK"), "10.20.48.0 is outside data's /20");
  });

  it("the wildcards cover exactly the block: any address matches iff the block holds it (random blocks and addresses)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 8, max: 30 }), fc.integer({ min: 0, max: 0xffffffff }), fc.boolean(), (base, prefix, probe, nearby) => {
        const block = cidr(`${formatAddress(4, BigInt(base))}/${prefix}`).text;
        const c = cidr(block);
        // Half the probes land near the block, where an off-by-one would show.
        const n = nearby ? Number((c.start + BigInt(probe % 4096) - 2048n + (1n << 32n)) % (1n << 32n)) : probe;
        const address = formatAddress(4, BigInt(n));
        const inBlock = cidrContains(c, cidr(address));
        const line = (src: string, dst: string, action: string) => `2 1 eni-1 ${src} ${dst} 40000 443 6 1 60 1 2 ${action} OK`;
        if (prefix < 17) {
          const w = cidrWildcards(block);
          assert.equal(w.some((x) => matches(`[a = "${x}"]`, address)), inBlock);
          return;
        }
        assert.equal(any(rejectedPatterns(block, "inbound"), line("198.51.100.1", address, "REJECT")), inBlock);
        assert.equal(any(rejectedPatterns(block, "outbound"), line(address, "198.51.100.1", "REJECT")), inBlock);
        assert.equal(any(rejectedPatterns(block, "inbound"), line("198.51.100.1", address, "ACCEPT")), false);
      }),
      { numRuns: 400 },
    );
  });
});
