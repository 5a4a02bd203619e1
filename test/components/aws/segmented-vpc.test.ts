import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { setupMocks, recorded, resetRecorded, settle, unwrap, resourcesOfType, resourceNamed, countsByType } from "../../mocks";
setupMocks();
import { SegmentedVpc, SegmentedVpcError } from "../../../components/aws";
import { loadIntentFile, type IntentInput } from "../../../core/intent";
import { TAG } from "../../../core/tags";
import { StackIndex } from "../../../core/resources";
import { findIntents } from "../../../policy-packs/rules/conformance/intent-source";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's own property decoder, not part of its typed surface
const rpc = require("@pulumi/pulumi/runtime/rpc") as { deserializeProperties(struct: unknown): Record<string, any> };

const SHOP = "examples/intents/shop.yaml";
const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  rt: "aws:ec2/routeTable:RouteTable",
  rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  route: "aws:ec2/route:Route",
  igw: "aws:ec2/internetGateway:InternetGateway",
  nat: "aws:ec2/natGateway:NatGateway",
  eip: "aws:ec2/eip:Eip",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sgIn: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sgOut: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  defaultNacl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  bucket: "aws:s3/bucket:Bucket",
} as const;

/** Three zones, the middle one behind NAT. */
function natIntent(extra: Partial<IntentInput> = {}): IntentInput {
  return {
    name: "natty",
    addressSpace: "10.30.0.0/16",
    availabilityZones: 3,
    zones: [{ name: "edge", internet: "inbound" }, { name: "app", egress: "nat" }, { name: "data" }],
    flows: [
      { from: "internet", to: "edge", ports: ["tcp/443"] },
      { from: "edge", to: "app", ports: ["tcp/8080"] },
      { from: "app", to: "data", ports: ["tcp/5432"] },
      { from: "app", to: "internet", ports: ["tcp/443"] },
    ],
    ...extra,
  };
}

async function build(name: string, args: ConstructorParameters<typeof SegmentedVpc>[1]): Promise<SegmentedVpc> {
  const vpc = new SegmentedVpc(name, args);
  await unwrap(vpc.subnetIds);
  await settle();
  return vpc;
}


describe("components/aws SegmentedVpc", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("builds the three-tier shop: counts per type", async () => {
    await build("shop1", { intent: SHOP });
    assert.deepEqual(countsByType(), {
      [T.defaultNacl]: 1,
      [T.defaultSg]: 1,
      [T.route]: 3,
      [T.rt]: 9,
      [T.rta]: 9,
      [T.igw]: 1,
      [T.nacl]: 3,
      [T.sg]: 4,
      [T.subnet]: 9,
      [T.endpoint]: 2,
      [T.flowLog]: 1,
      [T.vpc]: 1,
      [T.logGroup]: 1,
      [T.role]: 1,
      [T.rolePolicy]: 1,
      [T.sgIn]: 7,
      [T.sgOut]: 4,
      "netseg:aws:SegmentedVpc": 1,
    });
  });

  it("routes the internet-facing zone to the internet gateway, nat zones to NAT, and nothing else", async () => {
    const vpc = await build("nat1", { intent: natIntent() });
    const igw = await unwrap(vpc.internetGateway!.id);
    const nats = await unwrap(vpc.natGatewayIds);
    assert.deepEqual(Object.keys(nats), ["az1", "az2", "az3"]);
    const routes = Object.fromEntries(resourcesOfType(T.route).map((r) => [r.name, r.inputs.gatewayId ?? r.inputs.natGatewayId]));
    assert.deepEqual(routes, {
      "nat1-edge-az1-default": igw,
      "nat1-edge-az2-default": igw,
      "nat1-edge-az3-default": igw,
      "nat1-app-az1-default": nats.az1,
      "nat1-app-az2-default": nats.az2,
      "nat1-app-az3-default": nats.az3,
    });
    assert.ok(resourcesOfType(T.route).every((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0"));
    // NAT gateways sit in the edge subnets of their own AZ, parented to them.
    const subnets = await unwrap(vpc.subnetIds);
    for (const az of ["az1", "az2", "az3"]) {
      const nat = resourceNamed(T.nat, `nat1-nat-${az}`);
      assert.equal(nat.inputs.subnetId, subnets.edge[az]);
      assert.equal(nat.parent, resourceNamed(T.subnet, `nat1-edge-${az}`).urn);
    }
    assert.equal(resourcesOfType(T.eip).length, 3);
    // data (egress none) and app's tables each hold one route only where due.
    const routeTables = await unwrap(vpc.routeTableIds);
    assert.equal(resourceNamed(T.route, "nat1-app-az2-default").inputs.routeTableId, routeTables.app.az2);
  });

  it("uses a single NAT gateway when asked, and none when no zone needs one", async () => {
    const vpc = await build("nat2", { intent: natIntent(), natGateways: "single" });
    assert.deepEqual(Object.keys(await unwrap(vpc.natGatewayIds)), ["az1"]);
    const nat = await unwrap(vpc.natGatewayIds);
    assert.ok(["az1", "az2", "az3"].every((az) => resourceNamed(T.route, `nat2-app-${az}-default`).inputs.natGatewayId === nat.az1));
    await settle();
    resetRecorded();
    await build("shop-nonat", { intent: SHOP });
    assert.equal(resourcesOfType(T.nat).length, 0, "shop's only nat zone is internet-facing: it uses the internet gateway");
    assert.deepEqual(resourcesOfType(T.route).map((r) => r.name).sort(), ["shop-nonat-edge-az1-default", "shop-nonat-edge-az2-default", "shop-nonat-edge-az3-default"]);
  });

  it("puts the plan's NACL entries, with return traffic, on each zone's subnets", async () => {
    const vpc = await build("shop2", { intent: SHOP });
    const subnets = await unwrap(vpc.subnetIds);
    const app = resourceNamed(T.nacl, "shop2-app");
    assert.deepEqual(app.inputs.subnetIds, [subnets.app.az1, subnets.app.az2, subnets.app.az3]);
    const edgeBlock = "10.20.0.0/20";
    assert.deepEqual(
      app.inputs.ingress.find((e: any) => e.cidrBlock === edgeBlock),
      { ruleNo: 130, action: "allow", protocol: "6", fromPort: 8080, toPort: 8080, cidrBlock: edgeBlock },
      "edge's request into app",
    );
    assert.deepEqual(
      app.inputs.egress.find((e: any) => e.cidrBlock === edgeBlock),
      { ruleNo: 130, action: "allow", protocol: "6", fromPort: 1024, toPort: 65535, cidrBlock: edgeBlock },
      "app's answers back to edge on ephemeral ports",
    );
    const edge = resourceNamed(T.nacl, "shop2-edge");
    assert.ok(edge.inputs.ingress.some((e: any) => e.cidrBlock === "10.20.16.0/20" && e.fromPort === 1024 && e.toPort === 65535), "edge takes app's answers");
    for (const n of resourcesOfType(T.nacl)) {
      for (const dir of ["ingress", "egress"]) {
        const last = n.inputs[dir][n.inputs[dir].length - 1];
        assert.deepEqual(last, { ruleNo: 32766, action: "deny", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }, `${n.name} ${dir} ends with a deny`);
      }
    }
  });

  it("empties the default security group and default NACL", async () => {
    const vpc = await build("shop3", { intent: SHOP });
    const sg = resourceNamed(T.defaultSg, "shop3-default");
    assert.deepEqual([sg.inputs.ingress, sg.inputs.egress], [[], []]);
    assert.equal(sg.inputs.vpcId, await unwrap(vpc.vpcId));
    const acl = resourceNamed(T.defaultNacl, "shop3-default");
    assert.deepEqual([acl.inputs.ingress, acl.inputs.egress], [[], []]);
    assert.match(acl.inputs.defaultNetworkAclId, /^acl-/);
  });

  it("creates security-group rules as standalone resources referencing zone groups, each described", async () => {
    const vpc = await build("shop4", { intent: SHOP });
    const sgs = await unwrap(vpc.securityGroupIds);
    const rule = resourceNamed(T.sgIn, "shop4-app-in-edge-tcp-8080");
    assert.deepEqual(
      { sg: rule.inputs.securityGroupId, ref: rule.inputs.referencedSecurityGroupId, p: rule.inputs.ipProtocol, f: rule.inputs.fromPort, t: rule.inputs.toPort },
      { sg: sgs.app, ref: sgs.edge, p: "tcp", f: 8080, t: 8080 },
    );
    assert.equal(rule.parent, resourceNamed(T.sg, "shop4-app").urn);
    assert.equal(resourceNamed(T.sgIn, "shop4-edge-in-0.0.0.0-0-tcp-443").inputs.cidrIpv4, "0.0.0.0/0");
    const toProxy = resourceNamed(T.sgOut, "shop4-app-out-egress-proxy-tcp-443");
    assert.equal(toProxy.inputs.referencedSecurityGroupId, await unwrap(vpc.egressProxySecurityGroupId!));
    for (const r of [...resourcesOfType(T.sgIn), ...resourcesOfType(T.sgOut)]) assert.ok(r.inputs.description?.length > 0, r.name);
    assert.ok(resourcesOfType(T.sg).every((s) => s.inputs.ingress === undefined && s.inputs.egress === undefined), "no inline rules");
  });

  it("maps public IPs only in internet-facing zones and tags zoned resources with their zone marks", async () => {
    await build("shop5", { intent: SHOP });
    const publicIp = Object.fromEntries(resourcesOfType(T.subnet).map((s) => [s.name, s.inputs.mapPublicIpOnLaunch]));
    assert.deepEqual(Object.entries(publicIp).filter(([, v]) => v).map(([k]) => k).sort(), ["shop5-edge-az1", "shop5-edge-az2", "shop5-edge-az3"]);
    const data = resourceNamed(T.subnet, "shop5-data-az2");
    assert.deepEqual(
      [data.inputs.tags[TAG.aws.zone], data.inputs.tags[TAG.aws.sensitive], data.inputs.tags[TAG.aws.egress], data.inputs.tags.Name, data.inputs.availabilityZone, data.inputs.cidrBlock],
      ["data", "true", "none", "shop5-data-az2", "us-east-1b", "10.20.36.0/22"],
    );
    for (const type of [T.subnet, T.rt, T.sg, T.nacl, T.sgIn, T.sgOut]) {
      for (const r of resourcesOfType(type)) if (!r.name.includes("egress-proxy")) assert.ok(r.inputs.tags[TAG.aws.zone], `${r.name} carries its zone`);
    }
  });

  it("attaches S3 and DynamoDB gateway endpoints to the private route tables only", async () => {
    const vpc = await build("shop6", { intent: SHOP });
    const tables = await unwrap(vpc.routeTableIds);
    const priv = [...Object.values(tables.app), ...Object.values(tables.data)].sort();
    for (const svc of ["s3", "dynamodb"]) {
      const ep = resourceNamed(T.endpoint, `shop6-${svc}`);
      assert.equal(ep.inputs.serviceName, `com.amazonaws.us-east-1.${svc}`);
      assert.equal(ep.inputs.vpcEndpointType, "Gateway");
      assert.deepEqual([...ep.inputs.routeTableIds].sort(), priv);
    }
  });

  it("turns flow logs on by default (CloudWatch, retention, role) and can send them to S3", async () => {
    await build("shop7", { intent: SHOP });
    const fl = resourceNamed(T.flowLog, "shop7-flow-logs");
    const group = resourceNamed(T.logGroup, "shop7-flow-logs");
    assert.deepEqual([fl.inputs.logDestinationType, fl.inputs.trafficType, group.inputs.retentionInDays], ["cloud-watch-logs", "ALL", 90]);
    assert.match(JSON.parse(resourceNamed(T.role, "shop7-flow-logs").inputs.assumeRolePolicy).Statement[0].Principal.Service, /vpc-flow-logs/);
    await settle();
    resetRecorded();
    await build("shop8", { intent: SHOP, flowLogs: { destination: "s3", retentionDays: 365 } });
    assert.equal(resourceNamed(T.flowLog, "shop8-flow-logs").inputs.logDestinationType, "s3");
    assert.equal(resourceNamed("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "shop8-flow-logs").inputs.rules[0].expiration.days, 365);
    assert.equal(resourcesOfType(T.logGroup).length, 0);
  });

  it("accepts a parsed intent, an intent object or a file, and outputs ids by zone and AZ plus the plan", async () => {
    const a = await build("form-a", { intent: loadIntentFile(SHOP) });
    const b = await build("form-b", { intent: natIntent() });
    const ids = await unwrap(a.subnetIds);
    assert.deepEqual(Object.keys(ids).sort(), ["app", "data", "edge"]);
    assert.deepEqual(Object.keys(ids.app), ["az1", "az2", "az3"]);
    assert.match(ids.app.az1, /^subnet-/);
    assert.deepEqual(Object.keys(await unwrap(b.securityGroupIds)).sort(), ["app", "data", "edge"]);
    assert.equal(a.plan.rules.zones.length, 3);
    assert.equal(a.routeTable("app", 1), a.routeTables.app.az2);
    assert.deepEqual(a.infrastructureSubnets.map((s) => s.key).slice(0, 3), ["firewall-az1", "firewall-az2", "firewall-az3"]);
  });

  it("registers its intent as an output for the policy packs and netseg preview, not the whole plan", async () => {
    // What the engine (and a policy pack, or `netseg preview`) sees of the component: its registered outputs.
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResourceOutputs: (req: any, cb: (err: any, resp: any) => void) => void };
    const original = monitor.registerResourceOutputs;
    const outputs = new Map<string, Record<string, any>>();
    monitor.registerResourceOutputs = (req, cb) => {
      outputs.set(req.getUrn(), rpc.deserializeProperties(req.getOutputs()));
      return original.call(monitor, req, cb);
    };
    let vpc: SegmentedVpc;
    try {
      vpc = await build("outputs-a", { intent: loadIntentFile(SHOP) });
    } finally {
      monitor.registerResourceOutputs = original;
    }
    const urn = await unwrap(vpc.urn);
    const registered = outputs.get(urn);
    assert.ok(registered, "the component registered its outputs");
    assert.equal(registered.plan, undefined, "the plan stays in-process");
    assert.equal(registered.intent.name, "shop");
    assert.deepEqual(registered.intent, JSON.parse(JSON.stringify(vpc.intent)));
    assert.match(registered.vpcId, /^vpc-/);
    // The conformance pack finds the intent there, for the AWS platform.
    const found = findIntents(new StackIndex([{ type: "netseg:aws:SegmentedVpc", urn, name: "outputs-a", props: registered }] as unknown as ConstructorParameters<typeof StackIndex>[0]), undefined);
    assert.deepEqual(found.problems, []);
    assert.deepEqual(found.intents.map((i) => [i.intent.name, i.platforms]), [["shop", ["aws"]]]);
    // In-process, the plan is still there for programs that read it.
    assert.equal(vpc.plan.intent, vpc.intent);
  });

  it("refuses bad input before creating any resource, listing every problem", async () => {
    const bad = natIntent({ zones: [{ name: "app", egress: "nat" }, { name: "data" }], flows: [{ from: "app", to: "dta", ports: ["tcp/5432"] }] });
    assert.throws(() => new SegmentedVpc("bad1", { intent: bad }), (e: unknown) => e instanceof SegmentedVpcError && /"dta" is not a zone/.test(e.message));
    const nat = natIntent({ zones: [{ name: "app", egress: "nat" }, { name: "data" }], flows: [] });
    assert.throws(
      () => new SegmentedVpc("bad2", { intent: nat, flowLogs: { retentionDays: 10 }, tags: { "aws:x": "y" } }),
      (e: unknown) => e instanceof SegmentedVpcError && e.issues.length === 3 && /no zone is internet-facing/.test(e.message) && /retentionDays/.test(e.message) && /reserved for AWS/.test(e.message),
    );
    await settle();
    assert.deepEqual(recorded().filter((r) => r.type.startsWith("aws:")), [], "nothing was created");
  });

  it("keeps every existing subnet's logical name and CIDR when an AZ and a zone are added", async () => {
    await build("grow", { intent: natIntent() });
    const before = new Map(resourcesOfType(T.subnet).map((s) => [s.name, s.inputs.cidrBlock]));
    assert.equal(before.size, 9);
    await settle();
    resetRecorded();
    await build("grow", { intent: natIntent({ availabilityZones: 4, zones: [{ name: "edge", internet: "inbound" }, { name: "app", egress: "nat" }, { name: "data" }, { name: "batch" }] }) });
    const after = new Map(resourcesOfType(T.subnet).map((s) => [s.name, s.inputs.cidrBlock]));
    assert.equal(after.size, 16);
    for (const [name, cidrBlock] of before) assert.equal(after.get(name), cidrBlock, `${name} keeps ${cidrBlock}`);
    assert.ok(after.has("grow-batch-az1") && after.has("grow-data-az4"));
  });
});
