/**
 * SegmentedVpc: one VPC laid out from a segmentation intent, either a VPC it creates or one
 * that exists already (`args.vpc`, where it creates only netseg's own resources). The class is
 * a thin shell: it plans (pure, in core/ and args.ts), fails before creating anything if the
 * plan has a problem, then hands the plan to one builder per concern (network, routing,
 * security, flow logs) and exposes ids by zone and AZ, the resources themselves (for the egress
 * and tenant components that extend the VPC), and the plan.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { azKey, type InfraSubnetPlan } from "../../../core/addressing";
import { IntentError, type Intent, type IntentIssue } from "../../../core/intent";
import { planSegmentedVpc, type SegmentedVpcArgs, type SegmentedVpcPlan } from "./args";
import { createFlowLogs, type FlowLogResources } from "./flow-logs";
import { createNetwork, type NetworkResources } from "./network";
import { createRouting, type RoutingResources } from "./routing";
import { createSecurity, type SecurityResources } from "./security";
import { createAwsTelemetry, type TelemetryResources } from "./telemetry";
import { VpcTags } from "./tags";

export const SEGMENTED_VPC_TYPE = "netseg:aws:SegmentedVpc";

/** A SegmentedVpc's input problems, with the issues as data. */
export class SegmentedVpcError extends pulumi.ResourceError {
  constructor(
    message: string,
    resource: pulumi.Resource,
    readonly issues: readonly IntentIssue[],
  ) {
    super(message, resource, true);
    this.name = "SegmentedVpcError";
  }
}

type ById<T> = Record<string, T>;

function ids<R extends { id: pulumi.Output<string> }>(byZoneAz: Readonly<Record<string, Readonly<Record<string, R>>>>): pulumi.Output<ById<ById<string>>> {
  return pulumi.output(Object.fromEntries(Object.entries(byZoneAz).map(([zone, byAz]) => [zone, Object.fromEntries(Object.entries(byAz).map(([az, r]) => [az, r.id]))]))) as pulumi.Output<ById<ById<string>>>;
}

function flatIds<R extends { id: pulumi.Output<string> }>(byKey: Readonly<Record<string, R>>): pulumi.Output<ById<string>> {
  return pulumi.output(Object.fromEntries(Object.entries(byKey).map(([k, r]) => [k, r.id]))) as pulumi.Output<ById<string>>;
}

export class SegmentedVpc extends pulumi.ComponentResource {
  /**
   * The plan the VPC was built from (plain data: intent, addresses, AWS rules), in-process only:
   * the component registers its `intent` as an output, not the plan.
   */
  readonly plan: SegmentedVpcPlan;
  readonly intent: Intent;
  /** The VPC, when this component created it; absent when it segments an existing VPC (`args.vpc`). */
  readonly vpc?: aws.ec2.Vpc;
  readonly vpcId: pulumi.Output<string>;
  readonly availabilityZoneNames: pulumi.Output<string[]>;
  /** By zone, then AZ key (`az1`...). */
  readonly subnets: NetworkResources["subnets"];
  readonly subnetIds: pulumi.Output<ById<ById<string>>>;
  readonly routeTables: RoutingResources["routeTables"];
  readonly routeTableIds: pulumi.Output<ById<ById<string>>>;
  readonly securityGroups: SecurityResources["securityGroups"];
  readonly securityGroupIds: pulumi.Output<ById<string>>;
  readonly networkAcls: SecurityResources["networkAcls"];
  readonly networkAclIds: pulumi.Output<ById<string>>;
  readonly natGateways: RoutingResources["natGateways"];
  readonly natGatewayIds: pulumi.Output<ById<string>>;
  /** The internet gateway, when this component created it. */
  readonly internetGateway?: aws.ec2.InternetGateway;
  /** The internet gateway internet-bound routes use, created or given (`vpc.internetGatewayId`). */
  readonly internetGatewayId?: pulumi.Output<string>;
  readonly egressProxySecurityGroupId?: pulumi.Output<string>;
  /**
   * The quarantine security group of each quarantined workload, by `zone/workload` (empty when
   * none): replace the workload's security groups with this one alone to cut it off.
   */
  readonly quarantineSecurityGroupIds: pulumi.Output<ById<string>>;
  /** Reserved subnets (firewall, transit, proxy per AZ) the egress and tenant components create. */
  readonly infrastructureSubnets: readonly InfraSubnetPlan[];
  readonly network: NetworkResources;
  readonly routing: RoutingResources;
  readonly security: SecurityResources;
  readonly flowLogs: FlowLogResources;
  /** Metric filters, alarms and dashboard (empty unless `telemetry` is on). */
  readonly telemetry: TelemetryResources;

  constructor(name: string, args: SegmentedVpcArgs, opts?: pulumi.ComponentResourceOptions) {
    super(SEGMENTED_VPC_TYPE, name, {}, opts);
    try {
      this.plan = planSegmentedVpc(name, args);
    } catch (e) {
      if (e instanceof IntentError) throw new SegmentedVpcError(`SegmentedVpc "${name}": ${e.message}`, this, e.issues);
      throw e;
    }
    const { intent } = this.plan;
    this.intent = intent;
    const tags = new VpcTags(name, intent, args.tags);
    const azCount = intent.availabilityZones;
    this.availabilityZoneNames = args.availabilityZoneNames
      ? pulumi.output([...args.availabilityZoneNames.slice(0, azCount)])
      : aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this }).names.apply((names) => {
          if (names.length < azCount) throw new pulumi.ResourceError(`SegmentedVpc "${name}": the intent uses ${azCount} availability zones, but the region has ${names.length} available; lower availabilityZones or pass availabilityZoneNames`, this);
          return names.slice(0, azCount);
        });
    const azName = (i: number) => this.availabilityZoneNames.apply((n) => n[i]);
    const region = aws.getRegionOutput({}, { parent: this }).region;

    this.network = createNetwork(name, this.plan, args.vpc, tags, azName, this);
    this.routing = createRouting(name, this.plan, tags, this.network, region);
    this.security = createSecurity(name, this.plan, tags, this.network, args.egressProxy);
    this.flowLogs = createFlowLogs(name, this.plan, args.flowLogs, tags, this.network.vpcId, this.network.parent);
    this.telemetry = createAwsTelemetry(name, this.plan.telemetry, args.telemetry, this.flowLogs, this);

    this.vpc = this.network.vpc;
    this.vpcId = this.network.vpcId;
    this.subnets = this.network.subnets;
    this.subnetIds = ids(this.subnets);
    this.routeTables = this.routing.routeTables;
    this.routeTableIds = ids(this.routeTables);
    this.securityGroups = this.security.securityGroups;
    this.securityGroupIds = flatIds(this.securityGroups);
    this.networkAcls = this.security.networkAcls;
    this.networkAclIds = flatIds(this.networkAcls);
    this.natGateways = this.routing.natGateways;
    this.natGatewayIds = flatIds(this.natGateways);
    this.internetGateway = this.network.internetGateway;
    this.internetGatewayId = this.network.internetGatewayId;
    this.egressProxySecurityGroupId = this.security.egressProxySecurityGroupId;
    this.quarantineSecurityGroupIds = flatIds(this.security.quarantineSecurityGroups);
    this.infrastructureSubnets = this.plan.addresses.infrastructure;

    this.registerOutputs({
      vpcId: this.vpcId,
      subnetIds: this.subnetIds,
      routeTableIds: this.routeTableIds,
      securityGroupIds: this.securityGroupIds,
      networkAclIds: this.networkAclIds,
      natGatewayIds: this.natGatewayIds,
      egressProxySecurityGroupId: this.egressProxySecurityGroupId,
      quarantineSecurityGroupIds: this.quarantineSecurityGroupIds,
      availabilityZoneNames: this.availabilityZoneNames,
      // The intent, not the whole plan: the policy packs and `netseg preview` read the intent
      // (addresses and rules follow from it), and the plan, serialised property by property by
      // the SDK for every VPC, was most of what a fleet kept after registering (issue 17).
      // `plan` stays a plain in-process property.
      intent,
    });
  }

  /** The route table of a zone in one AZ (index from 0), for components that add routes. */
  routeTable(zone: string, azIndex: number): aws.ec2.RouteTable {
    const t = this.routeTables[zone]?.[azKey(azIndex)];
    if (!t) throw new pulumi.ResourceError(`SegmentedVpc has no route table for zone "${zone}" in ${azKey(azIndex)}; zones: ${Object.keys(this.routeTables).join(", ")}`, this);
    return t;
  }
}
