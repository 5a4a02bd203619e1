/**
 * SegmentedVpc in a VPC that exists already (`vpc: { id, cidrBlock, internetGatewayId? }`): only
 * netseg's own resources are created, named as in a VPC netseg creates; bad input is refused
 * before anything exists, each problem with its field and fix; growing the intent renames nothing.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { setupMocks, recorded, resetRecorded, settle, unwrap, resourcesOfType } from "../../mocks";
setupMocks();
import { EgressProxy, SegmentedVpc, TenantVpcs, SegmentedVpcError, egressNetworkOf, type SegmentedVpcArgs } from "../../../components/aws";
import { loadIntentFile, parseIntent, type IntentInput } from "../../../core/intent";
import { fleetInput } from "../../core/tenants/fixtures";
import { checkResolvedVpcId } from "../../../components/aws/vpc/existing-vpc";
import { CidrSet } from "../../../core/net/cidr";

const SHOP = "examples/intents/shop.yaml";
const VPC_ID = "vpc-0a1b2c3d4e5f60718";
const IGW_ID = "igw-0123456789abcdef0";
const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  rt: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  igw: "aws:ec2/internetGateway:InternetGateway",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sgIn: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sgOut: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  defaultNacl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;

/** Two private zones, no way to the internet: needs no gateway. */
function privateIntent(extra: Partial<IntentInput> = {}): IntentInput {
  return {
    name: "inner",
    addressSpace: "10.40.0.0/20",
    availabilityZones: 2,
    zones: [{ name: "app", slot: 0 }, { name: "data", slot: 1, sensitive: true }],
    flows: [{ from: "app", to: "data", ports: ["tcp/5432"] }],
    ...extra,
  };
}

async function build(name: string, args: SegmentedVpcArgs): Promise<SegmentedVpc> {
  const vpc = new SegmentedVpc(name, args);
  await unwrap(vpc.subnetIds);
  await settle();
  return vpc;
}

const ours = (prefix: string) => recorded().filter((r) => r.custom && r.type.startsWith("aws:") && r.name.startsWith(prefix));

/** Logical names with the component's name taken off, by type. */
function namesOf(prefix: string): string[] {
  return ours(prefix)
    .map((r) => `${r.type} ${r.name.slice(prefix.length)}`)
    .sort();
}

/** Refuses `args`, creating nothing; returns the error for its message and issues. */
async function refused(name: string, args: SegmentedVpcArgs): Promise<SegmentedVpcError> {
  let error: unknown;
  try {
    new SegmentedVpc(name, args);
  } catch (e) {
    error = e;
  }
  await settle();
  assert.ok(error instanceof SegmentedVpcError, `expected a SegmentedVpcError, got ${String(error)}`);
  assert.deepEqual(recorded().filter((r) => r.type.startsWith("aws:")), [], "nothing was created");
  return error;
}

describe("components/aws SegmentedVpc in an existing VPC", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("creates no VPC, gateway, default group, default NACL or flow log: only netseg's resources, inside the given VPC", async () => {
    const shop = await build("adopt", { intent: loadIntentFile(SHOP), vpc: { id: VPC_ID, cidrBlock: "10.20.0.0/16", internetGatewayId: IGW_ID } });
    for (const t of [T.vpc, T.igw, T.defaultSg, T.defaultNacl, T.flowLog, T.logGroup]) assert.deepEqual(resourcesOfType(t), [], `no ${t}`);
    assert.equal(await unwrap(shop.vpcId), VPC_ID);
    assert.equal(shop.vpc, undefined);
    assert.equal(await unwrap(shop.internetGatewayId!), IGW_ID);
    const withVpc = recorded().filter((r) => r.custom && "vpcId" in r.inputs);
    assert.ok(withVpc.length >= 3 * 3 + 3 * 3 + 3 + 3, `subnets, route tables, groups and NACLs name the VPC (${withVpc.length})`);
    for (const r of withVpc) assert.equal(r.inputs.vpcId, VPC_ID, `${r.name}'s vpcId`);
    // Hung under the component: there is no VPC resource to hang them under.
    const component = recorded().find((r) => r.type === "netseg:aws:SegmentedVpc" && r.name === "adopt")!;
    for (const t of [T.subnet, T.rt, T.sg, T.nacl]) for (const r of resourcesOfType(t)) assert.equal(r.parent, component.urn, `${r.name}'s parent`);
    // The internet-facing zone's default route goes to the given gateway, in every AZ.
    const edgeDefaults = resourcesOfType(T.route).filter((r) => /^adopt-edge-az\d-default$/.test(r.name));
    assert.equal(edgeDefaults.length, 3);
    for (const r of edgeDefaults) assert.equal(r.inputs.gatewayId, IGW_ID);
    // EgressProxy finds the gateway in use, so it never creates a second one in the VPC.
    assert.equal(await unwrap(egressNetworkOf(shop).internetGatewayId!), IGW_ID);
  });

  it("names every resource it creates exactly as in a VPC it creates itself", async () => {
    await build("named-", { intent: loadIntentFile(SHOP) });
    await build("adopted-", { intent: loadIntentFile(SHOP), vpc: { id: VPC_ID, cidrBlock: "10.20.0.0/16", internetGatewayId: IGW_ID } });
    const created = namesOf("named-");
    const adopted = namesOf("adopted-");
    const onlyWhenCreated = created.filter((n) => !adopted.includes(n));
    assert.deepEqual(adopted.filter((n) => !created.includes(n)), [], "nothing named otherwise");
    assert.deepEqual(
      onlyWhenCreated.map((n) => n.split(" ")[0]).sort(),
      [T.vpc, T.igw, T.defaultSg, T.defaultNacl, "aws:cloudwatch/logGroup:LogGroup", "aws:ec2/flowLog:FlowLog", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"].sort(),
    );
  });

  it("lets EgressProxy build the egress path in the existing VPC through its gateway, creating none", async () => {
    const intent = loadIntentFile(SHOP);
    const shop = new SegmentedVpc("adopt-egress", { intent, vpc: { id: VPC_ID, cidrBlock: "10.20.0.0/16", internetGatewayId: IGW_ID }, egressProxy: { backend: "network-firewall" } });
    new EgressProxy("adopt-egress-proxy", { intent, network: egressNetworkOf(shop), backend: "network-firewall" });
    await unwrap(shop.subnetIds);
    await settle();
    assert.deepEqual([...resourcesOfType(T.igw), ...resourcesOfType(T.vpc)], []);
    const egressSubnets = resourcesOfType(T.subnet).filter((r) => r.name.startsWith("adopt-egress-proxy"));
    assert.ok(egressSubnets.length > 0);
    for (const r of egressSubnets) assert.equal(r.inputs.vpcId, VPC_ID);
    const toGateway = resourcesOfType(T.route).filter((r) => r.inputs.gatewayId !== undefined);
    assert.ok(toGateway.some((r) => r.name.startsWith("adopt-egress-proxy")), "the egress path's NAT side routes to the gateway");
    for (const r of toGateway) assert.equal(r.inputs.gatewayId, IGW_ID, r.name);
  });

  it("takes an id that is an output (awsx's vpc.vpcId), and creates the gateway or flow logs only when asked", async () => {
    const vpc = await build("asked", { intent: loadIntentFile(SHOP), vpc: { id: pulumi.output(VPC_ID), cidrBlock: "10.20.0.0/16", createInternetGateway: true }, flowLogs: {} });
    const [igw] = resourcesOfType(T.igw);
    assert.equal(igw.inputs.vpcId, VPC_ID);
    assert.equal(await unwrap(vpc.internetGatewayId!), igw.id);
    for (const r of resourcesOfType(T.route).filter((x) => x.name.startsWith("asked-edge-"))) assert.equal(r.inputs.gatewayId, igw.id);
    const [flowLog] = resourcesOfType(T.flowLog);
    assert.equal(flowLog.inputs.vpcId, VPC_ID);
    assert.equal(resourcesOfType(T.subnet)[0].inputs.vpcId, VPC_ID);
  });

  it("needs no gateway when no zone reaches the internet", async () => {
    await build("private", { intent: privateIntent(), vpc: { id: VPC_ID, cidrBlock: "10.40.0.0/16" } });
    assert.deepEqual([...resourcesOfType(T.igw), ...resourcesOfType(T.vpc)], []);
    assert.deepEqual(resourcesOfType(T.subnet).map((r) => r.inputs.vpcId), Array(4).fill(VPC_ID));
    assert.deepEqual(resourcesOfType(T.route), [], "no default route anywhere");
  });

  it("keeps the rest of the VPC's block out of the zones' internet rules (the local route carries it, never a gateway)", async () => {
    const web: IntentInput = {
      name: "web",
      addressSpace: "10.50.0.0/20",
      availabilityZones: 2,
      zones: [{ name: "edge", slot: 0, internet: "inbound", egress: "nat" }, { name: "app", slot: 1 }],
      flows: [{ from: "internet", to: "edge", ports: ["tcp/443"] }, { from: "edge", to: "app", ports: ["tcp/8080"] }, { from: "edge", to: "internet", ports: ["tcp/443"] }],
    };
    const vpcBlock = CidrSet.fromCidrs(["10.50.0.0/16"]);
    const internetRules = async (name: string, cidrBlock?: string) => {
      resetRecorded();
      await build(name, { intent: web, ...(cidrBlock ? { vpc: { id: VPC_ID, cidrBlock, internetGatewayId: IGW_ID } } : {}) });
      const sg = resourcesOfType(T.sgOut).filter((r) => r.name.startsWith(`${name}-edge-`) && typeof r.inputs.cidrIpv4 === "string").map((r) => r.inputs.cidrIpv4 as string);
      const [acl] = resourcesOfType(T.nacl).filter((r) => r.name === `${name}-edge`);
      // A NACL judges by its first matching entry, in rule-number order.
      const verdict = (dir: "ingress" | "egress", address: string, port: number) =>
        ([...acl.inputs[dir]] as { ruleNo: number; action: string; protocol: string; fromPort: number; toPort: number; cidrBlock?: string }[])
          .sort((x, y) => x.ruleNo - y.ruleNo)
          .find((e) => e.cidrBlock !== undefined && CidrSet.fromCidrs([e.cidrBlock]).has(address) && (e.protocol === "-1" || (e.protocol === "6" && e.fromPort <= port && port <= e.toPort)))?.action;
      const nacl = { fromVpc: verdict("ingress", "10.50.77.9", 443), toVpc: verdict("egress", "10.50.77.9", 443), fromInternet: verdict("ingress", "8.8.8.8", 443), toInternet: verdict("egress", "8.8.8.8", 443) };
      return { sg, nacl };
    };
    const wide = await internetRules("wide", "10.50.0.0/16");
    assert.ok(wide.sg.length > 0);
    assert.ok(CidrSet.fromCidrs(wide.sg).intersect(vpcBlock).isEmpty(), `no internet rule opens the VPC's own block: ${wide.sg.join(", ")}`);
    // 10.50.77.9 is in the VPC, outside the address space: the edge NACL's internet entries do not admit it.
    assert.deepEqual(wide.nacl, { fromVpc: "deny", toVpc: "deny", fromInternet: "allow", toInternet: "allow" });
    // Only the VPC's own block is left out: edge still reaches the rest of the internet on 443.
    assert.ok(CidrSet.fromCidrs(wide.sg).union(vpcBlock).covers(CidrSet.WORLD_V4));
    // With the VPC's block equal to the address space, the rules are those of a VPC netseg creates.
    assert.deepEqual(await internetRules("same", "10.50.0.0/20"), await internetRules("fresh"));
  });

  describe("refuses bad input before creating anything, naming field, value and fix", () => {
    const shop = () => loadIntentFile(SHOP);
    const cases: { title: string; vpc: unknown; path: string; message: RegExp }[] = [
      { title: "a VPC name for an id", vpc: { id: "shop-vpc", cidrBlock: "10.20.0.0/16", internetGatewayId: IGW_ID }, path: "vpc.id", message: /vpc\.id: is not a VPC id: expected "vpc-" and 8 or 17 hex digits.*\(got "shop-vpc"\)\. Fix: pass the id of the VPC/ },
      { title: "a subnet id for an id", vpc: { id: "subnet-0123456789abcdef0", cidrBlock: "10.20.0.0/16", internetGatewayId: IGW_ID }, path: "vpc.id", message: /vpc\.id: is not a VPC id.*"subnet-0123456789abcdef0"/ },
      { title: "no id", vpc: { cidrBlock: "10.20.0.0/16", internetGatewayId: IGW_ID }, path: "vpc.id", message: /vpc\.id: is missing\. Fix: pass the existing VPC's id/ },
      { title: "a CIDR block that does not hold the address space", vpc: { id: VPC_ID, cidrBlock: "10.30.0.0/16", internetGatewayId: IGW_ID }, path: "vpc.cidrBlock", message: /vpc\.cidrBlock: does not hold the intent's addressSpace 10\.20\.0\.0\/16.*\(got "10\.30\.0\.0\/16"\)\. Fix: set the intent's addressSpace to a free block inside 10\.30\.0\.0\/16/ },
      { title: "a CIDR block smaller than the address space", vpc: { id: VPC_ID, cidrBlock: "10.20.0.0/20", internetGatewayId: IGW_ID }, path: "vpc.cidrBlock", message: /does not hold the intent's addressSpace 10\.20\.0\.0\/16/ },
      { title: "a CIDR block with host bits", vpc: { id: VPC_ID, cidrBlock: "10.20.1.0/16", internetGatewayId: IGW_ID }, path: "vpc.cidrBlock", message: /vpc\.cidrBlock: "10\.20\.1\.0\/16" has host bits set; the block it names is 10\.20\.0\.0\/16/ },
      { title: "a CIDR block larger than AWS allows", vpc: { id: VPC_ID, cidrBlock: "10.0.0.0/8", internetGatewayId: IGW_ID }, path: "vpc.cidrBlock", message: /is not a VPC's IPv4 block \(AWS allows \/16 to \/28\)/ },
      { title: "a CIDR block that is an output", vpc: { id: VPC_ID, cidrBlock: pulumi.output("10.20.0.0/16"), internetGatewayId: IGW_ID }, path: "vpc.cidrBlock", message: /vpc\.cidrBlock: must be the VPC's CIDR block as plain text.*for awsx, pass the cidrBlock you gave awsx\.ec2\.Vpc/ },
      { title: "internet zones and no gateway", vpc: { id: VPC_ID, cidrBlock: "10.20.0.0/16" }, path: "vpc.internetGatewayId", message: /vpc\.internetGatewayId: zones edge, app need the internet.*Fix: pass vpc\.internetGatewayId \(the igw-\.\.\. attached to the VPC\), or vpc\.createInternetGateway: true/ },
      { title: "a gateway given and one asked for", vpc: { id: VPC_ID, cidrBlock: "10.20.0.0/16", internetGatewayId: IGW_ID, createInternetGateway: true }, path: "vpc.createInternetGateway", message: /a VPC has at most one internet gateway/ },
      { title: "a gateway id of the wrong kind", vpc: { id: VPC_ID, cidrBlock: "10.20.0.0/16", internetGatewayId: "nat-0123456789abcdef0" }, path: "vpc.internetGatewayId", message: /vpc\.internetGatewayId: is not an internet gateway id.*"nat-0123456789abcdef0"/ },
      { title: "a string for the whole vpc", vpc: VPC_ID, path: "vpc", message: /vpc: must be an object \{ id, cidrBlock, internetGatewayId\? \}/ },
    ];
    for (const [i, c] of cases.entries()) {
      it(`refuses ${c.title}`, async () => {
        const e = await refused(`bad-vpc-${i}`, { intent: shop(), vpc: c.vpc as SegmentedVpcArgs["vpc"] });
        assert.deepEqual(e.issues.map((x) => x.path), [c.path], e.message);
        assert.match(e.message, c.message);
        assert.match(e.message, new RegExp(`^SegmentedVpc "bad-vpc-${i}": `));
      });
    }

    it("lists every problem at once, with the intent's own", async () => {
      const e = await refused("bad-vpc-all", { intent: shop(), vpc: { id: "vpc-1", cidrBlock: "192.168.0.0/16" }, flowLogs: { retentionDays: 10 } });
      assert.deepEqual(e.issues.map((x) => x.path).sort(), ["flowLogs.retentionDays", "vpc.cidrBlock", "vpc.id", "vpc.internetGatewayId"]);
    });

    it("names a zone behind NAT as needing the gateway only when NAT gateways are planned", async () => {
      const intent = privateIntent({ zones: [{ name: "web", slot: 0, internet: "inbound" }, { name: "app", slot: 1, egress: "nat" }], flows: [{ from: "web", to: "app", ports: ["tcp/8080"] }] });
      const e = await refused("bad-vpc-nat", { intent, vpc: { id: VPC_ID, cidrBlock: "10.40.0.0/16" } });
      assert.match(e.message, /zones web, app need the internet/);
    });

    it("refuses an output id that resolves to something else (the check every child's vpcId goes through)", async () => {
      const outcome = await new Promise<unknown>((resolve) => (pulumi.output("inner-vpc").apply(checkResolvedVpcId) as unknown as { promise(): Promise<string> }).promise().then(resolve, resolve));
      assert.ok(outcome instanceof Error && /vpc\.id "inner-vpc" is not a VPC id.*Fix: pass the id of the VPC/.test(outcome.message), String(outcome));
      assert.equal(await unwrap(pulumi.output(VPC_ID).apply(checkResolvedVpcId)), VPC_ID);
    });
  });

  it("is refused by TenantVpcs, whose tenants each get a VPC of their own, before anything is created", async () => {
    const vpc = { vpc: { id: VPC_ID, cidrBlock: "10.0.0.0/16" } } as unknown as ConstructorParameters<typeof TenantVpcs>[1]["vpc"];
    assert.throws(() => new TenantVpcs("fleet-in-one", { intent: parseIntent(fleetInput(2)), availabilityZoneNames: ["us-east-1a", "us-east-1b"], vpc }), /vpc\.vpc names an existing VPC, but every tenant gets a VPC of its own/);
    await settle();
    assert.deepEqual(recorded().filter((r) => r.type.startsWith("aws:")), []);
  });

  it("keeps every existing resource's logical name and inputs when a zone and a flow are added", async () => {
    const args = (intent: IntentInput): SegmentedVpcArgs => ({ intent, vpc: { id: VPC_ID, cidrBlock: "10.40.0.0/16" } });
    await build("grown", args(privateIntent()));
    const before = new Map(ours("grown").map((r) => [`${r.type} ${r.name}`, r]));
    assert.deepEqual(resourcesOfType(T.vpc), []);
    await settle();
    resetRecorded();
    await build("grown", args(privateIntent({ zones: [{ name: "app", slot: 0 }, { name: "data", slot: 1, sensitive: true }, { name: "batch", slot: 2 }], flows: [{ from: "app", to: "data", ports: ["tcp/5432"] }, { from: "batch", to: "data", ports: ["tcp/5432"] }] })));
    const after = new Map(ours("grown").map((r) => [`${r.type} ${r.name}`, r]));
    assert.ok(after.size > before.size);
    assert.ok(after.has(`${T.subnet} grown-batch-az1`) && after.has(`${T.sg} grown-batch`));
    for (const [key, r] of before) {
      const now = after.get(key);
      assert.ok(now, `${key} is still there under the same name`);
      assert.equal(now.urn, r.urn, `${key} keeps its URN`);
      // Subnets and route tables keep their inputs (no replacement); groups and NACLs keep theirs except the data zone's, which gains the new flow.
      if (key.startsWith(T.subnet) || key.startsWith(T.rt) || key.startsWith(T.sg)) assert.deepEqual(now.inputs, r.inputs, `${key} keeps its inputs`);
    }
  });
});

