/**
 * Hostile values for the clients' ephemeral ports (analyseReachability's `ephemeralPorts`, the
 * conformance pack's option, `netseg preview --ephemeral-ports`): each is refused with a message
 * naming the field, a bounded echo of the value and what is expected; none crashes, none is read
 * as a narrower or wider range than written, and prototype names are not presets.
 */
import assert from "node:assert/strict";
import { analyseReachability, parseEphemeralPorts } from "../../core/reachability";
import { ephemeralPortsSchema } from "../../policy-packs/rules/config";
import { awsResources, baseline } from "../core/reachability/aws-fixture";

const circular: Record<string, unknown> = { from: 1024, to: 65535 };
circular.self = circular;
const throwing = Object.defineProperty({ to: 65535 }, "from", { enumerable: true, get: () => { throw new Error("boom"); } });

const HOSTILE: [string, unknown][] = [
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["a bigint", 1024n],
  ["a symbol", Symbol("nat")],
  ["a function", () => "nat"],
  ["null", null],
  ["a list", [1024, 65535]],
  ["prototype name __proto__", "__proto__"],
  ["prototype name constructor", "constructor"],
  ["prototype name toString", "toString"],
  ["exponent notation", "1e3-2000"],
  ["a negative start", "-5-10"],
  ["six digits", "100000-200000"],
  ["port 0", "0-65535"],
  ["above 65535", "1024-65536"],
  ["backwards", "65535-1024"],
  ["a range with a step", "1024-65535/2"],
  ["two ranges", "1024-2000,3000-4000"],
  ["an empty string", ""],
  ["a 100,000-character string", "1".repeat(100_000)],
  ["ports as strings", { from: "1024", to: "65535" }],
  ["a fractional port", { from: 1024.5, to: 65535 }],
  ["a missing end", { from: 1024 }],
  ["an extra key", { from: 1024, to: 65535, step: 2 }],
  ["a circular object", circular],
  ["a throwing getter", throwing],
];

describe("hostile / reachability ephemeral ports", () => {
  for (const [what, value] of HOSTILE) {
    it(`refuses ${what}, naming the field and what is expected`, () => {
      const r = parseEphemeralPorts(value, "ephemeralPorts");
      assert.ok("error" in r, `${what} was accepted as ${JSON.stringify(r)}`);
      assert.match(r.error, /^ephemeralPorts: /);
      assert.match(r.error, /expected a preset \(linux, windows, nat\), a range "from-to"/);
      assert.ok(r.error.length < 400, `the message echoes too much: ${r.error.length} characters`);
      assert.throws(() => analyseReachability(awsResources(baseline()), { ephemeralPorts: value as never }), /analyseReachability options\.ephemeralPorts: /);
      // A pack's config is JSON: no getters reach the schema.
      if (what !== "a throwing getter") assert.equal(ephemeralPortsSchema.safeParse(value).success, false);
    });
  }

  it("reads presets whatever their case and spacing, and nothing else as one", () => {
    assert.deepEqual(parseEphemeralPorts("  Linux "), { from: 32768, to: 60999 });
    assert.deepEqual(parseEphemeralPorts("NAT"), { from: 1024, to: 65535 });
    assert.deepEqual(parseEphemeralPorts(" 1024 - 2000 "), { from: 1024, to: 2000 });
    assert.deepEqual(parseEphemeralPorts("65535-65535"), { from: 65535, to: 65535 });
  });
});
