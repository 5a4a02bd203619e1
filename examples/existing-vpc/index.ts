/**
 * netseg in a VPC that exists already. The network team's VPC (10.0.0.0/16, its internet
 * gateway attached) keeps its legacy subnets; SegmentedVpc lays the orders service's zones out
 * in the upper half (intent.yaml) and creates only what is netseg's: subnets, route tables,
 * NACLs, security groups, one NAT gateway for the api zone. No VPC, no internet gateway, no
 * takeover of the VPC's default security group or NACL (the legacy subnets still use them), no
 * second flow log. The ids come from stack config (Pulumi.dev.yaml), as they would from the
 * network team's stack outputs.
 *
 * `netseg preview examples/existing-vpc` runs it offline and judges it with netseg's packs.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadIntentFile } from "netseg";
import { SegmentedVpc } from "netseg/aws";

const config = new pulumi.Config();
const intent = loadIntentFile(path.join(__dirname, "intent.yaml"));

const orders = new SegmentedVpc("orders", {
  intent,
  vpc: {
    id: config.require("vpcId"),
    cidrBlock: config.require("vpcCidr"),
    internetGatewayId: config.require("internetGatewayId"),
  },
  natGateways: "single",
  tags: { project: "netseg-example" },
});

export const vpcId = orders.vpcId;
/** Subnet ids by zone, then AZ (`az1`...). */
export const subnetIds = orders.subnetIds;
export const securityGroupIds = orders.securityGroupIds;
export const routeTableIds = orders.routeTableIds;
export const networkAclIds = orders.networkAclIds;
export const addressPlan = orders.plan.addresses;
