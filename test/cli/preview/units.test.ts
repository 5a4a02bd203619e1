/** Pure parts of the preview: pack config reconciliation, URNs, zones, report formats. */
import assert from "node:assert/strict";
import { parsePackConfig, reconcilePackConfig } from "../../../cli/preview/pack-config";
import { Recorder, durationSeconds } from "../../../cli/preview/recorder";
import { buildReport, renderReport, zoneOf } from "../../../cli/preview/report";
import { renderDot, renderMermaid } from "../../../cli/preview/report/diagram";
import { recordedResource } from "../../fixtures/preview/recorded";
import { PreviewError } from "../../../cli/preview/errors";
import { AsyncQueue } from "../../../cli/preview/queue";
import { DEFAULT_CALLS, UnknownCallError, answerCall } from "../../../cli/preview/mocks";

const resource = recordedResource;

describe("preview units", () => {
  describe("AsyncQueue (program -> analyze workers)", () => {
    it("hands each item to exactly one of several waiting consumers, in order, then ends", async () => {
      const q = new AsyncQueue<number>();
      const got: number[][] = [[], [], []];
      const consumers = got.map(async (mine) => {
        for await (const n of q) mine.push(n);
      });
      q.push(1, 2);
      await new Promise((r) => setImmediate(r));
      q.push(3, 4, 5);
      q.close();
      await Promise.all(consumers);
      assert.deepEqual(got.flat().sort(), [1, 2, 3, 4, 5]);
      for (const mine of got) assert.deepEqual(mine, [...mine].sort(), "each consumer sees items in push order");
    });

    it("drains what was pushed before close, and rejects every pull after a failure", async () => {
      const q = new AsyncQueue<string>();
      q.push("a");
      q.close();
      assert.deepEqual(await q.next(), { value: "a", done: false });
      assert.equal((await q.next()).done, true);
      assert.throws(() => q.push("late"), /push after close/);
      const f = new AsyncQueue<string>();
      const pending = f.next();
      f.fail(new Error("program threw"));
      await assert.rejects(pending, /program threw/);
      await assert.rejects(f.next(), /program threw/);
    });
  });

  describe("pack config (engine semantics)", () => {
    const policies = [
      { name: "a", enforcementLevel: "advisory" as const, configSchema: { properties: { ports: { type: "array", items: { type: "integer" }, default: [443] } } } },
      { name: "b", enforcementLevel: "mandatory" as const },
    ];
    it("layers schema defaults, 'all', then per-policy values", () => {
      const given = parsePackConfig(JSON.stringify({ all: "advisory", a: { enforcementLevel: "mandatory", ports: [22] } }), "c.json");
      const got = reconcilePackConfig(policies, {}, given, "pack");
      assert.deepEqual(got.a, { enforcementLevel: "mandatory", properties: { ports: [22] } });
      assert.deepEqual(got.b, { enforcementLevel: "advisory" });
    });
    it("rejects bad levels and values against the schema, naming file and policy", () => {
      assert.throws(() => parsePackConfig('{"a":"loud"}', "c.json"), (e: PreviewError) => e.exitCode === 2 && /c\.json, policy 'a'.*"loud"/.test(e.message));
      assert.throws(
        () => reconcilePackConfig(policies, {}, { a: { properties: { ports: ["x"] } } }, "pack 'p'"),
        /pack 'p': a: ports\[0\]: invalid type, expected integer, given string/,
      );
    });
  });

  it("builds engine URNs: children of the root stack are not qualified by it", () => {
    const rec = new Recorder("dev", "proj", {});
    const stack = rec.urnFor("", "pulumi:pulumi:Stack", "proj-dev");
    const comp = rec.urnFor(stack, "netseg:aws:Zone", "app");
    assert.equal(comp, "urn:pulumi:dev::proj::netseg:aws:Zone::app");
    assert.equal(rec.urnFor(comp, "aws:ec2/subnet:Subnet", "app-a"), "urn:pulumi:dev::proj::netseg:aws:Zone$aws:ec2/subnet:Subnet::app-a");
    assert.equal(durationSeconds("1h30m"), 5400);
  });

  it("answers known provider functions and names the token of an unknown one", () => {
    const ctx = { project: "p", stack: "s", config: { "aws:region": "eu-west-1" } };
    assert.deepEqual((answerCall(DEFAULT_CALLS, "aws:index/getAvailabilityZones:getAvailabilityZones", {}, ctx).names as string[]).slice(0, 2), ["eu-west-1a", "eu-west-1b"]);
    assert.throws(() => answerCall(DEFAULT_CALLS, "aws:ec2/getVpc:getVpc", {}, ctx), (e: UnknownCallError) => /'aws:ec2\/getVpc:getVpc'.*--mock-calls/.test(e.message));
  });

  it("reads zones from AWS tags, GCP labels and Kubernetes labels", () => {
    assert.equal(zoneOf(resource({ inputs: { tags: { "netseg:zone": "app" } } })), "app");
    assert.equal(zoneOf(resource({ inputs: { labels: { "netseg-zone": "data" } } })), "data");
    assert.equal(zoneOf(resource({ inputs: { metadata: { labels: { "netseg.dev/zone": "web" } } } })), "web");
    assert.equal(zoneOf(resource({ inputs: { description: "netseg zone app in europe-west1 (netseg-managed-by=netseg netseg-zone=app netseg-internet=none)" } })), "app");
    assert.equal(zoneOf(resource({ inputs: { description: "not-netseg-zone=app" } })), "unzoned");
    assert.equal(zoneOf(resource({ inputs: {} })), "unzoned");
    // GCP firewall rules: the zone whose instances a netseg allow rule filters, from its description's marker.
    const fw = (description: string) => resource({ type: "gcp:compute/firewall:Firewall", inputs: { description } });
    assert.equal(zoneOf(fw("netseg flow edge to app on tcp/8080 [netseg shop: ingress to zone app from edge]")), "app");
    assert.equal(zoneOf(fw("netseg flow app to data [netseg shop: egress from zone app to data]")), "app");
    assert.equal(zoneOf(fw("netseg shop: deny and log all ingress not allowed by a flow (priority 65534, above GCP's implied rules at 65535)")), "unzoned");
  });

  it("renders every format from one model; analysis errors fail the run and draw red edges", () => {
    const report = buildReport({
      project: "p",
      stack: "s",
      programDir: "/x",
      programEntry: "/x/index.ts",
      resources: [resource({ inputs: { tags: { "netseg:zone": "app" } } })],
      packs: [{ name: "pk", version: "1.0.0", dir: "/pk", policies: [{ name: "r", description: "Rule r.", level: "mandatory", kind: "resource" }] }],
      violations: [{ policyPack: "pk", policyPackVersion: "1.0.0", policy: "r", description: "Rule r.", message: "Rule r.\nbad", level: "mandatory", urn: "urn:pulumi:s::p::aws:ec2/subnet:Subnet::a", phase: "resource" }],
      remediations: [],
      analyses: [{ id: "reach", title: "Reachability", findings: [{ kind: "unintended-path", severity: "error", message: "edge reaches data", from: "edge", to: "data" }], edges: [{ from: "edge", to: "data", status: "unintended", label: "tcp/5432" }] }],
    });
    assert.equal(report.summary.exitCode, 1);
    assert.equal(report.summary.line, "FAIL: 1 resources, 1 policy pack, 1 mandatory, 0 advisory, 1 analysis error (p/s)");
    const sarif = JSON.parse(renderReport(report, "sarif"));
    assert.equal(sarif.version, "2.1.0");
    assert.deepEqual(sarif.runs[0].results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level]), [["pk/r", "error"], ["netseg-analysis/reach/unintended-path", "error"]]);
    assert.equal(sarif.runs[0].results[0].locations[0].logicalLocations[0].fullyQualifiedName, "urn:pulumi:s::p::aws:ec2/subnet:Subnet::a");
    assert.match(renderReport(report, "markdown"), /\| `pk\/r` \| `aws:ec2\/subnet:Subnet::a` \| bad \|/);
    assert.match(renderReport(report, "text"), /ERROR unintended-path: edge reaches data/);
    assert.match(renderMermaid(report), /z_edge -->\|"unintended: tcp\/5432"\| z_data\n {2}linkStyle 0 stroke:#d00/);
    assert.match(renderDot(report), /z_edge -> z_data \[label="unintended: tcp\/5432", color="red"/);
  });
});
