/** Compact AWS fixtures shared by the AWS rule tests. */
import { U, type Fixture } from "../harness";

export const T = {
  sg: "aws:ec2/securityGroup:SecurityGroup",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  prefixList: "aws:ec2/managedPrefixList:ManagedPrefixList",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  naclRule: "aws:ec2/networkAclRule:NetworkAclRule",
  naclAssoc: "aws:ec2/networkAclAssociation:NetworkAclAssociation",
  vpc: "aws:ec2/vpc:Vpc",
  flowLog: "aws:ec2/flowLog:FlowLog",
  subnet: "aws:ec2/subnet:Subnet",
  instance: "aws:ec2/instance:Instance",
} as const;

const edge = { "netseg:zone": "edge", "netseg:internet": "inbound", "netseg:egress": "nat" };

/**
 * A web group open on 443 to the world, ssh from the VPN through a standalone rule (joined by
 * URN: its securityGroupId is unknown at preview), and an office prefix list on 22.
 */
export const sgStack = (): Fixture[] => [
  {
    type: T.sg,
    name: "web",
    props: {
      description: "web tier",
      tags: edge,
      ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"], description: "https" },
        { protocol: "tcp", fromPort: 22, toPort: 22, prefixListIds: [U], description: "office ssh" },
      ],
      egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "https out" }],
    },
    propDeps: { ingress: ["office"] },
  },
  {
    type: T.sgRule,
    name: "ssh-from-vpn",
    props: { type: "ingress", securityGroupId: U, protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.8.0.0/16"], description: "vpn ssh" },
    propDeps: { securityGroupId: ["web"] },
  },
  { type: T.prefixList, name: "office", props: { name: "office", addressFamily: "IPv4", maxEntries: 4, entries: [{ cidr: "203.0.113.0/24" }] } },
  { type: T.instance, name: "web-1", props: { vpcSecurityGroupIds: [U] }, propDeps: { vpcSecurityGroupIds: ["web"] } },
];

/** A NACL: ssh from the VPN (standalone, 90), deny 22 and 3389 from the world, allow 443 and ephemeral ports. */
export const naclStack = (): Fixture[] => [
  {
    type: T.nacl,
    name: "public",
    props: {
      vpcId: U,
      subnetIds: [U],
      ingress: [
        { ruleNo: 100, action: "deny", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/0" },
        { ruleNo: 101, action: "deny", protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlock: "0.0.0.0/0" },
        { ruleNo: 110, action: "allow", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlock: "0.0.0.0/0" },
        { ruleNo: 120, action: "allow", protocol: "tcp", fromPort: 1024, toPort: 65535, cidrBlock: "0.0.0.0/0" },
      ],
      egress: [{ ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }],
    },
  },
  {
    type: T.naclRule,
    name: "admin-from-vpn",
    props: { networkAclId: U, ruleNumber: 90, egress: false, protocol: "tcp", ruleAction: "allow", fromPort: 22, toPort: 22, cidrBlock: "10.8.0.0/16" },
    propDeps: { networkAclId: ["public"] },
  },
];
