/**
 * Passing condition: a security group's rules are managed either inline or by standalone rule
 * resources, never both; mixed, each update overwrites the other's rules.
 */
import { z } from "zod";
import { AWS_SG_GROUP_TYPES, isUnknown, items, securityGroupsOf } from "../../../core/resources";
import { stackRule } from "../define";

export const sgNoMixedRuleManagementConfig = z.object({});

export const sgNoMixedRuleManagement = stackRule({
  name: "netseg-aws-sg-no-mixed-rule-management",
  description: "No security group has both inline rules and standalone rule resources.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Manage the group's rules one way: either inline ingress/egress on the SecurityGroup, or standalone SecurityGroupRule / VpcSecurityGroupIngressRule / VpcSecurityGroupEgressRule resources, not both.",
  config: sgNoMixedRuleManagementConfig,
  covers: { rows: [13], ids: ["awsguard"] },
  types: AWS_SG_GROUP_TYPES,
  check: (stack, _cfg, report) => {
    for (const v of securityGroupsOf(stack)) {
      if (!v.group || v.standalone.length === 0) continue;
      const inline = ["ingress", "egress"].filter((d) => isUnknown(v.group?.props[d]) || items(v.group?.props[d] ?? null).known.length > 0);
      if (inline.length === 0) continue;
      const rules = v.standalone.map((o) => o.resource.name).join(", ");
      report(`security group ${v.group.name} has inline ${inline.join(" and ")} rules and standalone rules ${rules}; keep one style`, v.group.urn);
    }
  },
});
