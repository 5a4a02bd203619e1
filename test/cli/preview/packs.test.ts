/**
 * The pack driver against the real fixture pack over gRPC: what it reports must agree with the
 * same pack's rules called directly, and the engine's enforcement rules must hold (levels from
 * config, remediation before analysis, stack policies seeing parents and dependencies).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { analyzeResources, enforce } from "../../../cli/preview/enforce";
import { openPacks, type PackSession } from "../../../cli/preview/pack-session";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import { AsyncQueue } from "../../../cli/preview/queue";
import type { RecordedResource } from "../../../cli/preview/types";
import { policies } from "../../fixtures/preview/pack/policies";

const fixtures = path.join(__dirname, "..", "..", "fixtures", "preview");
const packDir = path.join(fixtures, "pack");

/** Call the fixture's resource policies directly, as the pack's server would for one resource. */
function direct(resources: RecordedResource[], config: Record<string, Record<string, unknown>>): string[] {
  const found: string[] = [];
  for (const r of resources) {
    for (const p of policies) {
      if (!("validateResource" in p) || !p.validateResource || p.enforcementLevel === "remediate") continue;
      const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
      for (const validate of validations) {
        const args = { type: r.type, name: r.name, urn: r.urn, props: r.inputs, getConfig: () => config[p.name] ?? {} } as unknown as ResourceValidationArgs;
        validate(args, () => found.push(`${p.name} ${r.urn}`));
      }
    }
  }
  return found.sort();
}

describe("preview pack driver (gRPC)", function () {
  this.timeout(120_000);
  const recorded: Record<string, RecordedResource[]> = {};
  let session: PackSession;
  let strictSession: PackSession;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-preview-"));

  before(async () => {
    const project = loadProject(path.join(fixtures, "program"), "clean");
    const env = { project: project.name, stack: project.stack, config: project.config };
    const strictConfig = path.join(tmp, "strict.json");
    fs.writeFileSync(strictConfig, JSON.stringify({ all: "mandatory", "ingress-port-allow-list": { ports: [443] }, "vpc-flow-logs": "disabled" }));
    const [clean, broken, s1, s2] = await Promise.all([
      runProgram(project),
      runProgram(loadProject(path.join(fixtures, "program"), "broken")),
      openPacks([packDir], [], env),
      openPacks([packDir], [strictConfig], env),
    ]);
    recorded.clean = clean.resources;
    recorded.broken = broken.resources;
    session = s1;
    strictSession = s2;
  });
  after(async () => {
    await session?.close();
    await strictSession?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("starts each pack with the fixed heap growth that holds a fleet lane's packs under 1 GB (packs.ts)", function () {
    if (process.platform !== "linux") this.skip();
    for (const cp of [...session.packs, ...strictSession.packs]) {
      const argv = fs.readFileSync(`/proc/${cp.pack.process.pid}/cmdline`, "utf8").split("\0");
      assert.ok(argv.includes("--heap-growing-percent=50"), argv.join(" "));
    }
  });

  it("reads the pack's policies and reconciles its config as the engine does", () => {
    const [cp] = session.packs;
    assert.equal(cp.info.name, "netseg-preview-fixture");
    assert.deepEqual(cp.config["ingress-port-allow-list"], { enforcementLevel: "advisory", properties: { ports: [443, 8080] } });
    const [strict] = strictSession.packs;
    assert.equal(strict.config["no-internet-ssh"].enforcementLevel, "mandatory");
    assert.deepEqual(strict.config["ingress-port-allow-list"], { enforcementLevel: "mandatory", properties: { ports: [443] } });
    assert.equal(strict.config["vpc-flow-logs"].enforcementLevel, "disabled");
    assert.equal(strict.config["vpc-managed-by-tag"].enforcementLevel, "mandatory");
  });

  for (const stack of ["clean", "broken"]) {
    it(`agrees with the pack's rules called directly (${stack} stack)`, async () => {
      const result = await enforce(recorded[stack], session.packs);
      const overGrpc = result.violations
        .filter((v) => v.phase === "resource")
        .map((v) => `${v.policy} ${v.urn}`)
        .sort();
      // The VPC was remediated before analysis, so only its remediated inputs are checked directly.
      const remediated = recorded[stack].map((r) => (result.remediatedInputs[r.urn] ? { ...r, inputs: result.remediatedInputs[r.urn] } : r));
      assert.deepEqual(overGrpc, direct(remediated, { "ingress-port-allow-list": { ports: [443, 8080] } }));
    });
  }

  it("applies config levels: all=mandatory, a disabled stack policy, a narrowed allow-list", async () => {
    const result = await enforce(recorded.clean, strictSession.packs);
    const got = result.violations.map((v) => `${v.level} ${v.policy} ${v.urn.split("::").pop()}`).sort();
    // "all": mandatory also overrides the remediate level, so the VPC is no longer fixed up
    // before analysis and its own check fails, exactly as under the Pulumi engine.
    assert.deepEqual(got, ["mandatory ingress-port-allow-list app-sg", "mandatory vpc-managed-by-tag main"]);
    assert.deepEqual(result.remediations, []);
  });

  it("streams resources as the program registers them, and analyzing the stream finds what the finished list does", async () => {
    const queue = new AsyncQueue<RecordedResource>();
    const batches: number[] = [];
    const program = runProgram(loadProject(path.join(fixtures, "program"), "broken"), {
      onRecorded: (batch) => {
        batches.push(batch.length);
        queue.push(...batch);
      },
    });
    // Analysis starts before the program is known to be done.
    const streamed = analyzeResources(queue, session.packs);
    const { resources } = await program;
    queue.close();
    const fromStream = await streamed;
    assert.equal(
      batches.reduce((a, b) => a + b, 0),
      resources.length,
      "every resource streamed once",
    );
    const whole = await enforce(resources, session.packs);
    const key = (v: { policy: string; urn: string; message: string }) => `${v.policy} ${v.urn} ${v.message}`;
    assert.deepEqual(fromStream.violations.map(key), whole.violations.filter((v) => v.phase !== "stack").map(key));
    assert.deepEqual(fromStream.remediatedInputs, whole.remediatedInputs);
    assert.ok(fromStream.violations.length > 0, "the broken stack has findings to compare");
  });

  it("completes streamed records with what they gain later: the finished records are those of a run that sends them whole", async () => {
    // The "paused" stack streams its first records (the stack, the provider, the VPC) before the
    // rest exists; the stack's outputs come last of all, long after its record was sent.
    const project = loadProject(path.join(fixtures, "program"), "paused");
    const early: RecordedResource[] = [];
    const streamed = await runProgram(project, { onRecorded: (batch) => early.push(...batch) });
    const whole = await runProgram(project);
    assert.deepEqual(streamed.resources, whole.resources);
    const stackAsStreamed = early.find((r) => r.type === "pulumi:pulumi:Stack")!;
    const stackFinished = streamed.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
    assert.deepEqual(stackAsStreamed.outputs, {}, "the stack's record went out before its outputs existed");
    assert.deepEqual(Object.keys(stackFinished.outputs).sort(), ["edgeSg", "vpcId"]);
    assert.ok(streamed.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:")).every((r) => typeof r.id === "string"), "every registration's id reaches the finished records");
  });

  it("sends analyzeStack the parents, dependencies and provider of every resource", async () => {
    const result = await enforce(recorded.clean, session.packs);
    const stackViolations = result.violations.filter((v) => v.phase === "stack");
    assert.deepEqual(stackViolations.map((v) => v.urn), ["urn:pulumi:clean::fixture::aws:ec2/vpc:Vpc::main"]);
    const sg = recorded.clean.find((r) => r.name === "app-sg")!;
    assert.equal(sg.parent, "urn:pulumi:clean::fixture::fixture:index:Zone::app");
    assert.deepEqual(sg.dependencies, ["urn:pulumi:clean::fixture::aws:ec2/vpc:Vpc::main"]);
    assert.equal(sg.provider, "urn:pulumi:clean::fixture::pulumi:providers:aws::default_7_48_0");
  });
});
