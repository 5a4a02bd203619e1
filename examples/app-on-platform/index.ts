/**
 * An application on netseg's platform. The platform team's SegmentedVpc lays out the shop's
 * zones (examples/intents/shop.yaml); the application team then puts its own workloads into
 * them, each with its own security group next to the zone's:
 *
 * - an internal Application Load Balancer in the app zone, listening on 8080 for the edge zone;
 * - two API instances in the app zone behind it;
 * - a Lambda function in the app zone that writes to the database;
 * - an Aurora PostgreSQL cluster in the data zone, open on 5432 to the API and the function only.
 *
 * `netseg preview examples/app-on-platform` judges each of these as an endpoint of its own
 * (`aws:app/ec2:api-1`, `aws:data/rds:orders`...), against the same intent the platform was
 * built from. In a real split, the application stack would read the platform's outputs
 * (`subnetIds`, `securityGroupIds`) through a StackReference; here both live in one program so
 * the offline preview sees the whole network.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadIntentFile } from "netseg";
import { EgressProxy, SegmentedVpc, egressNetworkOf } from "netseg/aws";

const intent = loadIntentFile(path.join(__dirname, "..", "intents", "shop.yaml"));

// The platform team's part.
const shop = new SegmentedVpc("shop", { intent, natGateways: "single", egressProxy: { backend: "network-firewall" } });
new EgressProxy("shop-egress", { intent, network: egressNetworkOf(shop), backend: "network-firewall" });

// The application team's part: everything below wears its zone's group plus one of its own.
const zoneSg = (zone: string) => shop.securityGroupIds.apply((ids) => ids[zone]);
const subnet = (zone: string, az: string) => shop.subnetIds.apply((ids) => ids[zone][az]);
const appSubnets = ["az1", "az2", "az3"].map((az) => subnet("app", az));
const tags = { team: "orders" };

const albSg = new aws.ec2.SecurityGroup("orders-alb", {
  vpcId: shop.vpcId,
  description: "orders internal load balancer",
  tags,
});
const apiSg = new aws.ec2.SecurityGroup("orders-api", { vpcId: shop.vpcId, description: "orders API instances", tags });
const fnSg = new aws.ec2.SecurityGroup("orders-fn", { vpcId: shop.vpcId, description: "orders settlement function", tags });
const dbSg = new aws.ec2.SecurityGroup("orders-db", { vpcId: shop.vpcId, description: "orders database", tags });

// The edge zone reaches the load balancer on its listener; the balancer reaches the API.
new aws.vpc.SecurityGroupIngressRule("orders-alb-from-edge", {
  securityGroupId: albSg.id,
  referencedSecurityGroupId: zoneSg("edge"),
  ipProtocol: "tcp",
  fromPort: 8080,
  toPort: 8080,
  description: "edge to the orders API",
});
new aws.vpc.SecurityGroupEgressRule("orders-alb-to-api", {
  securityGroupId: albSg.id,
  referencedSecurityGroupId: apiSg.id,
  ipProtocol: "tcp",
  fromPort: 8080,
  toPort: 8080,
  description: "load balancer to its targets",
});
new aws.vpc.SecurityGroupIngressRule("orders-api-from-alb", {
  securityGroupId: apiSg.id,
  referencedSecurityGroupId: albSg.id,
  ipProtocol: "tcp",
  fromPort: 8080,
  toPort: 8080,
  description: "from the orders load balancer",
});
// The API and the function write to the database, and nothing else does.
for (const [name, sg] of [["api", apiSg], ["fn", fnSg]] as const) {
  new aws.vpc.SecurityGroupEgressRule(`orders-${name}-to-db`, {
    securityGroupId: sg.id,
    referencedSecurityGroupId: dbSg.id,
    ipProtocol: "tcp",
    fromPort: 5432,
    toPort: 5432,
    description: "to the orders database",
  });
  new aws.vpc.SecurityGroupIngressRule(`orders-db-from-${name}`, {
    securityGroupId: dbSg.id,
    referencedSecurityGroupId: sg.id,
    ipProtocol: "tcp",
    fromPort: 5432,
    toPort: 5432,
    description: `from orders ${name}`,
  });
}

const api = ["az1", "az2"].map(
  (az, i) =>
    new aws.ec2.Instance(`orders-api-${i + 1}`, {
      ami: "ami-0abcdef1234567890",
      instanceType: "t3.small",
      subnetId: subnet("app", az),
      vpcSecurityGroupIds: [zoneSg("app"), apiSg.id],
      associatePublicIpAddress: false,
      metadataOptions: { httpTokens: "required" },
      tags: { ...tags, Name: `orders-api-${i + 1}` },
    }),
);

const alb = new aws.lb.LoadBalancer("orders", {
  internal: true,
  loadBalancerType: "application",
  subnets: appSubnets,
  securityGroups: [zoneSg("app"), albSg.id],
  tags,
});
const targets = new aws.lb.TargetGroup("orders-api", { port: 8080, protocol: "HTTP", targetType: "instance", vpcId: shop.vpcId, tags });
api.forEach((instance, i) => new aws.lb.TargetGroupAttachment(`orders-api-${i + 1}`, { targetGroupArn: targets.arn, targetId: instance.id, port: 8080 }));
new aws.lb.Listener("orders-http", {
  loadBalancerArn: alb.arn,
  port: 8080,
  protocol: "HTTP",
  defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
  tags,
});

const role = new aws.iam.Role("orders-settle", {
  assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
  managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"],
});
new aws.lambda.Function("orders-settle", {
  runtime: "nodejs20.x",
  handler: "index.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ ok: true });") }),
  vpcConfig: { subnetIds: appSubnets, securityGroupIds: [zoneSg("app"), fnSg.id] },
  tags,
});

const dbSubnets = new aws.rds.SubnetGroup("orders", { subnetIds: ["az1", "az2", "az3"].map((az) => subnet("data", az)), tags });
const cluster = new aws.rds.Cluster("orders", {
  engine: "aurora-postgresql",
  engineVersion: "16.4",
  masterUsername: "orders",
  manageMasterUserPassword: true,
  dbSubnetGroupName: dbSubnets.name,
  vpcSecurityGroupIds: [zoneSg("data"), dbSg.id],
  storageEncrypted: true,
  skipFinalSnapshot: true,
  tags,
});
new aws.rds.ClusterInstance("orders-1", {
  clusterIdentifier: cluster.id,
  instanceClass: "db.r6g.large",
  engine: "aurora-postgresql",
  publiclyAccessible: false,
  tags,
});

export const loadBalancerDns = alb.dnsName;
export const databaseEndpoint = cluster.endpoint;
