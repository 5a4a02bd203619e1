/**
 * Passing condition: every security group is used by something (an instance, interface, launch
 * template, load balancer, database...) and every network ACL is associated with a subnet; a
 * filter attached to nothing guards nothing and misleads whoever reads it. Zone groups netseg
 * tags are handed to workloads in other stacks, so they are judged only when configured.
 */
import { z } from "zod";
import { AWS_NACL_TYPES, AWS_SG_RULE_TYPES, AWS_SG_TYPES, stringMap, strings, type StackIndex, type StackResource } from "../../../core/resources";
import { readZoneMarks } from "../../../core/tags";
import { stackRule } from "../define";

export const sgNaclAttachedConfig = z.object({
  ignoreGroups: z.array(z.string()).default([]).describe("Security group names used outside the stack (for example by resources in another stack)."),
  judgeZoneGroups: z
    .boolean()
    .default(false)
    .describe("Also judge groups tagged with a netseg zone: a platform stack hands them to workloads that usually live in other stacks."),
});

/** Users of a group: any resource depending on it, except the rules that fill it. */
function usedBy(stack: StackIndex, g: StackResource): StackResource[] {
  const fills = new Set<string>([...AWS_SG_RULE_TYPES, AWS_SG_TYPES.group]);
  return stack.dependents(g).filter((d) => !fills.has(d.type) || (d.type === AWS_SG_TYPES.rule && (d.propertyDependencies.sourceSecurityGroupId ?? []).includes(g.urn)));
}

export const sgNaclAttached = stackRule({
  name: "netseg-aws-sg-nacl-attached",
  description: "Every security group in the stack is used by a resource and every network ACL is associated with a subnet.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps: "Attach the security group to the resources it is meant for, or the NACL to its subnets, or delete it; list groups used from another stack in ignoreGroups.",
  config: sgNaclAttachedConfig,
  covers: { rows: [14], ids: ["CKV2_AWS_5", "CKV2_AWS_1", "np-guard"] },
  types: [AWS_SG_TYPES.group, AWS_NACL_TYPES.acl],
  check: (stack, cfg, report) => {
    for (const g of stack.ofType(AWS_SG_TYPES.group)) {
      if (cfg.ignoreGroups.includes(g.name) || usedBy(stack, g).length > 0) continue;
      if (!cfg.judgeZoneGroups && readZoneMarks("aws", stringMap(g.props.tags).known).zone !== undefined) continue;
      report(`security group ${g.name} is not used by any resource in the stack`, g.urn);
    }
    for (const a of stack.ofType(AWS_NACL_TYPES.acl)) {
      const subnets = strings(a.props.subnetIds);
      if (subnets.unknown || subnets.known.length > 0) continue;
      const assoc = stack.ofType(AWS_NACL_TYPES.association).some((s) => stack.referencedOrOnlyDependency(s, "networkAclId", [AWS_NACL_TYPES.acl]).includes(a));
      if (!assoc) report(`network ACL ${a.name} is associated with no subnet (no subnetIds, no NetworkAclAssociation)`, a.urn);
    }
  },
});
