/**
 * The latent-path check judges a pair by its destination's admission stages alone (Stage.role).
 * AWS paths name the one step those can come from, so the check does not compute routes and
 * NACLs for pairs whose walk never needed them (on a 100-tenant shard that was most of the
 * conformance pack's time and memory). On random stacks (the soundness test's generator), the
 * shortcut yields exactly the admission stages of the fully computed path, for every path of every
 * pair, and the latent findings are the same with the shortcut switched off.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { analyseReachability, compareWithIntent, type Matrix } from "../../../core/reachability";
import { LazyPath } from "../../../core/reachability/stage";
import { parseIntent } from "../../../core/intent";
import { awsStackResources } from "./reference/aws-stack";
import { buildSpec, rawStack } from "./reference/aws-arbitrary";

function lazyPaths(m: Matrix): LazyPath[] {
  return m.pairs.flatMap((p) => p.paths.filter((x): x is LazyPath => x instanceof LazyPath));
}

/** The generator's zones, one flow between them: most admitted paths are latent. */
const intent = parseIntent({
  name: "random",
  addressSpace: "10.0.0.0/16",
  zones: [{ name: "a", slot: 0 }, { name: "b", slot: 1 }, { name: "c", slot: 2 }],
  flows: [{ from: "a", to: "b", ports: ["tcp/443"] }],
});

describe("reachability / admission stages without the rest of the path", () => {
  it("names exactly the admission stages a fully computed path has, on random stacks", () => {
    let named = 0;
    fc.assert(
      fc.property(rawStack, (raw) => {
        const m = analyseReachability(awsStackResources(buildSpec(raw)));
        for (const path of lazyPaths(m)) {
          if (!path.admissionSteps) continue;
          named++;
          const shortcut = path.admissionStages();
          const full = path.stages.filter((s) => s.role === "admission");
          assert.equal(shortcut.length, full.length, path.label);
          shortcut.forEach((s, i) => assert.equal(s, full[i], path.label));
        }
      }),
      { numRuns: 60 },
    );
    assert.ok(named > 100, `only ${named} paths named their admission steps: the generator no longer reaches them`);
  });

  it("finds the same latent paths with the shortcut as with every stage computed", () => {
    let found = 0;
    fc.assert(
      fc.property(rawStack, (raw) => {
        const resources = awsStackResources(buildSpec(raw));
        const fast = analyseReachability(resources);
        const slow = analyseReachability(resources);
        for (const p of lazyPaths(slow)) p.admissionSteps = undefined;
        const text = (m: Matrix) => compareWithIntent(m, intent).latent.map((l) => l.message).sort();
        const latent = text(fast);
        found += latent.length;
        assert.deepEqual(latent, text(slow));
      }),
      { numRuns: 40 },
    );
    assert.ok(found > 0, "no random stack had a latent path: the comparison checked nothing");
  });
});
