/**
 * Passing condition: no standalone security-group rule resource adds a rule to a VPC's default
 * security group. The inline check (netseg-aws-default-sg-no-rules) sees only what a
 * DefaultSecurityGroup resource declares; a `SecurityGroupRule` or `vpc.SecurityGroupIngressRule`
 * whose group is `vpc.defaultSecurityGroupId` opens the default group just the same, and
 * scanners that judge one resource at a time cannot tell that group from any other.
 *
 * Which group a rule targets: its `securityGroupId` came from a Vpc (the only group id a VPC
 * exposes is its default group's) or from a DefaultSecurityGroup, by the engine's property
 * dependencies; when those are absent and the id is unknown, the rule's only such dependency;
 * after deployment, a known id equal to a VPC's `defaultSecurityGroupId` or the default
 * group's id. An id that also came from an ordinary security group is not the default group.
 */
import { z } from "zod";
import { AWS_SG_TYPES, AWS_SG_RULE_TYPES, isUnknown, normaliseStandaloneSgRule, str, type StackIndex, type StackResource } from "../../../core/resources";
import { stackRule } from "../define";

const VPC = "aws:ec2/vpc:Vpc";
const TARGETS = [VPC, AWS_SG_TYPES.defaultGroup, AWS_SG_TYPES.group];

export const defaultSgNoStandaloneRulesConfig = z.object({});

/** The VPC (or default group resource) whose default group `rule` adds to, if it does. */
function defaultGroupTarget(stack: StackIndex, rule: StackResource): StackResource | undefined {
  const id = rule.props.securityGroupId;
  let refs: StackResource[] = [];
  if ((rule.propertyDependencies.securityGroupId?.length ?? 0) > 0) {
    refs = stack.referenced(rule, "securityGroupId", TARGETS);
  } else if (isUnknown(id)) {
    const deps = rule.dependencies.map((u) => stack.get(u)).filter((r): r is StackResource => !!r && TARGETS.includes(r.type));
    refs = deps.length === 1 ? deps : [];
  } else {
    const known = str(id);
    if (known === undefined) return undefined;
    return stack.ofType(VPC).find((v) => str(v.props.defaultSecurityGroupId) === known) ?? stack.ofType(AWS_SG_TYPES.defaultGroup).find((g) => str(g.props.id) === known);
  }
  if (refs.some((r) => r.type === AWS_SG_TYPES.group)) return undefined;
  return refs.find((r) => r.type === AWS_SG_TYPES.defaultGroup) ?? refs.find((r) => r.type === VPC);
}

export const defaultSgNoStandaloneRules = stackRule({
  name: "netseg-aws-default-sg-no-standalone-rules",
  description: "No standalone security-group rule resource adds a rule to a VPC's default security group.",
  enforcementLevel: "mandatory",
  severity: "high",
  config: defaultSgNoStandaloneRulesConfig,
  covers: { rows: [5], ids: ["CKV2_AWS_12", "Trivy AWS-0173", "KICS 46883ce1"] },
  remediationSteps: "Give the workload its own security group and attach the rule to that group; leave the default group empty.",
  types: AWS_SG_RULE_TYPES,
  check: (stack, _cfg, report) => {
    for (const r of stack.ofType(...AWS_SG_RULE_TYPES)) {
      const target = defaultGroupTarget(stack, r);
      if (!target) continue;
      const rule = normaliseStandaloneSgRule(r.type, r.props);
      const what = rule ? `${isUnknown(rule.direction) ? "a" : `an ${rule.direction}`} rule for ${rule.trafficComplete ? rule.traffic : "unknown traffic"}` : "a rule";
      const group = target.type === VPC ? `the default security group of VPC ${target.name}` : `the default security group ${target.name}`;
      report(`security group rule ${r.name} adds ${what} to ${group}; it must have none`, r.urn);
    }
  },
});
