/**
 * TenantVpcs: one isolated VPC per tenant from the intent's zone template, a shared-services
 * VPC, and a transit gateway whose route tables let every tenant reach shared services and no
 * tenant reach another. Each tenant VPC is a SegmentedVpc of the tenant's intent (see
 * core/tenants/tenant-intent), so tenants get the same zones, security groups, NACLs and flow
 * logs as any netseg VPC. Every child is named `${name}-${tenant}...`: adding or removing a
 * tenant never renames another's resources, and blocks come from pinned or appended slots.
 * `layout: "lean"` shares route tables across AZs and one flow-log bucket across tenants.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { planAddresses } from "../../../core/addressing";
import { TAG } from "../../../core/tags";
import { fleetGrids, planTenantRouting, sharedServicesIntent, SHARED_SERVICES, tenantIntent, type FleetGrids, type TenantRoutingPlan } from "../../../core/tenants";
import { SegmentedVpc } from "../vpc";
import type { TenantVpcsArgs } from "./args";
import { createTransitSubnets } from "./transit-subnets";
import { createTransitGateway, createTransitRouting, type TransitResources } from "./transit-gateway";
import { createFleetFlowLogBucket } from "./flow-log-bucket";
import { buildTenants, createInSteps, type TenantRegistration, type TenantSteps } from "./registration";
import { attachVpc, azNamesOf, fleetRangesOf, routesToTgw, zoneTables } from "./wiring";

export interface TenantVpcResources {
  readonly tenant: string;
  readonly block: string;
  readonly vpc: SegmentedVpc;
  readonly attachment: aws.ec2transitgateway.VpcAttachment;
}

export class TenantVpcs extends pulumi.ComponentResource {
  readonly plan: TenantRoutingPlan;
  readonly tenants: Record<string, TenantVpcResources>;
  readonly sharedServicesVpc?: SegmentedVpc;
  readonly sharedServicesAttachment: aws.ec2transitgateway.VpcAttachment;
  /** Set once every tenant is in (at the end of the constructor, or of `create`). */
  readonly transit!: TransitResources;
  readonly transitGatewayId: pulumi.Output<string>;
  /** By tenant name. */
  readonly vpcIds: Record<string, pulumi.Output<string>>;
  readonly blocks: Record<string, string>;
  /** The zone slots x AZ slots every tenant block and the shared-services VPC are cut into; keep it as a stack output and check changes with tenantGridDrift. */
  readonly grids: FleetGrids;
  readonly attachmentIds!: Record<string, pulumi.Output<string>>;
  readonly tgwRouteTableIds!: Record<string, pulumi.Output<string>>;

  /**
   * The same fleet as `new TenantVpcs(...)`, registered a few tenants at a time so that a large
   * fleet's program stays small (see registration.ts): `const fleet = await TenantVpcs.create(...)`
   * in an async program. Every property is set when the promise resolves.
   */
  static create(name: string, args: TenantVpcsArgs, opts?: pulumi.ComponentResourceOptions, registration?: TenantRegistration): Promise<TenantVpcs> {
    return createInSteps("TenantVpcs", name, registration, () => new TenantVpcs(name, args, opts));
  }

  constructor(name: string, args: TenantVpcsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netseg:aws:TenantVpcs", name, {}, opts);
    const { intent } = args;
    if (!intent.tenants) throw new pulumi.ResourceError(`TenantVpcs ${name}: intent "${intent.name}" has no tenants section; add tenants: { pool, blockPrefix, zones, sharedServices, members }`, this);
    const t = intent.tenants;
    // Refused before anything is created.
    const lean = args.layout === "lean";
    if (args.layout !== undefined && args.layout !== "standard" && !lean) throw new pulumi.ResourceError(`TenantVpcs ${name}: layout "${String(args.layout)}" is neither "standard" nor "lean"`, this);
    if ((args.vpc as { vpc?: unknown } | undefined)?.vpc !== undefined) throw new pulumi.ResourceError(`TenantVpcs ${name}: vpc.vpc names an existing VPC, but every tenant gets a VPC of its own; leave vpc.vpc out (an existing shared-services VPC goes in sharedServices)`, this);
    this.plan = planTenantRouting(t);
    this.grids = fleetGrids(t);
    const baseTags = { ...(args.tags ?? {}), [TAG.aws.intent]: intent.name };
    const tenantTags = (tenant: string) => ({ ...baseTags, [TAG.aws.tenant]: tenant });
    const azNames = azNamesOf(args.availabilityZoneNames, this);
    const azName = (i: number) => azNames.apply((n) => n[i]);
    const tgw = createTransitGateway(name, intent.name, { ...baseTags, [TAG.aws.role]: "tenant-transit" }, this);
    this.transitGatewayId = tgw.id;

    const fleetLogs = lean && args.vpc?.flowLogs === undefined ? createFleetFlowLogBucket(name, { ...baseTags, [TAG.aws.role]: "tenant-flow-logs" }, this) : undefined;
    const fleetRanges = fleetRangesOf(args.vpc?.ownRanges, t.pool, t.sharedServices.addressSpace);
    const tenantVpcArgs = (tenant: string) => ({
      ...(args.vpc ?? {}),
      ownRanges: fleetRanges,
      ...(lean && args.vpc?.routeTables === undefined ? { routeTables: "perZone" as const } : {}),
      ...(fleetLogs ? { flowLogs: { destination: "s3" as const, bucketArn: pulumi.interpolate`${fleetLogs.arn}/${tenant}/` } } : {}),
    });

    // Shared services: created from its own intent, or an existing VPC attached as is.
    let sharedAttachment: aws.ec2transitgateway.VpcAttachment;
    const sharedTags = { ...baseTags, [TAG.aws.role]: "shared-services" };
    if (args.sharedServices) {
      const s = args.sharedServices;
      sharedAttachment = attachVpc(name, SHARED_SERVICES, tgw.id, s.vpcId, [...s.transitSubnetIds], sharedTags, this);
      routesToTgw(name, Object.fromEntries(s.routeTableIds.map((id, i) => [`${SHARED_SERVICES}-existing-${i + 1}`, id])), this.plan.vpcRoutes[SHARED_SERVICES], tgw.id, sharedAttachment, this);
    } else {
      const sIntent = sharedServicesIntent(intent);
      const vpc = new SegmentedVpc(`${name}-${SHARED_SERVICES}`, { ...(args.vpc ?? {}), ownRanges: fleetRanges, intent: sIntent, tags: sharedTags }, { parent: this });
      const transit = createTransitSubnets(`${name}-${SHARED_SERVICES}`, vpc.vpcId, planAddresses(sIntent).infrastructure, sIntent.addressSpace, [this.plan.pool], azName, (d) => ({ ...sharedTags, Name: d }), vpc);
      sharedAttachment = attachVpc(name, SHARED_SERVICES, tgw.id, vpc.vpcId, transit.subnets.map((s) => s.id), sharedTags, vpc);
      routesToTgw(name, zoneTables(vpc, SHARED_SERVICES), this.plan.vpcRoutes[SHARED_SERVICES], tgw.id, sharedAttachment, vpc);
      this.sharedServicesVpc = vpc;
    }
    this.sharedServicesAttachment = sharedAttachment;

    this.tenants = {};
    this.vpcIds = {};
    this.blocks = {};
    const attachments: Record<string, aws.ec2transitgateway.VpcAttachment> = { [SHARED_SERVICES]: sharedAttachment };
    const byName = new Map(t.members.map((m) => [m.name, m]));
    const steps: TenantSteps = {
      tenants: [...byName.keys()].sort(),
      add: (tenant, tenantOpts) => {
        const m = byName.get(tenant)!;
        const tIntent = tenantIntent(intent, m);
        const tags = { ...m.tags, ...tenantTags(m.name) };
        const vpc = new SegmentedVpc(`${name}-${m.name}`, { ...tenantVpcArgs(m.name), intent: tIntent, tags }, { ...tenantOpts, parent: this });
        const transit = createTransitSubnets(`${name}-${m.name}`, vpc.vpcId, planAddresses(tIntent).infrastructure, tIntent.addressSpace, [t.sharedServices.addressSpace], azName, (d) => ({ ...tags, Name: d }), vpc);
        const attachment = attachVpc(name, m.name, tgw.id, vpc.vpcId, transit.subnets.map((s) => s.id), tags, vpc);
        routesToTgw(name, zoneTables(vpc, m.name), this.plan.vpcRoutes[m.name], tgw.id, attachment, vpc);
        attachments[m.name] = attachment;
        this.tenants[m.name] = { tenant: m.name, block: tIntent.addressSpace, vpc, attachment };
        this.vpcIds[m.name] = vpc.vpcId;
        this.blocks[m.name] = tIntent.addressSpace;
      },
      finish: () => {
        const transit = createTransitRouting(name, this.plan, tgw, attachments, (key) => (key === SHARED_SERVICES || key === "ram" ? { ...baseTags } : tenantTags(key)), args.ram);
        const attachmentIds = Object.fromEntries(Object.entries(attachments).map(([k, a]) => [k, a.id]));
        const tgwRouteTableIds = Object.fromEntries(Object.entries(transit.routeTables).map(([k, rt]) => [k, rt.id]));
        Object.assign(this, { transit, attachmentIds, tgwRouteTableIds });
        return { transitGatewayId: this.transitGatewayId, vpcIds: this.vpcIds, blocks: this.blocks, grids: this.grids, attachmentIds, tgwRouteTableIds };
      },
    };
    this.registerOutputs(buildTenants(steps));
  }
}
