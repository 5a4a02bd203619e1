/**
 * AWS CLI outputs of the network's shape: `describe-vpcs`, `describe-subnets`,
 * `describe-route-tables`, `describe-network-acls`, `describe-vpc-peering-connections`,
 * `describe-internet-gateways`, `describe-nat-gateways`, as the Pulumi AWS provider's resources.
 * A route table's main association becomes a `MainRouteTableAssociation` (AWS lists no subnet for
 * the subnets that fall back on the main table); a NACL's `*` entries (rules 32767 and 32768) are
 * the deny the engine already applies to what no entry matches, counted, not copied.
 */
import { AWS } from "../../reachability/aws/types";
import { arr, awsTags, obj, pluck, text, type Tally } from "./common";

type Handler = (t: Tally, list: readonly unknown[], at: string) => void;

/** First associated block of an `...CidrBlockAssociationSet` (IPv6 sets hold at most one per VPC or subnet). */
function associated(set: unknown, field: string): string[] {
  return arr(set).flatMap((x) => {
    const o = obj(x);
    const state = text(obj(o?.Ipv6CidrBlockState ?? o?.CidrBlockState)?.State);
    const block = text(o?.[field]);
    return block && (state === undefined || state === "associated") ? [block] : [];
  });
}

const vpcs: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const v = obj(x);
    const id = text(v?.VpcId);
    if (!v || !id) return t.skip(`${at}[${i}]`, "AWS::EC2::VPC", "no VpcId: not a describe-vpcs record");
    const v4 = associated(v.CidrBlockAssociationSet, "CidrBlock");
    const primary = text(v.CidrBlock) ?? v4[0];
    const v6 = associated(v.Ipv6CidrBlockAssociationSet, "Ipv6CidrBlock");
    t.add("AWS::EC2::VPC", AWS.vpc, id, {
      cidrBlock: primary,
      ipv6CidrBlock: v6[0],
      instanceTenancy: text(v.InstanceTenancy),
      dhcpOptionsId: text(v.DhcpOptionsId),
      ownerId: text(v.OwnerId),
      isDefault: v.IsDefault === true ? true : undefined,
      tags: awsTags(v.Tags),
    });
    // Secondary blocks are resources of their own in the provider.
    for (const block of v4.filter((b) => b !== primary)) {
      t.add("AWS::EC2::VPCCidrBlock", "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation", `${id}/${block}`, { vpcId: id, cidrBlock: block });
    }
  });
};

const subnets: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const s = obj(x);
    const id = text(s?.SubnetId);
    if (!s || !id) return t.skip(`${at}[${i}]`, "AWS::EC2::Subnet", "no SubnetId: not a describe-subnets record");
    t.add("AWS::EC2::Subnet", AWS.subnet, id, {
      arn: text(s.SubnetArn),
      vpcId: text(s.VpcId),
      cidrBlock: text(s.CidrBlock),
      ipv6CidrBlock: associated(s.Ipv6CidrBlockAssociationSet, "Ipv6CidrBlock")[0],
      availabilityZone: text(s.AvailabilityZone),
      availabilityZoneId: text(s.AvailabilityZoneId),
      mapPublicIpOnLaunch: s.MapPublicIpOnLaunch === true,
      assignIpv6AddressOnCreation: s.AssignIpv6AddressOnCreation === true,
      ipv6Native: s.Ipv6Native === true ? true : undefined,
      tags: awsTags(s.Tags),
    });
  });
};

/** Route target fields: the CLI's name -> the provider's. */
const ROUTE_TARGETS: [string, string][] = [
  ["NatGatewayId", "natGatewayId"], ["TransitGatewayId", "transitGatewayId"], ["VpcPeeringConnectionId", "vpcPeeringConnectionId"],
  ["NetworkInterfaceId", "networkInterfaceId"], ["EgressOnlyInternetGatewayId", "egressOnlyGatewayId"], ["CarrierGatewayId", "carrierGatewayId"],
  ["LocalGatewayId", "localGatewayId"], ["CoreNetworkArn", "coreNetworkArn"],
];

const routeTables: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const rt = obj(x);
    const id = text(rt?.RouteTableId);
    if (!rt || !id) return t.skip(`${at}[${i}]`, "AWS::EC2::RouteTable", "no RouteTableId: not a describe-route-tables record");
    const routes: Record<string, unknown>[] = [];
    arr(rt.Routes).forEach((y, j) => {
      const r = obj(y);
      const where = `${at}[${i}].Routes[${j}]`;
      if (!r) return t.skip(where, "AWS::EC2::Route", "not an object");
      const dest4 = text(r.DestinationCidrBlock);
      const dest6 = text(r.DestinationIpv6CidrBlock);
      const gateway = text(r.GatewayId);
      if (!dest4 && !dest6) {
        const pl = text(r.DestinationPrefixListId);
        return t.skip(where, "AWS::EC2::Route", `route to prefix list ${pl ?? "(none named)"}${gateway ? ` via ${gateway}` : ""}: prefix-list destinations (AWS service addresses) are not expanded, so traffic to them is not analysed`, pl);
      }
      const route: Record<string, unknown> = { cidrBlock: dest4, ipv6CidrBlock: dest6 };
      // A blackhole route keeps the id of its vanished target in the output; it carries nothing.
      if (text(r.State) !== "blackhole") {
        if (gateway?.startsWith("vpce-")) {
          route.vpcEndpointId = gateway;
          t.skip(where, "AWS::EC2::Route", `route to ${gateway} (a Gateway Load Balancer or gateway endpoint): the appliance behind it is not analysed; the route is read as one to an appliance, so paths through it are "maybe"`, gateway);
        } else if (gateway) route.gatewayId = gateway;
        for (const [cli, prop] of ROUTE_TARGETS) if (text(r[cli])) route[prop] = r[cli];
      } else t.count("AWS::EC2::Route (blackhole)");
      for (const k of Object.keys(route)) if (route[k] === undefined) delete route[k];
      routes.push(route);
      t.count("AWS::EC2::Route");
    });
    const vpcId = text(rt.VpcId);
    t.add("AWS::EC2::RouteTable", AWS.routeTable, id, { vpcId, ownerId: text(rt.OwnerId), routes, tags: awsTags(rt.Tags) });
    arr(rt.Associations).forEach((y, j) => {
      const a = obj(y);
      const where = `${at}[${i}].Associations[${j}]`;
      const state = text(obj(a?.AssociationState)?.State);
      if (!a || (state !== undefined && state !== "associated")) return t.skip(where, "AWS::EC2::SubnetRouteTableAssociation", `association ${state ?? "unreadable"}: it does not route traffic`);
      const assocId = text(a.RouteTableAssociationId) ?? `${id}/${j}`;
      if (a.Main === true) return void t.add("AWS::EC2::MainRouteTableAssociation", AWS.mainRtAssoc, assocId, { vpcId, routeTableId: id });
      const subnetId = text(a.SubnetId);
      if (subnetId) return void t.add("AWS::EC2::SubnetRouteTableAssociation", AWS.rtAssoc, assocId, { routeTableId: id, subnetId });
      t.skip(where, "AWS::EC2::GatewayRouteTableAssociation", `edge association with ${text(a.GatewayId) ?? "a gateway"}: ingress routing at the gateway is not analysed`, assocId);
    });
  });
};

/** NACL `*` entries: what matches no numbered entry is denied, which the engine applies by itself. */
const DEFAULT_DENY = new Set([32767, 32768]);

const networkAcls: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const acl = obj(x);
    const id = text(acl?.NetworkAclId);
    if (!acl || !id) return t.skip(`${at}[${i}]`, "AWS::EC2::NetworkAcl", "no NetworkAclId: not a describe-network-acls record");
    const ingress: Record<string, unknown>[] = [];
    const egress: Record<string, unknown>[] = [];
    arr(acl.Entries).forEach((y, j) => {
      const e = obj(y);
      const where = `${at}[${i}].Entries[${j}]`;
      if (!e || typeof e.RuleNumber !== "number") return t.skip(where, "AWS::EC2::NetworkAclEntry", "no RuleNumber: not a NACL entry");
      const all = e.Protocol === "-1" && (e.CidrBlock === "0.0.0.0/0" || e.Ipv6CidrBlock === "::/0");
      if (DEFAULT_DENY.has(e.RuleNumber) && e.RuleAction === "deny" && all) return t.count("AWS::EC2::NetworkAclEntry (the * default deny, implied)");
      const range = obj(e.PortRange);
      const icmp = obj(e.IcmpTypeCode);
      const entry: Record<string, unknown> = {
        ruleNo: e.RuleNumber,
        action: e.RuleAction,
        protocol: e.Protocol,
        fromPort: typeof range?.From === "number" ? range.From : 0,
        toPort: typeof range?.To === "number" ? range.To : 0,
        ...(text(e.CidrBlock) ? { cidrBlock: e.CidrBlock } : {}),
        ...(text(e.Ipv6CidrBlock) ? { ipv6CidrBlock: e.Ipv6CidrBlock } : {}),
        ...(icmp ? { icmpType: icmp.Type, icmpCode: icmp.Code } : {}),
      };
      (e.Egress === true ? egress : ingress).push(entry);
      t.count("AWS::EC2::NetworkAclEntry");
    });
    t.add("AWS::EC2::NetworkAcl", AWS.nacl, id, {
      vpcId: text(acl.VpcId),
      ownerId: text(acl.OwnerId),
      isDefault: acl.IsDefault === true ? true : undefined,
      subnetIds: pluck(acl.Associations, "SubnetId"),
      ingress,
      egress,
      tags: awsTags(acl.Tags),
    });
  });
};

const peerings: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const p = obj(x);
    const id = text(p?.VpcPeeringConnectionId);
    const where = `${at}[${i}]`;
    if (!p || !id) return t.skip(where, "AWS::EC2::VPCPeeringConnection", "no VpcPeeringConnectionId: not a describe-vpc-peering-connections record");
    const status = text(obj(p.Status)?.Code);
    if (status !== "active") return t.skip(where, "AWS::EC2::VPCPeeringConnection", `status ${status ?? "missing"}: only an active connection carries traffic; routes naming it are read as leading to an unknown peer`, id);
    const requester = obj(p.RequesterVpcInfo);
    const accepter = obj(p.AccepterVpcInfo);
    t.add("AWS::EC2::VPCPeeringConnection", AWS.peering, id, {
      vpcId: text(requester?.VpcId),
      peerVpcId: text(accepter?.VpcId),
      peerOwnerId: text(accepter?.OwnerId),
      peerRegion: text(accepter?.Region),
      acceptStatus: status,
      tags: awsTags(p.Tags),
    });
  });
};

const internetGateways: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const g = obj(x);
    const id = text(g?.InternetGatewayId);
    if (!g || !id) return t.skip(`${at}[${i}]`, "AWS::EC2::InternetGateway", "no InternetGatewayId");
    const vpcIds = pluck(g.Attachments, "VpcId");
    t.add("AWS::EC2::InternetGateway", AWS.igw, id, { vpcId: vpcIds[0], ownerId: text(g.OwnerId), tags: awsTags(g.Tags) });
  });
};

const egressOnlyGateways: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const g = obj(x);
    const id = text(g?.EgressOnlyInternetGatewayId);
    if (!g || !id) return t.skip(`${at}[${i}]`, "AWS::EC2::EgressOnlyInternetGateway", "no EgressOnlyInternetGatewayId");
    t.add("AWS::EC2::EgressOnlyInternetGateway", AWS.eigw, id, { vpcId: pluck(g.Attachments, "VpcId")[0], tags: awsTags(g.Tags) });
  });
};

const natGateways: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const g = obj(x);
    const id = text(g?.NatGatewayId);
    const where = `${at}[${i}]`;
    if (!g || !id) return t.skip(where, "AWS::EC2::NatGateway", "no NatGatewayId");
    const state = text(g.State);
    if (state === "deleted" || state === "deleting" || state === "failed") return t.skip(where, "AWS::EC2::NatGateway", `state ${state}: it carries no traffic (routes to it are read as they are written)`, id);
    const addresses = arr(g.NatGatewayAddresses).map(obj);
    t.add("AWS::EC2::NatGateway", AWS.nat, id, {
      subnetId: text(g.SubnetId),
      vpcId: text(g.VpcId),
      connectivityType: text(g.ConnectivityType) ?? "public",
      allocationId: text(addresses[0]?.AllocationId),
      privateIp: text(addresses[0]?.PrivateIp),
      publicIp: text(addresses[0]?.PublicIp),
      tags: awsTags(g.Tags),
    });
  });
};

export const NETWORK_HANDLERS: Readonly<Record<string, Handler>> = {
  Vpcs: vpcs,
  Subnets: subnets,
  RouteTables: routeTables,
  NetworkAcls: networkAcls,
  VpcPeeringConnections: peerings,
  InternetGateways: internetGateways,
  EgressOnlyInternetGateways: egressOnlyGateways,
  NatGateways: natGateways,
};

export type { Handler };
