/**
 * netseg's own packs driven over the Analyzer gRPC interface (started as the Pulumi CLI starts
 * them, by cli/preview) must say exactly what the same packs' rules say when called directly,
 * on every example program and on the default stack. A difference means the preview's transport
 * (marshalling, unknowns, config, enforcement levels, stack linking) changes a verdict, and then
 * `netseg preview` and `pulumi preview --policy-pack` could disagree.
 *
 * Each example is recorded once (a child process, as the CLI does) and the three packs are
 * started once and shared by every example: a pack start costs several seconds.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";
import * as path from "node:path";
import { enforce } from "../../cli/preview/enforce";
import { openPacks, type PackSession } from "../../cli/preview/pack-session";
import { runProgram } from "../../cli/preview/program";
import { loadProject } from "../../cli/preview/project";
import type { RecordedResource } from "../../cli/preview/types";
import { awsRules } from "../../policy-packs/rules/aws";
import type { NetsegPolicy, NetsegStackPolicy } from "../../policy-packs/rules/define";
import { gcpRules } from "../../policy-packs/rules/gcp";
import { kubernetesRules } from "../../policy-packs/rules/kubernetes";
import { runResource, runStackResources, type Outcome } from "../policy-packs/harness";

const ROOT = path.resolve(__dirname, "..", "..");
const PACKS: { dir: string; rules: NetsegPolicy[] }[] = [
  { dir: path.join(ROOT, "policy-packs", "aws"), rules: awsRules },
  { dir: path.join(ROOT, "policy-packs", "gcp"), rules: gcpRules },
  { dir: path.join(ROOT, "policy-packs", "kubernetes"), rules: kubernetesRules },
];

/** Every Node.js example program (a directory with a Pulumi.yaml of runtime nodejs; examples/yaml-program is YAML), then the default stack at the root. */
const isNodeProgram = (d: string) => {
  const file = path.join(ROOT, "examples", d, "Pulumi.yaml");
  if (!fs.existsSync(file)) return false;
  const runtime = parseYaml(fs.readFileSync(file, "utf8"))?.runtime;
  return (typeof runtime === "string" ? runtime : runtime?.name) === "nodejs";
};
const STACKS: { title: string; dir: string }[] = [
  ...fs
    .readdirSync(path.join(ROOT, "examples"))
    .filter((d) => !d.startsWith(".") && isNodeProgram(d))
    .sort()
    .map((d) => ({ title: `examples/${d}`, dir: path.join(ROOT, "examples", d) })),
  { title: "the default stack (Pulumi.yaml)", dir: ROOT },
];

/** One verdict, as both paths can state it. */
const key = (policy: string, urn: string, message: string) => `${policy} | ${urn} | ${message}`;

/**
 * The rules called directly, as the engine would call them through the pack: resource policies
 * on every analyzed resource's inputs (the resource's own URN, whatever the rule names), stack
 * policies once on every resource's state, linked by URN. Disabled rules do not run. The message
 * is put together as @pulumi/policy's server does: the policy's description, then the rule's text.
 */
async function direct(resources: readonly RecordedResource[]): Promise<string[]> {
  const rules = PACKS.flatMap((p) => p.rules).filter((r) => r.enforcementLevel !== "disabled");
  const out: string[] = [];
  const note = (rule: NetsegPolicy, urn: string, o: Outcome, stackUrn?: boolean) => {
    assert.equal(o.unknownError, undefined, `${rule.name} on ${urn}: an unknown value escaped the rule: ${o.unknownError}`);
    for (const v of o.violations) {
      const message = v.message ? `${rule.description}\n${v.message}` : rule.description;
      out.push(key(rule.name, stackUrn && v.urn && byUrn.has(v.urn) ? v.urn : urn, message));
    }
  };
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack" && !r.parent)!;
  for (const rule of rules) {
    if ("validateStack" in rule) {
      const stack = resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.outputs, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies, parent: r.parent }));
      note(rule, root.urn, await runStackResources(rule as NetsegStackPolicy, stack), true);
    } else {
      for (const r of resources.filter((x) => !x.read)) note(rule, r.urn, await runResource(rule, { type: r.type, name: r.name, props: r.inputs }));
    }
  }
  return out.sort();
}

describe("netseg's packs over gRPC agree with their rules called directly", function () {
  this.timeout(180_000);
  const recorded = new Map<string, RecordedResource[]>();
  let session: PackSession | undefined;

  before(async () => {
    // Packs start while the programs run; the programs run two at a time (two cores).
    const packsStarting = openPacks(
      PACKS.map((p) => p.dir),
      [],
      { project: "netseg-examples", stack: "dev", config: {} },
    );
    packsStarting.catch(() => undefined);
    const queue = [...STACKS];
    const worker = async () => {
      for (let s = queue.shift(); s; s = queue.shift()) recorded.set(s.dir, (await runProgram(loadProject(s.dir))).resources);
    };
    await Promise.all([worker(), worker()]);
    session = await packsStarting;
  });
  after(async () => {
    await session?.close();
  });

  it("started every pack with the rules its index exports", () => {
    assert.deepEqual(
      session!.packs.map((cp) => cp.info.policies.map((p) => p.name).sort()),
      PACKS.map((p) => p.rules.map((r) => r.name).sort()),
    );
  });

  for (const stack of STACKS) {
    it(`${stack.title}: the same violations (policy, URN, message)`, async () => {
      const resources = recorded.get(stack.dir)!;
      assert.ok(resources.some((r) => r.custom && !r.type.startsWith("pulumi:")), "the program registered no managed resources");
      const result = await enforce(resources, session!.packs);
      // Nothing in netseg's packs remediates, so the inputs the rules see are the recorded ones.
      assert.deepEqual(result.remediations, []);
      const overGrpc = result.violations.map((v) => key(v.policy, v.urn, v.message)).sort();
      assert.deepEqual(overGrpc, await direct(resources));
    });
  }
});
