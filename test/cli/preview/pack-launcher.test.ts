/**
 * What the launcher records of a pack's policies decides which resources the driver sends it:
 * netseg's rules must all declare their types, and a policy without declared types must make
 * the pack get every resource.
 */
import assert from "node:assert/strict";
import { resourceTypesOf } from "../../../cli/preview/pack-launcher";
import { rulesByPack } from "../../../policy-packs/rules";

describe("pack launcher: the resource types a pack's policies examine", () => {
  for (const [pack, policies] of Object.entries(rulesByPack)) {
    it(`${pack}: every resource policy declares its types`, () => {
      const served = resourceTypesOf(policies);
      assert.deepEqual(served.policies, policies.map((p) => p.name));
      assert.notEqual(served.resourceTypes, null);
    });
  }
  it("the AWS pack examines AWS types only", () => {
    const types = resourceTypesOf(rulesByPack["netseg-aws"]).resourceTypes!;
    assert.ok(types.length > 0 && types.every((t) => t.startsWith("aws:")), types.join(", "));
  });
  it("a resource policy without declared types makes the answer unknown", () => {
    const own = { name: "own", description: "d", validateResource: () => undefined };
    assert.equal(resourceTypesOf([...rulesByPack["netseg-aws"], own]).resourceTypes, null);
  });
});
