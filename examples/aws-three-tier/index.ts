/**
 * The three-tier shop on AWS: one SegmentedVpc built from examples/intents/shop.yaml (edge
 * facing the internet, app behind the egress proxy, sensitive data with no way out, 3 AZs).
 * `netseg plan examples/intents/shop.yaml` prints the rules this program deploys.
 */
import * as path from "node:path";
import { SegmentedVpc } from "../../components/aws";

const shop = new SegmentedVpc("shop", {
  intent: path.join(__dirname, "..", "intents", "shop.yaml"),
  natGateways: "perAz",
  flowLogs: { destination: "cloud-watch-logs", retentionDays: 90 },
  tags: { project: "netseg-example" },
});

export const vpcId = shop.vpcId;
export const availabilityZones = shop.availabilityZoneNames;
/** Subnet ids by zone, then AZ (`az1`...). */
export const subnetIds = shop.subnetIds;
export const securityGroupIds = shop.securityGroupIds;
export const routeTableIds = shop.routeTableIds;
export const networkAclIds = shop.networkAclIds;
/** Attach this group to the egress proxy (see components/aws/egress). */
export const egressProxySecurityGroupId = shop.egressProxySecurityGroupId;
/** The address plan, plain data: zone blocks, subnets, reserved infrastructure subnets. */
export const addressPlan = shop.plan.addresses;
