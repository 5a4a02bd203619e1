/**
 * What each netseg rule declares about itself (severity, how to fix it) must reach a real
 * preview's SARIF through the pack's GetAnalyzerInfo answer, for every rule, whether or not it
 * fired: a code-scanning UI shows a rule's severity and help beside its alerts.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import type { Log } from "sarif";
import { renderReport } from "../../cli/preview/report";
import { runPreview } from "../../cli/preview/run";
import { awsRules } from "../../policy-packs/rules/aws";
import { conformanceRules } from "../../policy-packs/rules/conformance";
import type { NetsegPolicy } from "../../policy-packs/rules/define";
import { gcpRules } from "../../policy-packs/rules/gcp";
import { kubernetesRules } from "../../policy-packs/rules/kubernetes";

const ROOT = path.resolve(__dirname, "..", "..");
const PACKS: Record<string, NetsegPolicy[]> = {
  "netseg-aws": awsRules,
  "netseg-conformance": conformanceRules,
  "netseg-gcp": gcpRules,
  "netseg-kubernetes": kubernetesRules,
};
const SECURITY_SEVERITY = { low: "3.0", medium: "5.5", high: "8.0", critical: "9.5" };

describe("policy metadata in a real preview (GetAnalyzerInfo to SARIF)", function () {
  this.timeout(300_000);
  let sarif: Log;

  before(async () => {
    const { report } = await runPreview({ programDir: path.join(ROOT, "examples", "aws-three-tier") });
    sarif = JSON.parse(renderReport(report, "sarif"));
  });

  it("ran netseg's four packs", () => {
    const packs = new Set(sarif.runs[0].tool.driver.rules!.map((r) => r.id.split("/")[0]));
    for (const pack of Object.keys(PACKS)) assert.ok(packs.has(pack), `pack ${pack} is in the report`);
  });

  for (const [pack, rules] of Object.entries(PACKS)) {
    it(`every rule of ${pack} carries its severity and remediation`, () => {
      const byId = new Map(sarif.runs[0].tool.driver.rules!.map((r) => [r.id, r]));
      for (const rule of rules) {
        const r = byId.get(`${pack}/${rule.name}`);
        assert.ok(r, `${pack}/${rule.name} is a SARIF rule`);
        assert.equal(r.properties?.["security-severity"], SECURITY_SEVERITY[rule.severity!], `${rule.name}: security-severity from its declared severity ${rule.severity}`);
        assert.ok(rule.remediationSteps, `${rule.name} declares remediation steps`);
        assert.ok(r.help?.text.includes(`How to fix: ${rule.remediationSteps}`), `${rule.name}: help text carries its remediation steps`);
      }
    });
  }
});
