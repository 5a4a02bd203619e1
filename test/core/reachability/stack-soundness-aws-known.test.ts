/**
 * Engine disagreements with AWS's documented behaviour found while building the soundness test
 * (./stack-soundness-aws.test.ts) in cases its reference does not model (IPv6, peer networks,
 * more than one peering connection), each a minimal stack worked out by hand; each failed before
 * its fix and is kept as a regression test.
 */
import assert from "node:assert/strict";
import { analyseReachability } from "../../../core/reachability";
import { res } from "./build";

describe("reachability / AWS engine disagreements found beside the soundness test (fixed, kept as regressions)", () => {
  // BUG (wrong "allowed"): an instance has IPv6 addresses only in a subnet with an IPv6 CIDR
  // block (`ipv6CidrBlock`) and only when it is given some (`ipv6AddressCount`, `ipv6Addresses`,
  // or the subnet's `assignIpv6AddressOnCreation`); here neither the subnet nor the instance has
  // any, so the internet cannot reach it over IPv6, and its group admits only IPv6. The engine
  // judges the internet's IPv6 part against the rules alone. Engine: internet -> aws:web/ec2:vm
  // and internet -> aws:web tcp/443; correct: nothing.
  it("an IPv4-only subnet and its instance are not reachable from the IPv6 internet", () => {
    const T = { vpc: "aws:ec2/vpc:Vpc", igw: "aws:ec2/internetGateway:InternetGateway", subnet: "aws:ec2/subnet:Subnet", sg: "aws:ec2/securityGroup:SecurityGroup", rt: "aws:ec2/routeTable:RouteTable", rta: "aws:ec2/routeTableAssociation:RouteTableAssociation", instance: "aws:ec2/instance:Instance" };
    const m = analyseReachability([
      res(T.vpc, "vpc0", { cidrBlock: "10.0.0.0/16" }),
      res(T.igw, "igw0", { vpcId: "vpc0-id" }),
      res(T.subnet, "web", { vpcId: "vpc0-id", cidrBlock: "10.0.0.0/24", tags: { "netseg:zone": "web" } }),
      res(T.sg, "sg-web", { vpcId: "vpc0-id", tags: { "netseg:zone": "web" }, ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] }], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }] }),
      res(T.rt, "rt-web", { vpcId: "vpc0-id", routes: [{ ipv6CidrBlock: "::/0", gatewayId: "igw0-id" }, { cidrBlock: "0.0.0.0/0", gatewayId: "igw0-id" }] }),
      res(T.rta, "rta-web", { subnetId: "web-id", routeTableId: "rt-web-id" }),
      res(T.instance, "vm", { ami: "ami-12345678", instanceType: "t3.micro", subnetId: "web-id", privateIp: "10.0.0.10", vpcSecurityGroupIds: ["sg-web-id"], associatePublicIpAddress: true }),
    ]);
    assert.deepEqual(["aws:web/ec2:vm", "aws:web"].map((to) => `${to}: ${m.pair("internet", to)?.allowed}`), ["aws:web/ec2:vm: nothing", "aws:web: nothing"]);
  });

  // BUG (wrong "allowed"): an internet gateway carries traffic between instances' public
  // addresses and public internet addresses only; a private (RFC 1918) destination such as an
  // office network reached over VPN is not routable through it, and no packet from such a source
  // arrives through it. The engine's route check lets a declared peer through an internet gateway
  // whatever the peer's addresses (route-stage's "a peer network may also be public"). Here the
  // only route out is 0.0.0.0/0 -> igw0 and the peer corp is 172.16.8.0/22. Engine: aws:web ->
  // corp and corp -> aws:web "all"; correct: nothing.
  it("a private peer network is not reached through an internet gateway route", () => {
    const T = { vpc: "aws:ec2/vpc:Vpc", igw: "aws:ec2/internetGateway:InternetGateway", subnet: "aws:ec2/subnet:Subnet", sg: "aws:ec2/securityGroup:SecurityGroup", rt: "aws:ec2/routeTable:RouteTable", rta: "aws:ec2/routeTableAssociation:RouteTableAssociation" };
    const all = { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] };
    const m = analyseReachability(
      [
        res(T.vpc, "vpc0", { cidrBlock: "10.0.0.0/16" }),
        res(T.igw, "igw0", { vpcId: "vpc0-id" }),
        res(T.subnet, "web", { vpcId: "vpc0-id", cidrBlock: "10.0.0.0/24", tags: { "netseg:zone": "web" } }),
        res(T.sg, "sg-web", { vpcId: "vpc0-id", tags: { "netseg:zone": "web" }, ingress: [all], egress: [all] }),
        res(T.rt, "rt-web", { vpcId: "vpc0-id", routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw0-id" }] }),
        res(T.rta, "rta-web", { subnetId: "web-id", routeTableId: "rt-web-id" }),
      ],
      { peers: [{ name: "corp", cidrs: ["172.16.8.0/22"] }] },
    );
    assert.deepEqual([m.pair("aws:web", "corp")?.allowed.toString(), m.pair("corp", "aws:web")?.allowed.toString()], ["nothing", "nothing"]);
  });

  // BUG (wrong "allowed"): a VPC peering connection carries traffic between its own two VPCs only
  // (AWS supports no transitive peering: a packet for vpc1 that arrives in vpc2 goes no further).
  // web (vpc0) routes vpc1's block to pcx02, the connection with vpc2; db (vpc1) routes back over
  // pcx01 correctly. The engine takes any route to a peering connection as reaching the other VPC,
  // without asking which VPCs the connection joins. Engine: aws:web -> aws:db "all"; correct:
  // nothing (and aws:db -> aws:web nothing: web's replies take the same wrong connection).
  it("a route to the peering connection of another VPC does not reach this one", () => {
    const T = { vpc: "aws:ec2/vpc:Vpc", subnet: "aws:ec2/subnet:Subnet", sg: "aws:ec2/securityGroup:SecurityGroup", rt: "aws:ec2/routeTable:RouteTable", rta: "aws:ec2/routeTableAssociation:RouteTableAssociation", pcx: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection" };
    const all = { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] };
    const m = analyseReachability([
      res(T.vpc, "vpc0", { cidrBlock: "10.0.0.0/16" }),
      res(T.vpc, "vpc1", { cidrBlock: "10.1.0.0/16" }),
      res(T.vpc, "vpc2", { cidrBlock: "10.2.0.0/16" }),
      res(T.pcx, "pcx01", { vpcId: "vpc0-id", peerVpcId: "vpc1-id", autoAccept: true }),
      res(T.pcx, "pcx02", { vpcId: "vpc0-id", peerVpcId: "vpc2-id", autoAccept: true }),
      res(T.subnet, "web", { vpcId: "vpc0-id", cidrBlock: "10.0.0.0/24", tags: { "netseg:zone": "web" } }),
      res(T.subnet, "db", { vpcId: "vpc1-id", cidrBlock: "10.1.0.0/24", tags: { "netseg:zone": "db" } }),
      res(T.sg, "sg-web", { vpcId: "vpc0-id", tags: { "netseg:zone": "web" }, ingress: [all], egress: [all] }),
      res(T.sg, "sg-db", { vpcId: "vpc1-id", tags: { "netseg:zone": "db" }, ingress: [all], egress: [all] }),
      res(T.rt, "rt-web", { vpcId: "vpc0-id", routes: [{ cidrBlock: "10.1.0.0/16", vpcPeeringConnectionId: "pcx02-id" }] }),
      res(T.rta, "rta-web", { subnetId: "web-id", routeTableId: "rt-web-id" }),
      res(T.rt, "rt-db", { vpcId: "vpc1-id", routes: [{ cidrBlock: "10.0.0.0/16", vpcPeeringConnectionId: "pcx01-id" }] }),
      res(T.rta, "rta-db", { subnetId: "db-id", routeTableId: "rt-db-id" }),
    ]);
    assert.deepEqual([m.pair("aws:web", "aws:db")?.allowed.toString(), m.pair("aws:db", "aws:web")?.allowed.toString()], ["nothing", "nothing"]);
  });

  // BUG (wrong "allowed"): an internet gateway serves only instances with a public address
  // (`associatePublicIpAddress`, an Elastic IP); vm has none, so through the only route out
  // (0.0.0.0/0 -> igw0) it reaches no public network, and none reaches it. The engine applies that
  // check to the internet (internet <-> vm: nothing) but not to a declared peer network reached
  // through the same gateway. Engine: aws:web/ec2:vm -> office and office -> aws:web/ec2:vm "all";
  // correct: nothing, as for the internet.
  it("an instance without a public address reaches no public peer network through an internet gateway", () => {
    const T = { vpc: "aws:ec2/vpc:Vpc", igw: "aws:ec2/internetGateway:InternetGateway", subnet: "aws:ec2/subnet:Subnet", sg: "aws:ec2/securityGroup:SecurityGroup", rt: "aws:ec2/routeTable:RouteTable", rta: "aws:ec2/routeTableAssociation:RouteTableAssociation", instance: "aws:ec2/instance:Instance" };
    const all = { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] };
    const m = analyseReachability(
      [
        res(T.vpc, "vpc0", { cidrBlock: "10.0.0.0/16" }),
        res(T.igw, "igw0", { vpcId: "vpc0-id" }),
        res(T.subnet, "web", { vpcId: "vpc0-id", cidrBlock: "10.0.0.0/24", tags: { "netseg:zone": "web" } }),
        res(T.sg, "sg-web", { vpcId: "vpc0-id", tags: { "netseg:zone": "web" }, ingress: [all], egress: [all] }),
        res(T.rt, "rt-web", { vpcId: "vpc0-id", routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw0-id" }] }),
        res(T.rta, "rta-web", { subnetId: "web-id", routeTableId: "rt-web-id" }),
        res(T.instance, "vm", { ami: "ami-12345678", instanceType: "t3.micro", subnetId: "web-id", privateIp: "10.0.0.10", vpcSecurityGroupIds: ["sg-web-id"], associatePublicIpAddress: false }),
      ],
      { peers: [{ name: "office", cidrs: ["198.51.100.0/24"] }] },
    );
    const answers = [["aws:web/ec2:vm", "office"], ["office", "aws:web/ec2:vm"], ["aws:web/ec2:vm", "internet"], ["internet", "aws:web/ec2:vm"]].map(([a, b]) => `${a} -> ${b}: ${m.pair(a, b)?.allowed}`);
    assert.deepEqual(answers, ["aws:web/ec2:vm -> office: nothing", "office -> aws:web/ec2:vm: nothing", "aws:web/ec2:vm -> internet: nothing", "internet -> aws:web/ec2:vm: nothing"]);
  });
});
