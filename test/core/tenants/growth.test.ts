/**
 * Growth of every kind on examples/saas-tenants moves nothing: adding a template zone, an AZ, a
 * tenant, a shared-services zone or a flow keeps every existing tenant block, subnet, transit
 * subnet, TGW route and name exactly where it was (a changed subnet CIDR replaces the subnet).
 */
import assert from "node:assert/strict";
import { parseIntent } from "../../../core/intent";
import { exampleInput, GROWTH, layoutOf } from "./example";

describe("core/tenants growth on examples/saas-tenants", () => {
  const before = layoutOf(parseIntent(exampleInput()));

  it("plans 50 tenants, each with its subnets, transit subnets and routes", () => {
    assert.equal([...before.keys()].filter((k) => k.startsWith("tenant ")).length, 50);
    assert.ok([...before.keys()].some((k) => k.startsWith("infra-subnet saas-acme transit-")));
  });

  for (const [what, grow] of Object.entries(GROWTH)) {
    it(`adding ${what} keeps every existing block, subnet, route and name`, () => {
      const input = exampleInput();
      grow(input);
      const after = layoutOf(parseIntent(input));
      const changed = [...before].filter(([k, v]) => k.startsWith("flow ") ? !after.has(k) : after.get(k) !== v).map(([k, v]) => `${k}: ${v} -> ${after.get(k) ?? "gone"}`);
      assert.deepEqual(changed, [], `adding ${what} changed ${changed.length} of ${before.size} planned things`);
      assert.ok(after.size > before.size, `adding ${what} adds something`);
    });
  }
});
