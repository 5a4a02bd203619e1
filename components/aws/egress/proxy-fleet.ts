/**
 * The proxy-fleet backend: Squid instances in an auto-scaling group across the AZs' proxy
 * subnets, behind an internal network load balancer on 3128.
 *
 * Hardening: IMDSv2 only (hop limit 1, so containers on the host cannot reach it either), no
 * public address, no key pair and no SSH rule (instances are replaced, not logged into; the
 * boot script is the whole configuration). Who may reach the proxy is decided by security
 * groups: the load balancer's group admits 3128 only from the proxied zones' groups, and the
 * instances' group admits 3128 only from the load balancer's group. The instances' egress is
 * the allow-listed ports (plus `bootstrapEgressPorts` for their own package and log traffic);
 * Squid narrows that to the listed names. A VPC whose zone rules name a proxy security group
 * (SegmentedVpc with `egressProxy.backend: "proxy-fleet"`) has that group attached to the load
 * balancer as well, so the zones' egress rules on 3128 match it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { destinationPorts, renderProxyUserData, renderSquidConfig, SQUID_PORT, type AwsEgressPathPlan, type EgressSource } from "../../../core/egress";
import type { PathContext, PathSubnets } from "./path";
import type { ProxyFleetOptions } from "./args";
import { egressTags } from "./tags";

export const AL2023_AMI = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

export interface FleetResources {
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly loadBalancerSecurityGroup: aws.ec2.SecurityGroup;
  readonly instanceSecurityGroup: aws.ec2.SecurityGroup;
  readonly role: aws.iam.Role;
  readonly instanceProfile: aws.iam.InstanceProfile;
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly listener: aws.lb.Listener;
  readonly autoScalingGroup: aws.autoscaling.Group;
  /** The squid.conf every instance runs (also in the user data). */
  readonly squidConfig: string;
  /** `http://<nlb dns>:3128`, what clients put in HTTPS_PROXY. */
  readonly proxyUrl: pulumi.Output<string>;
}

export function createFleetBackend(ctx: PathContext, plan: AwsEgressPathPlan, sources: readonly EgressSource[], path: PathSubnets, opts: ProxyFleetOptions, retentionInDays: number): FleetResources {
  const { name, parent } = ctx;
  const tags = (role: string, display: string) => egressTags(ctx.intent, role, display, ctx.tags);
  const zones = sources.map((s) => s.zone);
  const missing = zones.filter((z) => ctx.network.securityGroupIds?.[z] === undefined);
  if (missing.length) {
    throw new pulumi.ResourceError(`EgressProxy ${name}: network.securityGroupIds has no security group for the proxied zones ${missing.join(", ")}; the proxy admits clients by their zone's security group`, parent);
  }
  const squidConfig = renderSquidConfig(sources, { name: ctx.intent });
  const logGroup = new aws.cloudwatch.LogGroup(`${name}-access`, { name: `/netseg/${ctx.intent}/egress-proxy`, retentionInDays, tags: tags("egress-log", `${ctx.intent}-proxy-access`) }, { parent });

  const sg = (key: string, description: string) => new aws.ec2.SecurityGroup(`${name}-${key}`, { vpcId: ctx.network.vpcId, description, tags: tags("egress-proxy", `${ctx.intent}-${key}`) }, { parent });
  const lbSg = sg("proxy-lb", `netseg egress proxy load balancer of ${ctx.intent}: 3128 from proxied zones only`);
  const instSg = sg("proxy-instances", `netseg egress proxy instances of ${ctx.intent}: 3128 from the load balancer only`);
  for (const zone of zones) {
    new aws.vpc.SecurityGroupIngressRule(`${name}-proxy-lb-from-${zone}`, { securityGroupId: lbSg.id, referencedSecurityGroupId: ctx.network.securityGroupIds![zone], ipProtocol: "tcp", fromPort: SQUID_PORT, toPort: SQUID_PORT, description: `netseg: zone ${zone} to the egress proxy` }, { parent: lbSg });
  }
  new aws.vpc.SecurityGroupEgressRule(`${name}-proxy-lb-to-proxy`, { securityGroupId: lbSg.id, referencedSecurityGroupId: instSg.id, ipProtocol: "tcp", fromPort: SQUID_PORT, toPort: SQUID_PORT, description: "netseg: load balancer to the proxy instances" }, { parent: lbSg });
  new aws.vpc.SecurityGroupIngressRule(`${name}-proxy-from-lb`, { securityGroupId: instSg.id, referencedSecurityGroupId: lbSg.id, ipProtocol: "tcp", fromPort: SQUID_PORT, toPort: SQUID_PORT, description: "netseg: proxy traffic and health checks from the load balancer" }, { parent: instSg });
  const listed = destinationPorts(sources);
  const bootstrap = (opts.bootstrapEgressPorts ?? [443]).filter((p) => !listed.includes(p));
  for (const port of [...listed, ...bootstrap].sort((a, b) => a - b)) {
    const why = listed.includes(port) ? "allow-listed destinations (Squid narrows to the listed names)" : "the instance's own package and log traffic";
    new aws.vpc.SecurityGroupEgressRule(`${name}-proxy-out-tcp-${port}`, { securityGroupId: instSg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: port, toPort: port, description: `netseg egress proxy: tcp/${port} for ${why}` }, { parent: instSg });
  }

  const role = new aws.iam.Role(
    `${name}-proxy`,
    { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }), description: "netseg egress proxy instances: ship logs to CloudWatch", tags: tags("egress-proxy", `${ctx.intent}-proxy`) },
    { parent },
  );
  new aws.iam.RolePolicyAttachment(`${name}-proxy-cloudwatch`, { role: role.name, policyArn: "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy" }, { parent: role });
  const instanceProfile = new aws.iam.InstanceProfile(`${name}-proxy`, { role: role.name, tags: tags("egress-proxy", `${ctx.intent}-proxy`) }, { parent: role });

  const launchTemplate = new aws.ec2.LaunchTemplate(
    `${name}-proxy`,
    {
      description: `netseg egress proxy of ${ctx.intent} (Squid)`,
      imageId: opts.imageId ?? AL2023_AMI,
      instanceType: opts.instanceType ?? "t3.small",
      iamInstanceProfile: { arn: instanceProfile.arn },
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
      networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [instSg.id] }],
      userData: logGroup.name.apply((group) => Buffer.from(renderProxyUserData(squidConfig, group)).toString("base64")),
      updateDefaultVersion: true,
      tagSpecifications: [{ resourceType: "instance", tags: tags("egress-proxy", `${ctx.intent}-egress-proxy`) }],
      tags: tags("egress-proxy", `${ctx.intent}-proxy`),
    },
    { parent },
  );
  const subnets = plan.inner.map((s) => path.inner[s.key].id);
  const loadBalancer = new aws.lb.LoadBalancer(
    `${name}-proxy`,
    { internal: true, loadBalancerType: "network", subnets, securityGroups: [lbSg.id, ...(ctx.network.proxySecurityGroupId === undefined ? [] : [ctx.network.proxySecurityGroupId])], enableCrossZoneLoadBalancing: true, tags: tags("egress-proxy", `${ctx.intent}-proxy`) },
    { parent },
  );
  const targetGroup = new aws.lb.TargetGroup(
    `${name}-proxy`,
    { vpcId: ctx.network.vpcId, port: SQUID_PORT, protocol: "TCP", targetType: "instance", healthCheck: { protocol: "TCP", port: String(SQUID_PORT) }, tags: tags("egress-proxy", `${ctx.intent}-proxy`) },
    { parent },
  );
  const listener = new aws.lb.Listener(`${name}-proxy`, { loadBalancerArn: loadBalancer.arn, port: SQUID_PORT, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }] }, { parent: loadBalancer });
  const azs = plan.inner.length;
  const autoScalingGroup = new aws.autoscaling.Group(
    `${name}-proxy`,
    {
      vpcZoneIdentifiers: subnets,
      minSize: opts.minSize ?? azs,
      maxSize: opts.maxSize ?? azs * 2,
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => (v === undefined ? "$Latest" : String(v))) },
      targetGroupArns: [targetGroup.arn],
      healthCheckType: "ELB",
      healthCheckGracePeriod: 300,
      instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50 } },
      tags: Object.entries(tags("egress-proxy", `${ctx.intent}-egress-proxy`)).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
    },
    { parent },
  );
  const proxyUrl = pulumi.interpolate`http://${loadBalancer.dnsName}:${SQUID_PORT}`;
  return { logGroup, loadBalancerSecurityGroup: lbSg, instanceSecurityGroup: instSg, role, instanceProfile, launchTemplate, loadBalancer, targetGroup, listener, autoScalingGroup, squidConfig, proxyUrl };
}
