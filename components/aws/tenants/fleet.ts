/**
 * A tenant fleet across stacks (see core/tenants/fleet.ts for the shard rule and the split of
 * the routing). `TenantFleetTransit` is the transit stack: the transit gateway, the
 * shared-services VPC, its attachment and TGW route table. `TenantFleetShard` is one shard's
 * stack: each tenant's VPC (a SegmentedVpc, exactly as TenantVpcs builds it), transit subnets,
 * attachment, the tenant's TGW table (shared services, blackholed pool) and the shared table's
 * return route to the tenant. A shard reads the transit ids from the transit stack with
 * `fleetTransitFromStack(new pulumi.StackReference(...))`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { planAddresses } from "../../../core/addressing";
import { TAG } from "../../../core/tags";
import { planTenantFleet, planTenantRouting, sharedServicesIntent, shardIndexOfSlot, SHARED_SERVICES, tenantIntent, type FleetShardPlan } from "../../../core/tenants";
import type { Intent } from "../../../core/intent/types";
import { SegmentedVpc } from "../vpc";
import { createFleetFlowLogBucket } from "./flow-log-bucket";
import { FLEET_TRANSIT_OUTPUTS, type FleetTransitRefs, type TenantFleetShardArgs, type TenantFleetTransitArgs } from "./fleet-args";
import { createTransitGateway, routeKey } from "./transit-gateway";
import { createTransitSubnets } from "./transit-subnets";
import { attachVpc, azNamesOf, fleetRangesOf, routesToTgw, zoneTables } from "./wiring";
import { buildTenants, createInSteps, type TenantRegistration, type TenantSteps } from "./registration";

function tenantsOf(name: string, kind: string, intent: Intent, self: pulumi.Resource) {
  if (!intent.tenants) throw new pulumi.ResourceError(`${kind} ${name}: intent "${intent.name}" has no tenants section; add tenants: { pool, blockPrefix, zones, sharedServices, members }`, self);
  return intent.tenants;
}

/** Reads the transit stack's outputs (FLEET_TRANSIT_OUTPUTS) from a StackReference. */
export function fleetTransitFromStack(ref: pulumi.StackReference): FleetTransitRefs {
  const [transitGatewayId, sharedRouteTableId, sharedAttachmentId] = FLEET_TRANSIT_OUTPUTS.map((k) => ref.requireOutput(k) as pulumi.Output<string>);
  return { transitGatewayId, sharedRouteTableId, sharedAttachmentId };
}

/**
 * The transit ids a shard program uses: the `transit` config object when set (a transit stack
 * managed elsewhere, or the ids `netseg fleet preview` hands each shard offline), otherwise the
 * outputs of the transit stack read by a StackReference (`transitStack` config, default
 * `<organization>/<project>/transit`).
 */
export function fleetTransit(config: pulumi.Config): FleetTransitRefs {
  const given = config.getObject<Record<string, unknown>>("transit");
  if (given === undefined) return fleetTransitFromStack(new pulumi.StackReference(config.get("transitStack") ?? `${pulumi.getOrganization()}/${pulumi.getProject()}/transit`));
  const bad = FLEET_TRANSIT_OUTPUTS.filter((k) => typeof given[k] !== "string" || given[k] === "");
  if (bad.length) throw new Error(`config ${config.name}:transit: ${bad.map((k) => `"${k}"`).join(", ")} missing or not a string (got ${JSON.stringify(given)}); set all of ${FLEET_TRANSIT_OUTPUTS.join(", ")} to the transit stack's ids, or remove "transit" to read them by a StackReference`);
  return { transitGatewayId: given.transitGatewayId as string, sharedRouteTableId: given.sharedRouteTableId as string, sharedAttachmentId: given.sharedAttachmentId as string };
}

export class TenantFleetTransit extends pulumi.ComponentResource {
  readonly transitGateway: aws.ec2transitgateway.TransitGateway;
  readonly sharedServicesVpc: SegmentedVpc;
  readonly sharedAttachment: aws.ec2transitgateway.VpcAttachment;
  readonly sharedRouteTable: aws.ec2transitgateway.RouteTable;
  /** Export these three from the transit stack under these names: shards read them. */
  readonly transitGatewayId: pulumi.Output<string>;
  readonly sharedRouteTableId: pulumi.Output<string>;
  readonly sharedAttachmentId: pulumi.Output<string>;

  constructor(name: string, args: TenantFleetTransitArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netseg:aws:TenantFleetTransit", name, {}, opts);
    const { intent } = args;
    const t = tenantsOf(name, "TenantFleetTransit", intent, this);
    const routing = planTenantRouting({ ...t, members: [] });
    const baseTags = { ...(args.tags ?? {}), [TAG.aws.intent]: intent.name };
    const sharedTags = { ...baseTags, [TAG.aws.role]: "shared-services" };
    const azNames = azNamesOf(args.availabilityZoneNames, this);
    this.transitGateway = createTransitGateway(name, intent.name, { ...baseTags, [TAG.aws.role]: "tenant-transit" }, this);
    this.transitGatewayId = this.transitGateway.id;

    const fleetRanges = fleetRangesOf(args.vpc?.ownRanges, t.pool, t.sharedServices.addressSpace);
    const sIntent = sharedServicesIntent(intent);
    const vpc = new SegmentedVpc(`${name}-${SHARED_SERVICES}`, { ...(args.vpc ?? {}), ownRanges: fleetRanges, intent: sIntent, tags: sharedTags }, { parent: this });
    const transit = createTransitSubnets(`${name}-${SHARED_SERVICES}`, vpc.vpcId, planAddresses(sIntent).infrastructure, sIntent.addressSpace, [routing.pool], (i) => azNames.apply((n) => n[i]), (d) => ({ ...sharedTags, Name: d }), vpc);
    this.sharedAttachment = attachVpc(name, SHARED_SERVICES, this.transitGateway.id, vpc.vpcId, transit.subnets.map((s) => s.id), sharedTags, vpc);
    routesToTgw(name, zoneTables(vpc, SHARED_SERVICES), routing.vpcRoutes[SHARED_SERVICES], this.transitGateway.id, this.sharedAttachment, vpc);
    this.sharedServicesVpc = vpc;

    this.sharedRouteTable = new aws.ec2transitgateway.RouteTable(`${name}-${SHARED_SERVICES}`, { transitGatewayId: this.transitGateway.id, tags: { ...baseTags, Name: `${name}-${SHARED_SERVICES}` } }, { parent: this.transitGateway });
    new aws.ec2transitgateway.RouteTableAssociation(`${name}-${SHARED_SERVICES}`, { transitGatewayAttachmentId: this.sharedAttachment.id, transitGatewayRouteTableId: this.sharedRouteTable.id, replaceExistingAssociation: true }, { parent: this.sharedRouteTable });
    this.sharedRouteTableId = this.sharedRouteTable.id;
    this.sharedAttachmentId = this.sharedAttachment.id;

    if (args.ram && args.ram.principals.length) {
      const share = new aws.ram.ResourceShare(`${name}-tgw`, { allowExternalPrincipals: args.ram.allowExternalPrincipals ?? false, tags: { ...baseTags } }, { parent: this.transitGateway });
      new aws.ram.ResourceAssociation(`${name}-tgw`, { resourceArn: this.transitGateway.arn, resourceShareArn: share.arn }, { parent: share });
      for (const principal of [...new Set(args.ram.principals)].sort()) {
        new aws.ram.PrincipalAssociation(`${name}-tgw-${principal.replace(/[^A-Za-z0-9-]/g, "-")}`, { principal, resourceShareArn: share.arn }, { parent: share });
      }
    }
    this.registerOutputs({ transitGatewayId: this.transitGatewayId, sharedRouteTableId: this.sharedRouteTableId, sharedAttachmentId: this.sharedAttachmentId, sharedServicesVpcId: vpc.vpcId });
  }
}

export interface FleetTenantResources {
  readonly tenant: string;
  readonly block: string;
  readonly vpc: SegmentedVpc;
  readonly attachment: aws.ec2transitgateway.VpcAttachment;
  readonly routeTable: aws.ec2transitgateway.RouteTable;
}

export class TenantFleetShard extends pulumi.ComponentResource {
  /** This shard's part of the fleet plan: its tenants, their TGW tables and the shared table's return routes. */
  readonly plan: FleetShardPlan;
  readonly tenants: Record<string, FleetTenantResources>;
  readonly vpcIds: Record<string, pulumi.Output<string>>;
  readonly blocks: Record<string, string>;
  readonly attachmentIds: Record<string, pulumi.Output<string>>;
  readonly tgwRouteTableIds: Record<string, pulumi.Output<string>>;

  /**
   * The same shard as `new TenantFleetShard(...)`, registered a few tenants at a time (see
   * registration.ts): `await TenantFleetShard.create(...)` in an async program.
   */
  static create(name: string, args: TenantFleetShardArgs, opts?: pulumi.ComponentResourceOptions, registration?: TenantRegistration): Promise<TenantFleetShard> {
    return createInSteps("TenantFleetShard", name, registration, () => new TenantFleetShard(name, args, opts));
  }

  constructor(name: string, args: TenantFleetShardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netseg:aws:TenantFleetShard", name, {}, opts);
    const { intent } = args;
    const t = tenantsOf(name, "TenantFleetShard", intent, this);
    if (!Number.isInteger(args.shard) || args.shard < 0) throw new pulumi.ResourceError(`TenantFleetShard ${name}: shard ${String(args.shard)} is not a shard index (a whole number from 0); set it from the stack's config, e.g. shard: 3`, this);
    const lean = args.layout === "lean";
    if (args.layout !== undefined && args.layout !== "standard" && !lean) throw new pulumi.ResourceError(`TenantFleetShard ${name}: layout "${String(args.layout)}" is neither "standard" nor "lean"`, this);
    let fleet;
    try {
      fleet = planTenantFleet(t, args.shardSize);
    } catch (err) {
      throw new pulumi.ResourceError(`TenantFleetShard ${name}: ${(err as Error).message}`, this);
    }
    this.plan = fleet.shards.find((s) => s.index === args.shard) ?? { index: args.shard, key: `shard-${args.shard}`, slots: [args.shard * args.shardSize, (args.shard + 1) * args.shardSize - 1], tenants: [], routeTables: [], sharedRoutes: [] };
    const { transitGatewayId, sharedRouteTableId, sharedAttachmentId } = args.transit;
    const baseTags = { ...(args.tags ?? {}), [TAG.aws.intent]: intent.name };
    const azNames = azNamesOf(args.availabilityZoneNames, this);
    const azName = (i: number) => azNames.apply((n) => n[i]);
    const fleetLogs = lean && args.vpc?.flowLogs === undefined && this.plan.tenants.length > 0 ? createFleetFlowLogBucket(name, { ...baseTags, [TAG.aws.role]: "tenant-flow-logs" }, this) : undefined;
    const fleetRanges = fleetRangesOf(args.vpc?.ownRanges, t.pool, t.sharedServices.addressSpace);

    this.tenants = {};
    this.vpcIds = {};
    this.blocks = {};
    this.attachmentIds = {};
    this.tgwRouteTableIds = {};
    const mine = new Map(t.members.filter((m) => shardIndexOfSlot(m.slot, args.shardSize) === args.shard).map((m) => [m.name, m]));
    const tables = new Map(this.plan.routeTables.map((rt) => [rt.key, rt]));
    const steps: TenantSteps = {
      tenants: [...mine.keys()].sort(),
      add: (tenant, tenantOpts) => {
        const m = mine.get(tenant)!;
        const tIntent = tenantIntent(intent, m);
        const tags = { ...baseTags, ...m.tags, [TAG.aws.tenant]: m.name };
        const vpcArgs = {
          ...(args.vpc ?? {}),
          ownRanges: fleetRanges,
          ...(lean && args.vpc?.routeTables === undefined ? { routeTables: "perZone" as const } : {}),
          ...(fleetLogs ? { flowLogs: { destination: "s3" as const, bucketArn: pulumi.interpolate`${fleetLogs.arn}/${m.name}/` } } : {}),
        };
        const vpc = new SegmentedVpc(`${name}-${m.name}`, { ...vpcArgs, intent: tIntent, tags }, { ...tenantOpts, parent: this });
        const transit = createTransitSubnets(`${name}-${m.name}`, vpc.vpcId, planAddresses(tIntent).infrastructure, tIntent.addressSpace, [t.sharedServices.addressSpace], azName, (d) => ({ ...tags, Name: d }), vpc);
        const attachment = attachVpc(name, m.name, transitGatewayId, vpc.vpcId, transit.subnets.map((s) => s.id), tags, vpc);
        routesToTgw(name, zoneTables(vpc, m.name), fleet.routing.vpcRoutes[m.name], transitGatewayId, attachment, vpc);

        const table = tables.get(m.name)!;
        const rt = new aws.ec2transitgateway.RouteTable(`${name}-${m.name}`, { transitGatewayId, tags: { ...tags, Name: `${name}-${m.name}` } }, { parent: attachment });
        new aws.ec2transitgateway.RouteTableAssociation(`${name}-${m.name}`, { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: rt.id, replaceExistingAssociation: true }, { parent: rt });
        for (const r of table.routes) {
          if (r.target.kind === "attachment" && r.target.attachment !== SHARED_SERVICES) throw new pulumi.ResourceError(`internal: tenant ${m.name}'s TGW table routes to ${r.target.attachment}`, this);
          const target = r.target.kind === "blackhole" ? { blackhole: true } : { transitGatewayAttachmentId: sharedAttachmentId };
          new aws.ec2transitgateway.Route(`${name}-${routeKey(m.name, r)}`, { transitGatewayRouteTableId: rt.id, destinationCidrBlock: r.destination, ...target }, { parent: rt });
        }
        const back = this.plan.sharedRoutes.find((r) => r.target.kind === "attachment" && r.target.attachment === m.name)!;
        new aws.ec2transitgateway.Route(`${name}-${routeKey(SHARED_SERVICES, back)}`, { transitGatewayRouteTableId: sharedRouteTableId, destinationCidrBlock: back.destination, transitGatewayAttachmentId: attachment.id }, { parent: attachment });
        this.tenants[m.name] = { tenant: m.name, block: tIntent.addressSpace, vpc, attachment, routeTable: rt };
        this.vpcIds[m.name] = vpc.vpcId;
        this.blocks[m.name] = tIntent.addressSpace;
        this.attachmentIds[m.name] = attachment.id;
        this.tgwRouteTableIds[m.name] = rt.id;
      },
      finish: () => ({ vpcIds: this.vpcIds, blocks: this.blocks, attachmentIds: this.attachmentIds, tgwRouteTableIds: this.tgwRouteTableIds }),
    };
    this.registerOutputs(buildTenants(steps));
  }
}
