/**
 * `netseg preview --ephemeral-ports <from-to|linux|windows|nat>`: parsed and checked by the
 * command line (a bad value is a usage error naming the flag), handed to the reachability
 * analysis, which then judges return traffic through NACLs for clients of that range.
 */
import assert from "node:assert/strict";
import { buildProgram } from "../../../cli/main";
import type { PreviewCliOptions } from "../../../cli/preview";
import { reachabilityAnalysis } from "../../../cli/preview/reachability";
import { awsResources, baseline, CIDR, nacl } from "../../core/reachability/aws-fixture";
import { recordedResource } from "../../fixtures/preview/recorded";

/** The preview command's options as commander hands them over, the action replaced. */
async function parse(...args: string[]): Promise<{ opts?: PreviewCliOptions; error: string }> {
  const program = buildProgram();
  const preview = program.commands.find((c) => c.name() === "preview")!;
  let opts: PreviewCliOptions | undefined;
  let error = "";
  preview.exitOverride().configureOutput({ writeErr: (s) => (error += s), writeOut: () => undefined });
  preview.action((_dir: string | undefined, o: PreviewCliOptions) => {
    opts = o;
  });
  try {
    await program.parseAsync(["node", "netseg", "preview", ...args]);
  } catch {
    return { error };
  }
  return { opts, error };
}

describe("netseg preview --ephemeral-ports", () => {
  it("takes a preset or a range", async () => {
    assert.deepEqual((await parse("--ephemeral-ports", "linux")).opts?.ephemeralPorts, { from: 32768, to: 60999 });
    assert.deepEqual((await parse("--ephemeral-ports", "windows")).opts?.ephemeralPorts, { from: 49152, to: 65535 });
    assert.deepEqual((await parse("--ephemeral-ports", "nat")).opts?.ephemeralPorts, { from: 1024, to: 65535 });
    assert.deepEqual((await parse("--ephemeral-ports", "40000-50000")).opts?.ephemeralPorts, { from: 40000, to: 50000 });
    assert.equal((await parse()).opts?.ephemeralPorts, undefined);
  });

  it("refuses a malformed value as a usage error naming the flag, the value and what is expected", async () => {
    for (const bad of ["bsd", "60999-32768", "0-100", "1024-70000", "1024"]) {
      const { opts, error } = await parse("--ephemeral-ports", bad);
      assert.equal(opts, undefined, bad);
      assert.ok(error.includes(`--ephemeral-ports: "${bad}"`), error);
      assert.match(error, /expected a preset \(linux, windows, nat\), a range "from-to"/);
    }
  });

  it("judges return traffic for clients of that range", async () => {
    // acl-data lets replies back to app on 1024-32767 only: NAT-like clients, not Linux ones.
    const f = baseline();
    f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 32767));
    const resources = awsResources(f).map((r) => recordedResource({ type: r.type, name: r.name, urn: r.urn, id: r.id, inputs: r.props ?? {}, dependencies: [...(r.dependencies ?? [])] }));
    const ctx = { project: "p", stack: "s", programDir: "/x", outputs: {} };
    const cell = async (ephemeralPorts?: { from: number; to: number }) => {
      const section = await reachabilityAnalysis(resources, { ...ctx, ephemeralPorts });
      const m = section.matrix!;
      return m.cells[m.rows.indexOf("aws:app")][m.columns.indexOf("aws:data")];
    };
    assert.equal(await cell(), "tcp/5432");
    assert.equal(await cell({ from: 1024, to: 65535 }), "tcp/5432");
    assert.equal(await cell({ from: 32768, to: 60999 }), "-");
  });
});
