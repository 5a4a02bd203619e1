/**
 * Passing condition: every security group and every one of its rules, inline or standalone,
 * carries a description (Pulumi's "Managed by Pulumi" default does not count for groups), so an
 * auditor can tell why a path is open. Remediation fills a missing rule description from the
 * rule itself (direction, traffic, peers): safe, because descriptions change nothing in AWS
 * but the text.
 */
import { z } from "zod";
import { AWS_SG_GROUP_TYPES, AWS_SG_RULE_TYPES, inlineSgRules, isObject, items, normaliseStandaloneSgRule, str, type SgRule } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const sgRuleDescriptionsConfig = z.object({
  requireGroupDescription: z.boolean().default(true).describe("Also require a description other than Pulumi's default on the group itself."),
});

const missing = (d: SgRule["description"]) => d === undefined || (typeof d === "string" && d.trim() === "");

function generated(rule: SgRule): string {
  const peers = [rule.cidrs.isEmpty() ? "" : rule.cidrs.toString(), ...rule.sourceSecurityGroups, ...rule.unresolvedPrefixLists, rule.self ? "self" : ""].filter(Boolean).join(", ");
  return `${rule.direction === "egress" ? "egress to" : "ingress from"} ${peers || "peers"} on ${rule.traffic}`.slice(0, 255);
}

export const sgRuleDescriptions = resourceRule({
  name: "netseg-aws-sg-rule-descriptions",
  description: "Every security group and security-group rule has a description.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps: "Give every security group and every rule a description saying which flow it implements (netseg's components do this for theirs).",
  config: sgRuleDescriptionsConfig,
  covers: { rows: [16], ids: ["Checkov", "Trivy", "Pulumi compliance-policies"] },
  types: [...AWS_SG_GROUP_TYPES, ...AWS_SG_RULE_TYPES],
  check: (r, cfg, report) => {
    if (AWS_SG_GROUP_TYPES.includes(r.type)) {
      const d = str(r.props.description);
      if (cfg.requireGroupDescription && r.type !== AWS_SG_GROUP_TYPES[1] && (d === undefined || d === "" || d === "Managed by Pulumi")) {
        report(`security group ${label(r)} has no description of its own`);
      }
      for (const rule of inlineSgRules(r.props).rules) {
        if (missing(rule.description)) report(`security group ${label(r)} rule ${rule.path} (${rule.traffic} with ${rule.cidrs}) has no description`);
      }
      return;
    }
    const rule = normaliseStandaloneSgRule(r.type, r.props);
    if (rule && missing(rule.description)) report(`security-group rule ${label(r)} (${rule.traffic} with ${rule.cidrs}) has no description`);
  },
  remediate: (r) => {
    if (AWS_SG_GROUP_TYPES.includes(r.type)) {
      const out: Record<string, unknown> = {};
      for (const direction of ["ingress", "egress"] as const) {
        const list = items(r.props[direction]).known;
        const rules = inlineSgRules({ [direction]: r.props[direction] }).rules;
        if (!rules.some((x) => missing(x.description))) continue;
        out[direction] = list.map((e, i) => (isObject(e) && missing(rules[i].description) ? { ...e, description: generated(rules[i]) } : e));
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    const rule = normaliseStandaloneSgRule(r.type, r.props);
    return rule && missing(rule.description) ? { description: generated(rule) } : undefined;
  },
});
