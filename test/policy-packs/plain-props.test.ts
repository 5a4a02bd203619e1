import assert from "node:assert/strict";
import fc from "fast-check";
import { UNKNOWN } from "../../core/resources";
import { knownCopy, plainProps, toPlain } from "../../policy-packs/rules/plain-props";
import { UNKNOWN_SENTINELS, unknownCheckingProxy } from "../../policy-packs/rules/policy-internals";

const sentinels = [...UNKNOWN_SENTINELS];

/** What a rule must see: every sentinel the proxy would throw on is UNKNOWN, the rest as sent. */
function expected(v: unknown): unknown {
  if (typeof v === "string") return sentinels.includes(v) ? UNKNOWN : v;
  if (Array.isArray(v)) return v.map(expected);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expected(x)]));
  return v;
}

/** Objects as the engine's deserializer makes them (fast-check's dictionaries have no prototype). */
const record = (of: fc.Arbitrary<unknown>, maxKeys: number) =>
  fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), of, { maxKeys }).map((d) => ({ ...d }) as Record<string, unknown>);

describe("policy-packs plain-props", () => {
  const value = fc.letrec((tie) => ({
    leaf: fc.oneof(fc.string(), fc.constantFrom(...sentinels), fc.integer(), fc.boolean(), fc.constant(null)),
    node: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("node"), { maxLength: 4 }), record(tie("node"), 4)),
  })).node;

  it("reads the engine's proxied properties with each unknown, at any depth, as UNKNOWN", () => {
    fc.assert(
      fc.property(record(value, 5), (props) => {
        assert.deepEqual(plainProps(unknownCheckingProxy(props)), expected(props));
      }),
    );
  });

  it("reads other proxies through their accessors, unknown-throwing ones included", () => {
    const inner = unknownCheckingProxy({ ports: [22, sentinels[0]] });
    const wrapped = new Proxy({ rules: inner, name: "web" }, {});
    assert.deepEqual(toPlain(wrapped), { rules: { ports: [22, UNKNOWN] }, name: "web" });
  });

  it("gives a remediation no copy while any value is unknown", () => {
    assert.equal(knownCopy(unknownCheckingProxy({ a: { b: [1, sentinels[2]] } })), undefined);
    assert.deepEqual(knownCopy(unknownCheckingProxy({ a: { b: [1, 2] } })), { a: { b: [1, 2] } });
  });
});
