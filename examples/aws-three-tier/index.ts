/**
 * The three-tier shop on AWS: one SegmentedVpc built from examples/intents/shop.yaml (edge
 * facing the internet, app behind the egress proxy, sensitive data with no way out, 3 AZs).
 * The app zone's only way out is a Squid proxy fleet enforcing the intent's allow-list (the
 * default stack shows the AWS Network Firewall backend instead).
 * `netseg plan examples/intents/shop.yaml` prints the rules this program deploys.
 */
import * as path from "node:path";
import { loadIntentFile } from "netseg";
import { SegmentedVpc, EgressProxy, egressNetworkOf } from "netseg/aws";

const intent = loadIntentFile(path.join(__dirname, "..", "intents", "shop.yaml"));

const shop = new SegmentedVpc("shop", {
  intent,
  natGateways: "perAz",
  flowLogs: { destination: "cloud-watch-logs", retentionDays: 90 },
  egressProxy: { backend: "proxy-fleet" },
  tags: { project: "netseg-example" },
});

const proxy = new EgressProxy("shop-egress", { intent, network: egressNetworkOf(shop), backend: "proxy-fleet", tags: { project: "netseg-example" } });

export const vpcId = shop.vpcId;
export const availabilityZones = shop.availabilityZoneNames;
/** Subnet ids by zone, then AZ (`az1`...). */
export const subnetIds = shop.subnetIds;
export const securityGroupIds = shop.securityGroupIds;
export const routeTableIds = shop.routeTableIds;
export const networkAclIds = shop.networkAclIds;
/** What the app zone's workloads set as HTTPS_PROXY. */
export const proxyUrl = proxy.proxyUrl;
/** The address plan, plain data: zone blocks, subnets, reserved infrastructure subnets. */
export const addressPlan = shop.plan.addresses;
