/**
 * Hostile `ownRanges` (the blocks every internet rule leaves out, besides the address space):
 * refused with the field, the value and the fix, never a crash, never a silent gap, and never a
 * set that swallows the whole internet (every `to: internet` flow would then allow nothing).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseIntent } from "../../core/intent";
import { IntentError } from "../../core/intent/errors";
import { CidrSet } from "../../core/net";
import { planAwsRulesForIntent } from "../../core/rules/aws";

const intent = parseIntent({
  name: "h",
  addressSpace: "10.20.0.0/16",
  availabilityZones: 2,
  zones: [{ name: "edge", internet: "inbound" }, { name: "app", egress: "nat" }],
  flows: [{ from: "internet", to: "edge", ports: ["tcp/443"] }, { from: "app", to: "internet", ports: ["tcp/443"] }],
});

function refused(ownRanges: unknown, path: RegExp, message: RegExp): void {
  assert.throws(
    () => planAwsRulesForIntent(intent, { ownRanges: ownRanges as string[] }),
    (e: unknown) => e instanceof IntentError && e.issues.some((i) => path.test(i.path) && message.test(i.message) && (i.fix ?? "").length > 0),
    `ownRanges ${JSON.stringify(ownRanges)}`,
  );
}

describe("hostile: ownRanges of the internet rules", () => {
  it("names the entry that does not parse, with its value", () => {
    refused(["10.128.0.0/12", "not-a-cidr"], /^ownRanges\[1\]$/, /not an IPv4 or IPv6 address/);
    refused(["10.128.0.1/12"], /^ownRanges\[0\]$/, /host bits set; the block it names is 10\.128\.0\.0\/12/);
    refused(["10.0.0.0/33"], /^ownRanges\[0\]$/, /prefix length must be at most 32/);
    refused([""], /^ownRanges\[0\]$/, /not an IPv4 or IPv6 address/);
  });

  it("refuses entries that are not text, and a value that is not a list, without spreading it", () => {
    refused([42], /^ownRanges\[0\]$/, /must be a CIDR block, as text/);
    refused([null], /^ownRanges\[0\]$/, /must be a CIDR block, as text/);
    refused([{ toString: () => "10.0.0.0/8" }], /^ownRanges\[0\]$/, /must be a CIDR block, as text/);
    refused("10.128.0.0/12", /^ownRanges$/, /must be a list of CIDR blocks/);
  });

  it("refuses own ranges that leave nothing of the IPv4 internet (0.0.0.0/0, or two /1 halves)", () => {
    refused(["0.0.0.0/0"], /^ownRanges$/, /cover the whole IPv4 internet/);
    refused(["0.0.0.0/1", "128.0.0.0/1"], /^ownRanges$/, /cover the whole IPv4 internet/);
  });

  it("an IPv6 own range changes nothing of the IPv4 internet rules", () => {
    const plan = planAwsRulesForIntent(intent, { ownRanges: ["fd00::/8"] });
    const app = plan.zones.find((z) => z.zone === "app")!;
    const blocks = CidrSet.fromCidrs(app.securityGroup.egress.filter((r) => r.flowKeys.includes("app->internet")).map((r) => (r.peer.kind === "cidr" ? r.peer.cidr : "::/128")));
    assert.ok(blocks.equals(CidrSet.WORLD_V4.subtract(CidrSet.fromCidrs(["10.20.0.0/16"]))));
  });

  it("property: any list of strings either plans (no internet rule reaches an own range) or is refused naming ownRanges or the quota it breaks", () => {
    const entry = fc.oneof(fc.string({ maxLength: 20 }), fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 32 })).map(([a, b, p]) => `${a}.${b}.0.0/${p}`));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), (ownRanges) => {
        let plan;
        try {
          plan = planAwsRulesForIntent(intent, { ownRanges });
        } catch (e) {
          // Refused by name, or because scattered own ranges cut the internet into more blocks than the quota allows (said so).
          return e instanceof IntentError && e.issues.some((i) => i.path.startsWith("ownRanges") || /its egress to the internet is written as the \d+ blocks/.test(i.fix ?? ""));
        }
        const own = CidrSet.fromCidrs(["10.20.0.0/16", ...ownRanges]);
        const app = plan.zones.find((z) => z.zone === "app")!;
        const out = app.securityGroup.egress.filter((r) => r.flowKeys.includes("app->internet"));
        return out.length > 0 && out.every((r) => r.peer.kind === "cidr" && !CidrSet.fromCidrs([r.peer.cidr]).overlaps(own));
      }),
      { numRuns: 200 },
    );
  });
});
