/**
 * `netseg audit` in-process: the shop stack export held against its intent and its recorded
 * preview. The clean export passes with drift 0; the drifted one fails and the report names the
 * three changes, the intended flow the deleted NACL entry blocks, the port the console rule opens
 * and the policy rules it breaks, in every format. `--draft-intent` proposes an intent that the
 * same state then passes, and flags what is too wide.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { renderAudit } from "../../../cli/audit";
import { writeDraftIntent } from "../../../cli/audit/draft";
import { runAudit, type AuditReport } from "../../../cli/audit/run";
import { loadIntentFile } from "../../../core/intent";

const ROOT = path.join(__dirname, "..", "..", "..");
const FIXTURES = path.join(ROOT, "test", "fixtures", "audit", "stack-export");
const INTENT = path.join(ROOT, "examples", "intents", "shop.yaml");
const DECLARED = path.join(FIXTURES, "shop.preview.json");
const fixture = (name: string) => path.join(FIXTURES, name);

describe("netseg audit (stack export)", function () {
  this.timeout(60_000);
  let clean: AuditReport;
  let drifted: AuditReport;
  before(async () => {
    clean = await runAudit({ intentFiles: [INTENT], from: [fixture("shop.export.json")], declared: DECLARED });
    drifted = await runAudit({ intentFiles: [INTENT], from: [fixture("shop.drifted.export.json")], declared: DECLARED });
  });

  it("passes the unmodified export: drift 0, every intended flow passes, no violation", () => {
    assert.equal(clean.summary.exitCode, 0, clean.summary.line);
    assert.equal(clean.audit.drift?.count, 0);
    assert.match(clean.summary.line, /^PASS: drift 0, 104 resources read from 1 file, 0 mandatory/);
    assert.deepEqual(clean.audit.notAnalysed, []);
    assert.deepEqual([clean.resources.managed, clean.resources.components, clean.resources.providers], [104, 2, 1]);
    assert.equal(clean.audit.sources[0].format, "pulumi-stack-export");
    const reach = clean.analyses.find((s) => s.id === "reachability")!;
    assert.deepEqual(reach.findings.filter((f) => f.severity === "error"), []);
    // The matrix is the deployed one: app reaches data on the database ports.
    const m = reach.matrix!;
    assert.equal(m.cells[m.rows.indexOf("aws:app")][m.columns.indexOf("aws:data")], "tcp/5432, tcp/6379");
  });

  it("fails the drifted export with exit 1 and drift 3 as the headline", () => {
    assert.equal(drifted.summary.exitCode, 1);
    assert.match(drifted.summary.line, /^FAIL: drift 3, /);
    const drift = drifted.analyses.find((s) => s.id === "drift")!;
    assert.deepEqual(drift.findings.map((f) => f.kind), ["drift-changed", "drift-changed", "drift-changed"]);
    assert.deepEqual(drifted.audit.drift!.items.map((i) => `${i.name}.${i.field}`), ["shop-data.ingress", "shop-data-az1.routes", "shop-edge.ingress"]);
  });

  it("reports what the changes do: the blocked intended flow, the port opened, the rules broken", () => {
    const reach = drifted.analyses.find((s) => s.id === "reachability")!;
    const deny = reach.findings.filter((f) => f.kind === "accidental-deny");
    assert.equal(deny.length, 1);
    assert.match(deny[0].message, /aws:app -> aws:data on tcp\/5432 is intended \(app->data\) but blocked: shop-data inbound rule 32766 denies tcp\/5432/);
    assert.ok(reach.findings.some((f) => f.kind === "latent-path" && /aws:edge admits internet on tcp\/22/.test(f.message)));
    assert.deepEqual(
      drifted.violations.mandatory.map((v) => [v.policy, v.urn.split("::").pop()]),
      [
        ["netseg-aws-sg-no-internet-admin-ports", "shop-edge"],
        ["netseg-aws-sg-no-mixed-rule-management", "shop-edge"],
      ],
    );
    assert.equal(clean.violations.mandatory.length + clean.violations.advisory.length, 0);
  });

  it("renders in every format, titled as the audit", () => {
    const text = renderAudit(drifted, { format: "text" });
    assert.match(text, /^netseg audit: aws-three-tier\/dev\n/);
    assert.match(text, /Drift: declared \(recorded preview\) against deployed\n {2}3 resources drifted/);
    assert.match(text, /field ingress: deployed has \[\{"cidrBlocks":\["0\.0\.0\.0\/0"\],"fromPort":22,"protocol":"tcp","toPort":22\}\]/);
    const json = JSON.parse(renderAudit(drifted, { format: "json" }));
    assert.equal(json.audit.drift.count, 3);
    assert.equal(json.summary.exitCode, 1);
    assert.equal(json.declared, undefined);
    assert.match(renderAudit(drifted, { format: "markdown" }), /^## ❌ netseg audit — `aws-three-tier\/dev`/);
    const sarif = JSON.parse(renderAudit(drifted, { format: "sarif" }));
    assert.equal(sarif.runs[0].tool.driver.name, "netseg audit");
    assert.equal(sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId.startsWith("netseg-analysis/drift/")).length, 3);
    const mermaid = renderAudit(drifted, { format: "text", diagram: "mermaid" });
    assert.match(mermaid, /flowchart LR/);
  });

  it("drafts an intent the same state then meets with no unintended path, the one latent path in the draft's header", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-draft-"));
    const out = path.join(dir, "shop-draft.yaml");
    const { text } = writeDraftIntent([fixture("shop.export.json")], out);
    const draft = parse(text);
    assert.deepEqual(draft.zones.map((z: { name: string; internet: string }) => [z.name, z.internet]), [["app", "none"], ["data", "none"], ["edge", "inbound"]]);
    assert.deepEqual(draft.flows, [
      { from: "app", to: "data", ports: ["tcp/5432", "tcp/6379"] },
      { from: "edge", to: "app", ports: ["tcp/8080"] },
      { from: "internet", to: "edge", ports: ["tcp/80", "tcp/443"] },
    ]);
    assert.equal(loadIntentFile(out).name, "shop-draft");
    const audit = await runAudit({ intentFiles: [out], from: [fixture("shop.export.json")] });
    const findings = audit.analyses.find((s) => s.id === "reachability")!.findings.filter((f) => f.severity !== "note");
    // Only the office's port: the app group admits 203.0.113.0/24 on 8443, which no route brings
    // (a latent path, one change away from open); the draft's header says so.
    assert.deepEqual(findings.map((f) => f.kind), ["latent-path"]);
    assert.match(findings[0].message, /aws:app admits internet on tcp\/8443/);
    assert.ok(text.includes(`#   ${findings[0].message.replace(/^intent shop-draft: /, "")}`));
  });

  it("flags world-open admin ports and any-any rules in the draft, and still drafts what passes", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-draft-"));
    // The drifted export with SSH also let through the edge NACL, and an any-any NACL and SG rule into app.
    const exported = JSON.parse(fs.readFileSync(fixture("shop.drifted.export.json"), "utf8"));
    const find = (type: string, name: string) => exported.deployment.resources.find((r: { type: string; urn: string }) => r.type === type && r.urn.endsWith(`::${name}`));
    const acl = find("aws:ec2/networkAcl:NetworkAcl", "shop-edge");
    acl.outputs.ingress.push({ action: "allow", cidrBlock: "0.0.0.0/0", fromPort: 22, toPort: 22, protocol: "6", ruleNo: 90, icmpCode: 0, icmpType: 0, ipv6CidrBlock: "" });
    const appSg = find("aws:ec2/securityGroup:SecurityGroup", "shop-app");
    appSg.outputs.ingress.push({ cidrBlocks: ["10.20.0.0/16"], fromPort: 0, toPort: 0, protocol: "-1", description: "", ipv6CidrBlocks: [], prefixListIds: [], securityGroups: [], self: false });
    find("aws:ec2/networkAcl:NetworkAcl", "shop-app").outputs.ingress.push({ action: "allow", cidrBlock: "10.20.0.0/20", fromPort: 0, toPort: 0, protocol: "-1", ruleNo: 90, icmpCode: 0, icmpType: 0, ipv6CidrBlock: "" });
    const edgeSg = find("aws:ec2/securityGroup:SecurityGroup", "shop-edge");
    edgeSg.outputs.egress.push({ cidrBlocks: ["10.20.16.0/20"], fromPort: 0, toPort: 0, protocol: "-1", description: "", ipv6CidrBlocks: [], prefixListIds: [], securityGroups: [], self: false });
    find("aws:ec2/networkAcl:NetworkAcl", "shop-edge").outputs.egress.push({ action: "allow", cidrBlock: "10.20.16.0/20", fromPort: 0, toPort: 0, protocol: "-1", ruleNo: 90, icmpCode: 0, icmpType: 0, ipv6CidrBlock: "" });
    const state = path.join(dir, "wide.export.json");
    fs.writeFileSync(state, JSON.stringify(exported));
    const out = path.join(dir, "wide.yaml");
    const { text } = writeDraftIntent([state], out);
    assert.match(text, /# TOO WIDE: admin ports open to the whole internet: SSH tcp\/22; [^\n]*\n\s+- from: internet\n\s+to: edge/);
    assert.match(text, /# TOO WIDE: every TCP port from edge is allowed \(an any-any rule\)[^\n]*\n\s+- from: edge\n\s+to: app\n\s+ports:\n\s+- tcp\n/);
    const audit = await runAudit({ intentFiles: [out], from: [state] });
    const reach = audit.analyses.find((s) => s.id === "reachability")!;
    assert.deepEqual(reach.findings.filter((f) => f.kind === "unintended-path"), []);
  });

  it("refuses a --declared file that is no recorded preview of this program, saying how to record one", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-declared-"));
    const old = path.join(dir, "old-preview.json");
    fs.writeFileSync(old, JSON.stringify({ project: "x", summary: {} }));
    await assert.rejects(runAudit({ intentFiles: [INTENT], from: [fixture("shop.export.json")], declared: old }), /no "declared" list.*netseg preview <program-dir> --format json/);
    // A preview of another program: nothing would pair, so no drift figure is given.
    const other = path.join(dir, "other-preview.json");
    fs.writeFileSync(other, JSON.stringify({ declared: [{ urn: "urn:pulumi:dev::billing::aws:ec2/vpc:Vpc::main", type: "aws:ec2/vpc:Vpc", name: "main", custom: true, inputs: {} }] }));
    await assert.rejects(runAudit({ intentFiles: [INTENT], from: [path.join(__dirname, "..", "..", "fixtures", "audit", "aws")], declared: DECLARED }), /no --from file is one: add --from <pulumi stack export JSON>/);
    await assert.rejects(runAudit({ intentFiles: [INTENT], from: [fixture("shop.export.json")], declared: other }), /declares none of the deployed resources \(its project is billing, the export's aws-three-tier\)/);
  });
});
