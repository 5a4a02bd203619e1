/**
 * `netseg preview examples/incident` as a user runs it (bin/netseg.js, a subprocess): the shop
 * with its app zone quarantined passes, the matrix shows app cut off both ways while the rest of
 * the shop is served, and the report lists the intended flows the quarantine cuts.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

function preview(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin", "netseg.js"), "preview", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("netseg preview on examples/incident (subprocess)", function () {
  this.timeout(240_000);

  it("passes; the matrix shows the quarantined zone cut off; the report lists the flows it cuts", async () => {
    const run = await preview(path.join(ROOT, "examples", "incident"), "--format", "json");
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.violations.mandatory, []);
    const reach = report.analyses.find((a: { id: string }) => a.id === "reachability");
    const { rows, columns, cells } = reach.matrix as { rows: string[]; columns: string[]; cells: string[][] };
    const app = "aws:app";
    assert.ok(cells[rows.indexOf(app)].every((c) => c === "-"), `app reaches nothing: ${cells[rows.indexOf(app)]}`);
    assert.ok(rows.every((_, i) => cells[i][columns.indexOf(app)] === "-"), "nothing reaches app");
    assert.equal(cells[rows.indexOf("internet")][columns.indexOf("aws:edge")], "tcp/80, tcp/443", "the rest of the shop is served");
    const cut = reach.findings.filter((f: { kind: string }) => f.kind === "cut-by-quarantine");
    assert.deepEqual(cut.map((f: { from: string; to: string }) => `${f.from} -> ${f.to}`).sort(), ["aws:app -> aws:data", "aws:edge -> aws:app", "office -> aws:app"]);
    assert.ok(!reach.findings.some((f: { kind: string }) => f.kind === "quarantine-breach" || f.kind === "accidental-deny"));
    assert.match(reach.summary, /3 pairs cut by a quarantine/);
  });
});
