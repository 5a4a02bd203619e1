/**
 * Passing condition: a managed default security group declares no ingress and no egress rule,
 * so nothing that lands in it by default is reachable or can reach out. Remediation empties it.
 */
import { z } from "zod";
import { AWS_SG_TYPES, inlineSgRules } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const defaultSgNoRulesConfig = z.object({});

export const defaultSgNoRules = resourceRule({
  name: "netseg-aws-default-sg-no-rules",
  description: "The default security group of every VPC has no ingress and no egress rules.",
  enforcementLevel: "mandatory",
  severity: "high",
  config: defaultSgNoRulesConfig,
  covers: { rows: [5], ids: ["CKV2_AWS_12", "Trivy AWS-0173", "KICS 46883ce1"] },
  remediationSteps: "Set ingress and egress of aws.ec2.DefaultSecurityGroup to [] and give workloads their own groups.",
  types: [AWS_SG_TYPES.defaultGroup],
  check: (r, _cfg, report) => {
    const { rules } = inlineSgRules(r.props);
    for (const rule of rules) {
      const peers = [rule.cidrs.isEmpty() ? "" : rule.cidrs.toString(), ...rule.sourceSecurityGroups, rule.self ? "itself" : ""].filter(Boolean).join(", ") || "unknown peers";
      report(`default security group ${label(r)} has rule ${rule.path}: ${rule.trafficComplete ? rule.traffic : "unknown traffic"} with ${peers}; it must have none`);
    }
  },
  remediate: (r) => {
    const { rules } = inlineSgRules(r.props);
    return rules.length > 0 ? { ingress: [], egress: [] } : undefined;
  },
});
