import assert from "node:assert/strict";
import { datastoreNotPublic } from "../../../policy-packs/rules/aws/datastore-not-public";
import { defaultSgNoRules } from "../../../policy-packs/rules/aws/default-sg-no-rules";
import { instanceNoPublicIp } from "../../../policy-packs/rules/aws/instance-no-public-ip";
import { noDefaultVpc } from "../../../policy-packs/rules/aws/no-default-vpc";
import { sgRuleDescriptions } from "../../../policy-packs/rules/aws/sg-rule-descriptions";
import { subnetNoPublicIpOnLaunch } from "../../../policy-packs/rules/aws/subnet-no-public-ip-on-launch";
import { describeRule, remediate, set, U, type Fixture } from "../harness";
import { T } from "./fixtures";

const f = (type: string, name: string, props: Record<string, unknown>): Fixture => ({ type, name, props });

describeRule(defaultSgNoRules, {
  base: f(T.defaultSg, "default", { vpcId: U, ingress: [], egress: [] }),
  nonCompliant: [
    { title: "an ingress rule from itself", edit: set("ingress", [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }]), expect: [/default security group default \(DefaultSecurityGroup\) has rule ingress\[0\]: all with itself/] },
    { title: "an egress rule to the world", edit: set("egress", [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]), expect: [/has rule egress\[0\]: all with 0\.0\.0\.0\/0/] },
  ],
  compliant: [{ title: "rules left unmanaged (no lists)", edit: (x) => void ((x.props.ingress = undefined), (x.props.egress = undefined)), expect: [] }],
  unknown: [
    { title: "an unknown ingress list is not reported as a rule", edit: set("ingress", U), expect: [] },
    { title: "a rule with unknown ports is still a rule", edit: set("egress", [{ protocol: "tcp", fromPort: U, toPort: U, cidrBlocks: [U] }]), expect: [/has rule egress\[0\]: unknown traffic with unknown peers/] },
  ],
});

describe("netseg-aws-default-sg-no-rules remediation", () => {
  it("empties a default group's rules and keeps its other properties", async () => {
    const fixed = await remediate(defaultSgNoRules, f(T.defaultSg, "default", { vpcId: "vpc-1", ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] }));
    assert.deepEqual(fixed, { vpcId: "vpc-1", ingress: [], egress: [] });
  });
  it("leaves an empty group alone, and never sends back an unknown", async () => {
    assert.equal(await remediate(defaultSgNoRules, f(T.defaultSg, "default", { vpcId: "vpc-1", ingress: [] })), undefined);
    assert.equal(await remediate(defaultSgNoRules, f(T.defaultSg, "default", { vpcId: U, ingress: [{ protocol: "-1", self: true }] })), undefined);
  });
});

const privateZone = { "netseg:zone": "app", "netseg:internet": "none" };

describeRule(subnetNoPublicIpOnLaunch, {
  base: f(T.subnet, "app-a", { cidrBlock: "10.0.1.0/24", mapPublicIpOnLaunch: false, tags: privateZone }),
  nonCompliant: [
    { title: "maps public IPs in a private zone", edit: set("mapPublicIpOnLaunch", true), expect: [/subnet app-a \(Subnet\) \(10\.0\.1\.0\/24\) maps public IPs on launch but zone app is not internet-facing/] },
    { title: "maps public IPs with no zone at all", edit: (x) => void ((x.props.mapPublicIpOnLaunch = true), (x.props.tags = {})), expect: [/no zone tag marks it internet-facing/] },
    { title: "a hand-written zone tag not listed as internet-facing", edit: (x) => void ((x.props.mapPublicIpOnLaunch = true), (x.props.tags = { tier: "app" })), config: { zoneTag: "tier", internetFacingZones: ["dmz"] }, expect: [/zone app is not internet-facing/] },
  ],
  compliant: [
    { title: "an internet-facing zone may map public IPs", edit: (x) => void ((x.props.mapPublicIpOnLaunch = true), (x.props.tags = { "netseg:zone": "edge", "netseg:internet": "inbound" })), expect: [] },
    { title: "a hand-written zone listed as internet-facing", edit: (x) => void ((x.props.mapPublicIpOnLaunch = true), (x.props.tags = { tier: "dmz" })), config: { zoneTag: "tier", internetFacingZones: ["dmz"] }, expect: [] },
  ],
  unknown: [
    { title: "unknown mapPublicIpOnLaunch", edit: set("mapPublicIpOnLaunch", U), expect: [] },
    { title: "unknown tags on a subnet that maps public IPs", edit: (x) => void ((x.props.mapPublicIpOnLaunch = true), (x.props.tags = U)), expect: [/no zone tag/] },
  ],
});

describeRule(noDefaultVpc, {
  base: f(T.vpc, "main", { cidrBlock: "10.0.0.0/16" }),
  nonCompliant: [
    { title: "adopting the default VPC", edit: (x) => void ((x as { type: string }).type = "aws:ec2/defaultVpc:DefaultVpc"), expect: [/main \(DefaultVpc\) puts the default VPC in use/] },
    { title: "adopting a default subnet", edit: (x) => void ((x as { type: string }).type = "aws:ec2/defaultSubnet:DefaultSubnet"), expect: [/main \(DefaultSubnet\)/] },
  ],
  unknown: [{ title: "a default VPC with unknown properties", edit: (x) => void (((x as { type: string }).type = "aws:ec2/defaultVpc:DefaultVpc"), (x.props.tags = U)), expect: [/DefaultVpc/] }],
});

describeRule(instanceNoPublicIp, {
  base: f(T.instance, "api-1", { instanceType: "t3.micro", associatePublicIpAddress: false, tags: privateZone }),
  nonCompliant: [
    { title: "an instance with a public IP in a private zone", edit: set("associatePublicIpAddress", true), expect: [/api-1 \(Instance\) gets a public IP \(associatePublicIpAddress\) but zone app is not internet-facing/] },
    {
      title: "a launch template whose interface asks for a public IP (as the string the API uses)",
      edit: (x) => void (((x as { type: string }).type = "aws:ec2/launchTemplate:LaunchTemplate"), (x.props = { networkInterfaces: [{ associatePublicIpAddress: "true" }], tagSpecifications: [{ resourceType: "instance", tags: privateZone }] })),
      expect: [/api-1 \(LaunchTemplate\) gets a public IP \(networkInterfaces\[0\]\.associatePublicIpAddress\) but zone app/],
    },
  ],
  compliant: [{ title: "an edge instance", edit: (x) => void ((x.props.associatePublicIpAddress = true), (x.props.tags = { "netseg:zone": "edge", "netseg:internet": "inbound" })), expect: [] }],
  unknown: [
    { title: "unknown associatePublicIpAddress", edit: set("associatePublicIpAddress", U), expect: [] },
    { title: "a public IP with unknown tags", edit: (x) => void ((x.props.associatePublicIpAddress = true), (x.props.tags = U)), expect: [/no zone tag marks it internet-facing/] },
  ],
});

describeRule(datastoreNotPublic, {
  base: f("aws:rds/instance:Instance", "orders", { engine: "postgres", publiclyAccessible: false, dbSubnetGroupName: "data" }),
  nonCompliant: [
    { title: "a publicly accessible database", edit: set("publiclyAccessible", true), expect: [/data store orders \(Instance\): publiclyAccessible is true/] },
    { title: "a database with no subnet group", edit: set("dbSubnetGroupName", undefined), expect: [/no dbSubnetGroupName: the instance lands in the default VPC/] },
    { title: "an OpenSearch domain without VPC options", edit: (x) => void (((x as { type: string }).type = "aws:opensearch/domain:Domain"), (x.props = { domainName: "logs" })), expect: [/data store orders \(Domain\): no vpcOptions\.subnetIds/] },
  ],
  unknown: [
    { title: "an unknown subnet group name still counts as a subnet group", edit: set("dbSubnetGroupName", U), expect: [] },
    { title: "unknown publiclyAccessible", edit: set("publiclyAccessible", U), expect: [] },
  ],
});

describeRule(sgRuleDescriptions, {
  base: f(T.sg, "web", { description: "web tier", ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "https" }] }),
  nonCompliant: [
    { title: "an inline rule without a description", edit: set("ingress.0.description", undefined), expect: [/security group web \(SecurityGroup\) rule ingress\[0\] \(tcp\/443 with 0\.0\.0\.0\/0\) has no description/] },
    { title: "Pulumi's default group description", edit: set("description", "Managed by Pulumi"), expect: [/security group web \(SecurityGroup\) has no description of its own/] },
    { title: "a standalone rule without a description", edit: (x) => void (((x as { type: string }).type = T.ingressRule), (x.props = { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.8.0.0/16" })), expect: [/security-group rule web \(SecurityGroupIngressRule\) \(tcp\/22 with 10\.8\.0\.0\/16\) has no description/] },
  ],
  compliant: [{ title: "group description not required by config", edit: set("description", "Managed by Pulumi"), config: { requireGroupDescription: false }, expect: [] }],
  unknown: [
    { title: "an unknown description is not missing", edit: set("ingress.0.description", U), expect: [] },
    { title: "an unknown CIDR on an undescribed rule", edit: (x) => void ((x.props.ingress[0].description = undefined), (x.props.ingress[0].cidrBlocks = [U])), expect: [/rule ingress\[0\] \(tcp\/443 with nothing\) has no description/] },
  ],
});

describe("netseg-aws-sg-rule-descriptions remediation", () => {
  it("describes an undescribed inline rule from its traffic and peers, leaving described ones alone", async () => {
    const fixed = await remediate(sgRuleDescriptions, f(T.sg, "web", { description: "web", ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], description: "http" }] }));
    assert.equal(fixed?.ingress[0].description, "ingress from 0.0.0.0/0 on tcp/443");
    assert.equal(fixed?.ingress[1].description, "http");
  });
  it("describes a standalone egress rule", async () => {
    const fixed = await remediate(sgRuleDescriptions, f(T.egressRule, "out", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.0.2.0/24" }));
    assert.equal(fixed?.description, "egress to 10.0.2.0/24 on tcp/5432");
  });
});
