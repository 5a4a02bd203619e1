/**
 * A security group and a NACL per zone, straight from the rule plan. Security-group rules are
 * standalone `aws.vpc` rule resources (one per rule, named by the rule's stable key), never
 * inline, so adding a flow adds resources instead of rewriting a group. NACL entries are inline:
 * AWS numbers them, and the provider reconciles the whole list in place when numbers shift.
 * The egress proxy's security group is created here (when the plan needs one and none is
 * given), so zones can reference it before the egress component attaches it to the proxy.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { azKey } from "../../../core/addressing";
import { EGRESS_PROXY_GROUP, type NaclEntry, type SgRule } from "../../../core/rules/aws";
import type { Zone } from "../../../core/intent";
import type { EgressProxyArgs, SegmentedVpcPlan } from "./args";
import type { NetworkResources } from "./network";
import type { VpcTags } from "./tags";

export interface SecurityResources {
  readonly securityGroups: Readonly<Record<string, aws.ec2.SecurityGroup>>;
  /** Rule resources by zone (or `egress-proxy`), then rule key. */
  readonly securityGroupRules: Readonly<Record<string, Readonly<Record<string, aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule>>>>;
  readonly networkAcls: Readonly<Record<string, aws.ec2.NetworkAcl>>;
  /** The egress proxy's group when this component created it. */
  readonly egressProxySecurityGroup?: aws.ec2.SecurityGroup;
  /** The id rules towards the egress proxy reference, when they reference a group. */
  readonly egressProxySecurityGroupId?: pulumi.Output<string>;
  /**
   * One empty security group per quarantined workload, by `zone/workload`: no ingress, no egress.
   * Security groups add up, so it isolates only as the workload's one group: see README.
   */
  readonly quarantineSecurityGroups: Readonly<Record<string, aws.ec2.SecurityGroup>>;
}

function naclEntryArgs(e: NaclEntry): aws.types.input.ec2.NetworkAclIngress {
  return {
    ruleNo: e.ruleNumber,
    action: e.action,
    protocol: e.protocolNumber,
    fromPort: e.fromPort,
    toPort: e.toPort,
    ...(e.ipv6 ? { ipv6CidrBlock: e.cidr } : { cidrBlock: e.cidr }),
    ...(e.icmpType === undefined ? {} : { icmpType: e.icmpType, icmpCode: e.icmpCode }),
  };
}

function ruleArgs(r: SgRule, groupId: pulumi.Input<string>, resolve: (r: SgRule) => { referencedSecurityGroupId?: pulumi.Input<string>; cidrIpv4?: string; cidrIpv6?: string }, tags: Record<string, string>) {
  return {
    securityGroupId: groupId,
    ipProtocol: r.protocol,
    ...(r.fromPort === undefined ? {} : { fromPort: r.fromPort, toPort: r.toPort }),
    ...resolve(r),
    description: r.description,
    tags,
  };
}

export function createSecurity(name: string, plan: SegmentedVpcPlan, tags: VpcTags, net: NetworkResources, egressProxy: EgressProxyArgs | undefined): SecurityResources {
  const zones = new Map<string, Zone>(plan.intent.zones.map((z) => [z.name, z]));
  const securityGroups: Record<string, aws.ec2.SecurityGroup> = {};
  for (const z of plan.rules.zones) {
    const zone = zones.get(z.zone)!;
    securityGroups[z.zone] = new aws.ec2.SecurityGroup(`${name}-${z.zone}`, { vpcId: net.vpcId, description: z.securityGroup.description, tags: tags.zoned(zone, "security-group", z.zone) }, { parent: net.parent });
  }

  const proxyPlan = plan.rules.egressProxy;
  let egressProxySecurityGroup: aws.ec2.SecurityGroup | undefined;
  let egressProxySecurityGroupId: pulumi.Output<string> | undefined;
  if (proxyPlan?.mode === "security-group") {
    if (egressProxy?.securityGroupId) egressProxySecurityGroupId = pulumi.output(egressProxy.securityGroupId);
    else {
      egressProxySecurityGroup = new aws.ec2.SecurityGroup(`${name}-${EGRESS_PROXY_GROUP}`, { vpcId: net.vpcId, description: `netseg egress proxy of ${plan.intent.name}`, tags: tags.shared("egress-proxy-security-group", EGRESS_PROXY_GROUP) }, { parent: net.parent });
      egressProxySecurityGroupId = egressProxySecurityGroup.id;
    }
  }

  const resolve = (r: SgRule) => {
    switch (r.peer.kind) {
      case "zone":
        return { referencedSecurityGroupId: securityGroups[r.peer.zone].id };
      case "egress-proxy":
        return { referencedSecurityGroupId: egressProxySecurityGroupId! };
      case "cidr":
        return r.peer.ipv6 ? { cidrIpv6: r.peer.cidr } : { cidrIpv4: r.peer.cidr };
    }
  };
  const securityGroupRules: Record<string, Record<string, aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule>> = {};
  const addRules = (group: string, sg: aws.ec2.SecurityGroup, rules: readonly SgRule[], ruleTags: (key: string) => Record<string, string>) => {
    const out = (securityGroupRules[group] ??= {});
    for (const r of rules) {
      const args = ruleArgs(r, sg.id, resolve, ruleTags(r.key));
      const logical = `${name}-${group}-${r.key}`;
      out[r.key] = r.direction === "ingress" ? new aws.vpc.SecurityGroupIngressRule(logical, args, { parent: sg }) : new aws.vpc.SecurityGroupEgressRule(logical, args, { parent: sg });
    }
  };
  for (const z of plan.rules.zones) {
    const zone = zones.get(z.zone)!;
    const ruleTags = (key: string) => tags.zoned(zone, "security-group-rule", `${z.zone}-${key}`);
    addRules(z.zone, securityGroups[z.zone], [...z.securityGroup.ingress, ...z.securityGroup.egress], ruleTags);
  }
  if (egressProxySecurityGroup && proxyPlan) addRules(EGRESS_PROXY_GROUP, egressProxySecurityGroup, proxyPlan.ingress, (key) => tags.shared("egress-proxy-rule", `${EGRESS_PROXY_GROUP}-${key}`));

  const networkAcls: Record<string, aws.ec2.NetworkAcl> = {};
  for (const z of plan.rules.zones) {
    const zone = zones.get(z.zone)!;
    const subnetIds = Array.from({ length: plan.intent.availabilityZones }, (_, az) => net.subnets[z.zone][azKey(az)].id);
    networkAcls[z.zone] = new aws.ec2.NetworkAcl(
      `${name}-${z.zone}`,
      { vpcId: net.vpcId, subnetIds, ingress: z.nacl.ingress.map(naclEntryArgs), egress: z.nacl.egress.map(naclEntryArgs), tags: tags.zoned(zone, "network-acl", z.zone) },
      { parent: net.parent },
    );
  }
  const quarantineSecurityGroups: Record<string, aws.ec2.SecurityGroup> = {};
  for (const q of plan.intent.quarantine ?? []) {
    if (q.workload === undefined) continue;
    const zone = zones.get(q.zone)!;
    // Inline, empty rule lists make the group authoritative: a rule added by hand is reverted.
    quarantineSecurityGroups[q.target] = new aws.ec2.SecurityGroup(
      `${name}-quarantine-${q.zone}-${q.workload}`,
      { vpcId: net.vpcId, description: `netseg quarantine of ${q.target} since ${q.since}: no rules; make it the only group of the workload`.replace(/[^a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/g, "-"), ingress: [], egress: [], tags: tags.zoned(zone, "quarantine-security-group", `quarantine-${q.zone}-${q.workload}`) },
      { parent: net.parent },
    );
  }
  return { securityGroups, securityGroupRules, networkAcls, egressProxySecurityGroup, egressProxySecurityGroupId, quarantineSecurityGroups };
}
