/**
 * The network-firewall backend: one stateful rule group per planned group, a strict-order
 * policy, the firewall with an endpoint in each AZ's firewall subnet, and alert + flow logs in
 * CloudWatch. The endpoint of each AZ is picked out of the firewall's status by subnet. With
 * TLS inspection, the inspection configuration the policy references (AWS adds one only to a new
 * policy, so turning it on or off replaces the policy).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { firewallEndpointFor, planTlsInspection, type AwsEgressPathPlan, type EgressFirewallPlan } from "../../../core/egress";
import type { TlsInspectionOptions } from "./args";
import type { PathContext, PathSubnets, EndpointResolver } from "./path";
import { egressTags } from "./tags";

export interface FirewallResources {
  readonly ruleGroups: aws.networkfirewall.RuleGroup[];
  readonly policy: aws.networkfirewall.FirewallPolicy;
  readonly firewall: aws.networkfirewall.Firewall;
  readonly alertLogGroup: aws.cloudwatch.LogGroup;
  readonly flowLogGroup: aws.cloudwatch.LogGroup;
  readonly logging: aws.networkfirewall.LoggingConfiguration;
  /** The firewall endpoint serving each AZ, by AZ key (`az1`). */
  readonly endpointIds: Record<string, pulumi.Output<string | undefined>>;
  readonly endpoint: EndpointResolver;
  readonly tlsInspection?: aws.networkfirewall.TlsInspectionConfiguration;
}

function createTlsInspection(ctx: PathContext, rules: EgressFirewallPlan, options: TlsInspectionOptions | undefined): aws.networkfirewall.TlsInspectionConfiguration | undefined {
  if (!options || !rules.tlsInspection) return undefined;
  const spec = planTlsInspection(rules.tlsInspection.scope, options);
  const c = spec.serverCertificateConfiguration;
  return new aws.networkfirewall.TlsInspectionConfiguration(
    `${ctx.name}-tls`,
    {
      description: `netseg egress TLS inspection of ${ctx.intent}: proxied zones on tcp ${rules.tlsInspection.scope.destinationPorts.join(", ")}`,
      encryptionConfigurations: [{ type: "AWS_OWNED_KMS_KEY", keyId: "AWS_OWNED_KMS_KEY" }],
      tlsInspectionConfiguration: {
        serverCertificateConfiguration: {
          certificateAuthorityArn: options.certificateAuthorityArn,
          checkCertificateRevocationStatus: { ...c.checkCertificateRevocationStatus },
          scopes: c.scopes.map((sc) => ({
            protocols: [...sc.protocols],
            sources: sc.sources.map((x) => ({ ...x })),
            destinations: sc.destinations.map((x) => ({ ...x })),
            sourcePorts: sc.sourcePorts.map((x) => ({ ...x })),
            destinationPorts: sc.destinationPorts.map((x) => ({ ...x })),
          })),
        },
      },
      tags: egressTags(ctx.intent, "egress-firewall", `${ctx.intent}-egress-tls`, ctx.tags),
    },
    { parent: ctx.parent },
  );
}

export function createFirewallBackend(ctx: PathContext, plan: AwsEgressPathPlan, rules: EgressFirewallPlan, path: PathSubnets, retentionInDays: number, tls?: TlsInspectionOptions): FirewallResources {
  const { name, parent } = ctx;
  const tags = (role: string, display: string) => egressTags(ctx.intent, role, display, ctx.tags);
  const ruleGroups = rules.ruleGroups.map(
    (g) =>
      new aws.networkfirewall.RuleGroup(
        `${name}-${g.key}`,
        {
          type: "STATEFUL",
          capacity: g.capacity,
          description: g.description,
          ruleGroup: {
            ruleVariables: { ipSets: g.ruleGroup.ruleVariables.ipSets.map((s) => ({ key: s.key, ipSet: { definitions: [...s.ipSet.definitions] } })) },
            rulesSource:
              "rulesString" in g.ruleGroup.rulesSource
                ? { rulesString: g.ruleGroup.rulesSource.rulesString }
                : { rulesSourceList: { ...g.ruleGroup.rulesSource.rulesSourceList, targetTypes: [...g.ruleGroup.rulesSource.rulesSourceList.targetTypes], targets: [...g.ruleGroup.rulesSource.rulesSourceList.targets] } },
            statefulRuleOptions: { ...g.ruleGroup.statefulRuleOptions },
          },
          tags: tags("egress-firewall", `${ctx.intent}-${g.key}`),
        },
        { parent },
      ),
  );
  const tlsInspection = createTlsInspection(ctx, rules, tls);
  const policy = new aws.networkfirewall.FirewallPolicy(
    `${name}-policy`,
    {
      description: `netseg egress allow-lists of ${ctx.intent}: strict order, default drop${tlsInspection ? ", TLS inspected" : ""}`,
      firewallPolicy: {
        statelessDefaultActions: [...rules.policy.statelessDefaultActions],
        statelessFragmentDefaultActions: [...rules.policy.statelessFragmentDefaultActions],
        statefulEngineOptions: { ...rules.policy.statefulEngineOptions },
        statefulDefaultActions: [...rules.policy.statefulDefaultActions],
        statefulRuleGroupReferences: ruleGroups.map((g, i) => ({ resourceArn: g.arn, priority: (i + 1) * 100 })),
        ...(tlsInspection ? { tlsInspectionConfigurationArn: tlsInspection.arn } : {}),
      },
      tags: tags("egress-firewall", `${ctx.intent}-egress-policy`),
    },
    { parent },
  );
  const innerSubnets = plan.inner.map((s) => path.inner[s.key]);
  const firewall = new aws.networkfirewall.Firewall(
    `${name}-firewall`,
    {
      vpcId: ctx.network.vpcId,
      firewallPolicyArn: policy.arn,
      description: `netseg egress firewall of ${ctx.intent}`,
      subnetMappings: innerSubnets.map((s) => ({ subnetId: s.id })),
      deleteProtection: false,
      tags: tags("egress-firewall", `${ctx.intent}-egress`),
    },
    { parent },
  );
  const logGroup = (kind: string) => new aws.cloudwatch.LogGroup(`${name}-${kind}`, { name: `/netseg/${ctx.intent}/network-firewall/${kind}`, retentionInDays, tags: tags("egress-log", `${ctx.intent}-firewall-${kind}`) }, { parent });
  const alertLogGroup = logGroup("alert");
  const flowLogGroup = logGroup("flow");
  const logging = new aws.networkfirewall.LoggingConfiguration(
    `${name}-logging`,
    {
      firewallArn: firewall.arn,
      loggingConfiguration: {
        logDestinationConfigs: [
          { logType: "ALERT", logDestinationType: "CloudWatchLogs", logDestination: { logGroup: alertLogGroup.name } },
          { logType: "FLOW", logDestinationType: "CloudWatchLogs", logDestination: { logGroup: flowLogGroup.name } },
        ],
      },
    },
    { parent: firewall },
  );
  const endpointIds: Record<string, pulumi.Output<string | undefined>> = {};
  for (const s of plan.inner) {
    const azKey = s.key.replace(/^.*-/, "");
    endpointIds[azKey] = pulumi
      .all([firewall.firewallStatuses, path.inner[s.key].id, ctx.azNames])
      .apply(([statuses, subnetId, azs]) => firewallEndpointFor(statuses, subnetId, azs[s.azIndex]));
  }
  const endpoint: EndpointResolver = (azIndex) => endpointIds[`az${azIndex + 1}`];
  return { ruleGroups, policy, firewall, alertLogGroup, flowLogGroup, logging, endpointIds, endpoint, ...(tlsInspection ? { tlsInspection } : {}) };
}
