/**
 * 50 tenants, each an isolated VPC built from the intent's zone template (web, app, data), all
 * attached to one transit gateway. Every tenant's TGW route table reaches the shared-services
 * block and blackholes the whole tenant pool, so no tenant can reach another, including tenants
 * added later. Outputs are keyed by tenant name for the tenant-onboarding pipeline.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadIntentFile } from "netseg";
import { TenantVpcs } from "netseg/aws";

const config = new pulumi.Config();
const intent = loadIntentFile(path.join(__dirname, "intent.yaml"));
const principals = config.getObject<string[]>("ramPrincipals") ?? [];

const fleet = new TenantVpcs("saas", { intent, ram: principals.length ? { principals } : undefined });

export const transitGatewayId = fleet.transitGatewayId;
export const tenantVpcIds = fleet.vpcIds;
export const tenantBlocks = fleet.blocks;
/** The grids the subnets are cut by; before a change, compare with tenantGridDrift (core/tenants). */
export const tenantGrids = fleet.grids;
export const attachmentIds = fleet.attachmentIds;
export const sharedServicesVpcId = fleet.sharedServicesVpc?.vpcId;
