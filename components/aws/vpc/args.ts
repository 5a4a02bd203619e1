/**
 * The SegmentedVpc's arguments and everything decided before a single child exists: the intent
 * (parsed from an object or a YAML file, or taken as already normalised), the address plan,
 * the AWS rule plan and the component's own options, all validated together. A bad input thus
 * fails at construction with every problem listed, and creates nothing.
 */
import type * as pulumi from "@pulumi/pulumi";
import { resolveIntent, IntentError, type Intent, type IntentInput, type IntentIssue } from "../../../core/intent";
import { planAddresses, type AddressPlan } from "../../../core/addressing";
import { planAwsRulesForIntent, checkTags, zonesNeedingNat, type AwsPlanOptions, type AwsRulePlan } from "../../../core/rules/aws";
import { SQUID_PORT, type EgressBackend } from "../../../core/egress";
import { checkExistingVpc, type ExistingVpcArgs, type ExistingVpcPlan } from "./existing-vpc";
import { planAwsTelemetry, type AwsTelemetryArgs, type AwsTelemetryPlan } from "./telemetry";

export type NatGatewayStrategy = "none" | "single" | "perAz";
export type GatewayEndpointService = "s3" | "dynamodb";

export type FlowLogsArgs =
  | false
  | { readonly destination?: "cloud-watch-logs"; readonly retentionDays?: number; readonly trafficType?: "ALL" | "ACCEPT" | "REJECT" }
  | { readonly destination: "s3"; readonly bucketArn?: pulumi.Input<string>; readonly retentionDays?: number; readonly trafficType?: "ALL" | "ACCEPT" | "REJECT" };

/**
 * How the zones with `egress: proxy` reach the egress proxy; match it to the EgressProxy backend.
 * - `backend: "network-firewall"` (transparent): the zones' rules open the allow-listed ports
 *   towards the internet (`cidrs` default `["0.0.0.0/0"]`, written minus the deployment's own
 *   ranges, which take the local route and never cross the firewall); the firewall decides.
 * - `backend: "proxy-fleet"` (explicit): the zones' rules open only the proxy's listen port
 *   (`listenPort`, default 3128), towards the proxy's security group (default; EgressProxy
 *   attaches it to its load balancer) or `cidrs`; NACLs towards the proxy subnets.
 * - no backend (the default, kept for compatibility): the proxy's security group on the
 *   allow-listed ports, or `cidrs` when given.
 */
export interface EgressProxyArgs {
  readonly backend?: EgressBackend;
  /** The proxy's own security group, when it exists already (its ingress rules are then yours to add). */
  readonly securityGroupId?: pulumi.Input<string>;
  /** Address proxy-bound traffic by CIDR instead (a transparent firewall: `["0.0.0.0/0"]`). */
  readonly cidrs?: readonly string[];
  /** An explicit proxy's listen port; proxy-fleet's default is Squid's 3128. */
  readonly listenPort?: number;
}

export interface SegmentedVpcArgs {
  /** A normalised intent, an intent object as written in YAML, or the path of a YAML file. Plain values only. */
  readonly intent: Intent | IntentInput | string;
  /**
   * Segment a VPC that exists already instead of creating one: only netseg's subnets, route
   * tables, NACLs, security groups (and NAT gateways, gateway endpoints) are created inside it;
   * its default security group and NACL are left alone, and flow logs are added only when
   * `flowLogs` is given. See ExistingVpcArgs.
   */
  readonly vpc?: ExistingVpcArgs;
  /** NAT gateways for zones with egress nat: none, one (in AZ 1), or one per AZ (default). */
  readonly natGateways?: NatGatewayStrategy;
  /** The internet-facing zone whose subnets hold the NAT gateways; the first declared by default. */
  readonly natZone?: string;
  /** AZ names, in AZ-index order; by default the region's first available ones. */
  readonly availabilityZoneNames?: readonly string[];
  /** VPC flow logs: on by default, to CloudWatch Logs with 90 days' retention. */
  readonly flowLogs?: FlowLogsArgs;
  /**
   * `perAz` (default): a route table per zone and AZ, so a zone's default route can differ by AZ
   * (its AZ's NAT gateway, its AZ's firewall endpoint). `perZone`: one table per zone shared by
   * its AZs, for VPCs where every AZ routes alike (no NAT per AZ, no egress proxy), e.g. tenant
   * VPCs; fewer resources, same reachability. `routeTables` still lists the table under each AZ.
   */
  readonly routeTables?: "perAz" | "perZone";
  /** Gateway endpoints attached to the private route tables (default both). */
  readonly gatewayEndpoints?: readonly GatewayEndpointService[];
  readonly egressProxy?: EgressProxyArgs;
  /** The account's NACL entry quota per direction (20 by default, at most 40). */
  readonly naclEntryLimit?: number;
  /** The account's security-group rule quota per direction (60 by default). */
  readonly sgRuleLimit?: number;
  /**
   * Blocks outside the intent's address space that belong to the same deployment and are never
   * the internet (TenantVpcs passes the tenant pool and shared services): the zones' internet
   * rules leave them out, as they leave out the address space.
   */
  readonly ownRanges?: readonly string[];
  /** Extra tags on every resource. */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Segmentation telemetry, off by default: metric filters on the flow-log group (rejected
   * packets per zone), an alarm per zone (to `snsTopicArn`) and a dashboard. Needs the flow logs
   * in CloudWatch Logs. See AwsTelemetryOptions.
   */
  readonly telemetry?: AwsTelemetryArgs;
}

/** The plain data the component is built from; also one of its outputs. */
export interface SegmentedVpcPlan {
  readonly intent: Intent;
  readonly addresses: AddressPlan;
  readonly rules: AwsRulePlan;
  readonly natGateways: NatGatewayStrategy;
  /** AZ indexes that get a NAT gateway (empty when no zone needs one). */
  readonly natAzIndexes: readonly number[];
  readonly routeTables: "perAz" | "perZone";
  readonly gatewayEndpoints: readonly GatewayEndpointService[];
  readonly flowLogs: { readonly enabled: false } | { readonly enabled: true; readonly destination: "cloud-watch-logs" | "s3"; readonly retentionDays: number; readonly trafficType: string };
  /** Present when the VPC exists already (`args.vpc`); absent when SegmentedVpc creates it. */
  readonly existingVpc?: ExistingVpcPlan;
  /** Present when telemetry is on. */
  readonly telemetry?: AwsTelemetryPlan;
}

/** Retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export const DEFAULT_RETENTION_DAYS = 90;

/** The rule planner's egress-proxy options for the chosen backend (see EgressProxyArgs). */
export function egressProxyOptions(args: EgressProxyArgs | undefined, issues: IntentIssue[]): AwsPlanOptions["egressProxy"] {
  if (!args) return undefined;
  const { backend, cidrs, listenPort } = args;
  if (backend !== undefined && backend !== "network-firewall" && backend !== "proxy-fleet") {
    issues.push({ path: "egressProxy.backend", value: backend, message: "must be network-firewall or proxy-fleet", fix: "use the backend of the EgressProxy that serves this VPC" });
    return undefined;
  }
  if (backend === "network-firewall") {
    if (listenPort !== undefined) issues.push({ path: "egressProxy.listenPort", value: listenPort, message: "a network firewall is transparent: it has no listen port", fix: "leave listenPort out, or use backend proxy-fleet" });
    return { mode: "cidrs", cidrs: cidrs ?? ["0.0.0.0/0"] };
  }
  const port = backend === "proxy-fleet" ? (listenPort ?? SQUID_PORT) : listenPort;
  const mode = cidrs && !args.securityGroupId ? "cidrs" : "security-group";
  if (mode === "security-group" && !cidrs && port === undefined) return undefined;
  return { mode, ...(cidrs ? { cidrs } : {}), ...(port === undefined ? {} : { listenPort: port }) };
}

/** Validates everything and plans; throws one IntentError listing every problem. */
export function planSegmentedVpc(name: string, args: SegmentedVpcArgs): SegmentedVpcPlan {
  if (!args || args.intent === undefined) throw new IntentError([{ path: "intent", message: "SegmentedVpc needs an intent", fix: "pass intent: a path to a YAML file, an intent object or a parsed Intent" }]);
  const intent = resolveIntent(args.intent, "SegmentedVpc args.intent");
  const issues: IntentIssue[] = [];
  const natGateways = args.natGateways ?? "perAz";
  if (!["none", "single", "perAz"].includes(natGateways)) issues.push({ path: "natGateways", value: natGateways, message: "must be none, single or perAz", fix: "use perAz for one NAT gateway per AZ (resilient) or single (cheaper)" });
  if (args.availabilityZoneNames && args.availabilityZoneNames.length < intent.availabilityZones) {
    issues.push({ path: "availabilityZoneNames", value: args.availabilityZoneNames.length, message: `the intent uses ${intent.availabilityZones} availability zones, but only ${args.availabilityZoneNames.length} names are given`, fix: "list one name per availability zone, in order" });
  }
  const endpoints: GatewayEndpointService[] = [...new Set<GatewayEndpointService>(args.gatewayEndpoints ?? ["s3", "dynamodb"])].sort();
  for (const e of endpoints) if (e !== "s3" && e !== "dynamodb") issues.push({ path: "gatewayEndpoints", value: e, message: "gateway endpoints exist for s3 and dynamodb only", fix: "use s3 and/or dynamodb (interface endpoints are not gateway endpoints)" });
  const needNat = zonesNeedingNat(intent.zones).length > 0;
  // An existing VPC: its CIDR beyond the address space is still the VPC's (local route), never the internet.
  const existingVpc = args.vpc === undefined ? undefined : checkExistingVpc(args.vpc, intent, needNat && natGateways !== "none", issues);
  const vpcRange = existingVpc && existingVpc.cidrBlock !== intent.addressSpace ? existingVpc.cidrBlock : undefined;
  const ownRanges = vpcRange === undefined ? args.ownRanges : args.ownRanges === undefined ? [vpcRange] : Array.isArray(args.ownRanges) ? [...args.ownRanges, vpcRange] : args.ownRanges;
  // An existing VPC's flow logs are its owner's business: one is added only when asked for.
  const fl = args.flowLogs ?? (args.vpc === undefined ? {} : false);
  const retentionDays = fl === false ? 0 : (fl.retentionDays ?? DEFAULT_RETENTION_DAYS);
  if (fl !== false && !(LOG_RETENTION_DAYS as readonly number[]).includes(retentionDays)) {
    issues.push({ path: "flowLogs.retentionDays", value: retentionDays, message: "is not a retention period CloudWatch Logs accepts", fix: `use one of ${LOG_RETENTION_DAYS.join(", ")}` });
  }
  if (args.tags) issues.push(...checkTags("tags", args.tags));
  const longestZone = intent.zones.reduce((a, z) => (z.name.length > a.length ? z.name : a), "");
  issues.push(...checkTags("(component name, in Name tags)", { Name: `${name}-${longestZone}-az${intent.availabilityZones}` }));
  let rules: AwsRulePlan | undefined;
  try {
    rules = planAwsRulesForIntent(intent, {
      namePrefix: name,
      naclEntryLimit: args.naclEntryLimit,
      sgRuleLimit: args.sgRuleLimit,
      ...(ownRanges ? { ownRanges } : {}),
      natZone: args.natZone,
      egressProxy: egressProxyOptions(args.egressProxy, issues),
      source: intent.name,
    });
  } catch (e) {
    if (!(e instanceof IntentError)) throw e;
    issues.push(...e.issues);
  }
  const natAzIndexes = !needNat || natGateways === "none" ? [] : natGateways === "single" ? [0] : Array.from({ length: intent.availabilityZones }, (_, i) => i);
  const routeTables = args.routeTables ?? "perAz";
  if (routeTables !== "perAz" && routeTables !== "perZone") issues.push({ path: "routeTables", value: routeTables, message: "must be perAz or perZone", fix: "use perAz (default) unless every AZ routes alike" });
  if (routeTables === "perZone") {
    if (natAzIndexes.length > 1) issues.push({ path: "routeTables", value: routeTables, message: "one route table per zone cannot send each AZ to its own NAT gateway", fix: 'use natGateways: "single", or routeTables: "perAz"' });
    const proxied = intent.zones.filter((z) => z.egress === "proxy").map((z) => z.name);
    if (proxied.length) issues.push({ path: "routeTables", value: routeTables, message: `the egress path routes each AZ of ${proxied.join(", ")} through its own firewall endpoint or NAT, which needs a route table per AZ`, fix: 'use routeTables: "perAz" in a VPC with egress: proxy zones' });
  }
  const addresses = planAddresses(intent);
  const flowLogs: SegmentedVpcPlan["flowLogs"] = fl === false ? { enabled: false } : { enabled: true, destination: fl.destination ?? "cloud-watch-logs", retentionDays, trafficType: fl.trafficType ?? "ALL" };
  const telemetry = planAwsTelemetry(name, { flowLogs, addresses, quarantine: intent.quarantine }, args.telemetry, issues);
  if (issues.length || !rules || (args.vpc !== undefined && !existingVpc)) throw new IntentError(issues, typeof args.intent === "string" ? args.intent : intent.name);
  return {
    intent,
    addresses,
    rules,
    natGateways,
    natAzIndexes,
    routeTables,
    gatewayEndpoints: endpoints,
    flowLogs,
    ...(existingVpc ? { existingVpc } : {}),
    ...(telemetry ? { telemetry } : {}),
  };
}
