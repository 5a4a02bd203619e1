/**
 * `runPreview({ packSession })`: the stacks of one fleet lane go through one set of pack
 * processes (started once), each told its own stack before its resources. The verdicts are the
 * ones a preview with its own packs gives, stack by stack, and the session outlives the previews
 * (the caller closes it).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { runningChildren } from "../../../cli/preview/cleanup";
import { openPacks } from "../../../cli/preview/pack-session";
import { runPreview } from "../../../cli/preview/run";

const FIXTURES = path.resolve(__dirname, "..", "..", "fixtures", "preview");
const programDir = path.join(FIXTURES, "program");
const pack = path.join(FIXTURES, "pack");

const verdict = (o: Awaited<ReturnType<typeof runPreview>>) =>
  [...o.report.violations.mandatory, ...o.report.violations.advisory].map((v) => `${v.policyPack}/${v.policy} ${v.urn ?? ""}: ${v.message}`).sort();

describe("preview / one pack session for several stacks", function () {
  this.timeout(240_000);

  it("gives each stack the verdicts of its own preview, from the same pack processes, and leaves them running", async () => {
    const own = { broken: verdict(await runPreview({ programDir, stack: "broken", policyPacks: [pack], analyses: [] })), clean: verdict(await runPreview({ programDir, stack: "clean", policyPacks: [pack], analyses: [] })) };
    assert.ok(own.broken.length > own.clean.length, "the fixture's broken stack has violations its clean stack has not");
    const session = await openPacks([pack], [], { project: "fixture", stack: "broken", config: {} });
    try {
      const pids = () => session.packs.map((cp) => cp.pack.process.pid);
      const before = pids();
      // Every process the previews start: their program children only, no pack of their own.
      const seen = new Set<number>();
      const earlier = new Set(runningChildren());
      const sample = setInterval(() => runningChildren().forEach((pid) => earlier.has(pid) || seen.add(pid)), 25);
      let clean, broken;
      try {
        // Clean first: a session started for "broken" must not carry that stack into another one.
        clean = await runPreview({ programDir, stack: "clean", policyPacks: [pack], analyses: [], packSession: session });
        broken = await runPreview({ programDir, stack: "broken", policyPacks: [pack], analyses: [], packSession: session });
      } finally {
        clearInterval(sample);
      }
      for (const pid of before) seen.delete(pid!);
      assert.ok(seen.size <= 2, `the previews started ${seen.size} processes (two program children expected, no pack)`);
      assert.deepEqual(verdict(clean), own.clean);
      assert.deepEqual(verdict(broken), own.broken);
      assert.deepEqual(pids(), before);
      for (const cp of session.packs) assert.equal(cp.pack.process.exitCode, null, "the pack is still running after the previews");
    } finally {
      await session.close();
    }
    for (const cp of session.packs) assert.notEqual(cp.pack.process.exitCode ?? cp.pack.process.signalCode, null, "closed by its owner");
  });
});
