/**
 * A VPC that exists already (made by hand, by another stack, by awsx): SegmentedVpc then creates
 * only netseg's own resources inside it. Everything about it is checked before a child exists,
 * as plain data: the id's shape, the CIDR holding the intent's address space, an internet
 * gateway for every zone whose traffic must reach the internet. Ids that are outputs of another
 * resource (an awsx VPC's `vpcId`) are checked when they resolve, before any child that uses them
 * is created.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Intent, IntentIssue } from "../../../core/intent";
import { cidrContains, parseCidr } from "../../../core/net/cidr";

export interface ExistingVpcArgs {
  /** The VPC's id (`vpc-0123456789abcdef0`); an output (awsx's `vpc.vpcId`) is checked when it resolves. */
  readonly id: pulumi.Input<string>;
  /** The VPC CIDR block that holds the intent's address space (plain text: the address plan is computed from it before deployment). */
  readonly cidrBlock: string;
  /** The internet gateway attached to the VPC (`igw-...`); needed when a zone faces the internet or leaves through NAT or the egress proxy. */
  readonly internetGatewayId?: pulumi.Input<string>;
  /** Create and attach an internet gateway (for a VPC that has none; AWS allows one per VPC). */
  readonly createInternetGateway?: boolean;
}

/** The checked, plain part of an existing VPC, kept in the plan. */
export interface ExistingVpcPlan {
  readonly cidrBlock: string;
  /** Where internet-bound routes go: a given gateway, one this component creates, or none (no zone needs one). */
  readonly internetGateway: "given" | "create" | "none";
}

export const VPC_ID = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
export const INTERNET_GATEWAY_ID = /^igw-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** AWS's own bounds on a VPC's IPv4 blocks. */
const VPC_PREFIX = { min: 16, max: 28 } as const;

const isPlainString = (v: unknown): v is string => typeof v === "string";

/** Is `v` something Pulumi resolves later (an Output or a promise), not a plain value? */
function isDeferred(v: unknown): boolean {
  return typeof v === "object" && v !== null && (typeof (v as { apply?: unknown }).apply === "function" || typeof (v as { then?: unknown }).then === "function");
}

/** What is wrong with an id of the wrong shape and how to fix it, for the construction check and the deploy-time one. */
const BAD_VPC_ID = 'is not a VPC id: expected "vpc-" and 8 or 17 hex digits (e.g. vpc-0123456789abcdef0)';
const BAD_VPC_ID_FIX = "pass the id of the VPC to segment as `aws ec2 describe-vpcs` shows it (awsx: vpc.vpcId), not its name, ARN or a subnet id";

/**
 * The zones whose traffic must reach an internet gateway: internet-facing zones (their default
 * route), and, when SegmentedVpc or EgressProxy builds a way out, zones behind NAT (the NAT
 * gateways sit in an internet-facing zone and send through the gateway) or behind the egress
 * proxy (its path ends in NAT gateways too).
 */
export function zonesNeedingInternetGateway(intent: Intent, natGatewaysPlanned: boolean): string[] {
  return intent.zones.filter((z) => z.managed && (z.internet === "inbound" || (z.egress === "nat" && natGatewaysPlanned) || z.egress === "proxy")).map((z) => z.name);
}

/** Checks `args.vpc`; pushes every problem into `issues`; returns the plan part when it is usable. */
export function checkExistingVpc(vpc: ExistingVpcArgs, intent: Intent, natGatewaysPlanned: boolean, issues: IntentIssue[]): ExistingVpcPlan | undefined {
  const before = issues.length;
  if (typeof vpc !== "object" || vpc === null || Array.isArray(vpc)) {
    issues.push({ path: "vpc", value: vpc, message: "must be an object { id, cidrBlock, internetGatewayId? }", fix: "pass the existing VPC's id and CIDR block, or leave vpc out to let SegmentedVpc create the VPC" });
    return undefined;
  }
  const { id, cidrBlock, internetGatewayId, createInternetGateway } = vpc;
  if (id === undefined || id === null || id === "") issues.push({ path: "vpc.id", value: id, message: "is missing", fix: "pass the existing VPC's id (vpc-...; awsx: vpc.vpcId)" });
  else if (isPlainString(id)) {
    if (!VPC_ID.test(id)) issues.push({ path: "vpc.id", value: id, message: BAD_VPC_ID, fix: BAD_VPC_ID_FIX });
  } else if (!isDeferred(id)) issues.push({ path: "vpc.id", value: id, message: "must be a string or an output of one", fix: "pass the existing VPC's id (vpc-...; awsx: vpc.vpcId)" });

  let vpcCidr: string | undefined;
  if (!isPlainString(cidrBlock)) {
    issues.push({
      path: "vpc.cidrBlock",
      value: isDeferred(cidrBlock) ? "(an output)" : cidrBlock,
      message: "must be the VPC's CIDR block as plain text: the address plan is computed from it before anything is deployed",
      fix: 'write it out (e.g. cidrBlock: "10.20.0.0/16"); for awsx, pass the cidrBlock you gave awsx.ec2.Vpc',
    });
  } else {
    const parsed = parseCidr(cidrBlock, { strict: true });
    const space = parseCidr(intent.addressSpace);
    if ("error" in parsed) issues.push({ path: "vpc.cidrBlock", value: cidrBlock, message: parsed.error, fix: "use the VPC's IPv4 CIDR block as `aws ec2 describe-vpcs` shows it" });
    else if (parsed.family !== 4 || parsed.prefix < VPC_PREFIX.min || parsed.prefix > VPC_PREFIX.max) {
      issues.push({ path: "vpc.cidrBlock", value: cidrBlock, message: `is not a VPC's IPv4 block (AWS allows /${VPC_PREFIX.min} to /${VPC_PREFIX.max})`, fix: "use the VPC's IPv4 CIDR block (primary or secondary) that holds the intent's addressSpace" });
    } else if ("error" in space || !cidrContains(parsed, space)) {
      issues.push({
        path: "vpc.cidrBlock",
        value: cidrBlock,
        message: `does not hold the intent's addressSpace ${intent.addressSpace}: netseg's subnets must lie inside the VPC`,
        fix: `set the intent's addressSpace to a free block inside ${parsed.text}, or pass the VPC's CIDR block (primary or secondary) that holds ${intent.addressSpace}`,
      });
    } else vpcCidr = parsed.text;
  }

  if (internetGatewayId !== undefined && createInternetGateway === true) {
    issues.push({ path: "vpc.createInternetGateway", value: true, message: "a VPC has at most one internet gateway, and vpc.internetGatewayId names one already", fix: "pass either internetGatewayId (the VPC has a gateway) or createInternetGateway: true (it has none)" });
  }
  if (createInternetGateway !== undefined && typeof createInternetGateway !== "boolean") {
    issues.push({ path: "vpc.createInternetGateway", value: createInternetGateway, message: "must be true or false", fix: "use createInternetGateway: true to have SegmentedVpc create and attach the gateway" });
  }
  if (isPlainString(internetGatewayId) && !INTERNET_GATEWAY_ID.test(internetGatewayId)) {
    issues.push({ path: "vpc.internetGatewayId", value: internetGatewayId, message: 'is not an internet gateway id: expected "igw-" and 8 or 17 hex digits', fix: "use the id of the gateway attached to the VPC (`aws ec2 describe-internet-gateways --filters Name=attachment.vpc-id,Values=<vpc id>`)" });
  }
  const gateway: ExistingVpcPlan["internetGateway"] = internetGatewayId !== undefined && internetGatewayId !== null && internetGatewayId !== "" ? "given" : createInternetGateway === true ? "create" : "none";
  const needing = zonesNeedingInternetGateway(intent, natGatewaysPlanned);
  if (gateway === "none" && needing.length) {
    issues.push({
      path: "vpc.internetGatewayId",
      message: `zone${needing.length > 1 ? "s" : ""} ${needing.join(", ")} need${needing.length > 1 ? "" : "s"} the internet (internet: inbound, egress through NAT or the egress proxy), and no internet gateway is given`,
      fix: "pass vpc.internetGatewayId (the igw-... attached to the VPC), or vpc.createInternetGateway: true if the VPC has none",
    });
  }
  return issues.length === before && vpcCidr ? { cidrBlock: vpcCidr, internetGateway: gateway } : undefined;
}

/** A deploy-time check of an id that was an output at construction. */
export function checkResolvedVpcId(id: string): string {
  if (!VPC_ID.test(id)) throw new Error(`vpc.id ${JSON.stringify(id)} ${BAD_VPC_ID}. Fix: ${BAD_VPC_ID_FIX}`);
  return id;
}
