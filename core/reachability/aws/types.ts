/** AWS resource type tokens the engine reads, in one place. */
export const AWS = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sgEgress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  defaultNacl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  naclRule: "aws:ec2/networkAclRule:NetworkAclRule",
  naclAssoc: "aws:ec2/networkAclAssociation:NetworkAclAssociation",
  routeTable: "aws:ec2/routeTable:RouteTable",
  defaultRouteTable: "aws:ec2/defaultRouteTable:DefaultRouteTable",
  route: "aws:ec2/route:Route",
  rtAssoc: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  mainRtAssoc: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
  igw: "aws:ec2/internetGateway:InternetGateway",
  eigw: "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
  nat: "aws:ec2/natGateway:NatGateway",
  vgw: "aws:ec2/vpnGateway:VpnGateway",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  tgw: "aws:ec2transitgateway/transitGateway:TransitGateway",
  tgwAttachment: "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
  tgwRouteTable: "aws:ec2transitgateway/routeTable:RouteTable",
  tgwRtAssoc: "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
  tgwRtProp: "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
  tgwRoute: "aws:ec2transitgateway/route:Route",
  tgwDefaultAssoc: "aws:ec2transitgateway/defaultRouteTableAssociation:DefaultRouteTableAssociation",
  tgwDefaultProp: "aws:ec2transitgateway/defaultRouteTablePropagation:DefaultRouteTablePropagation",
} as const;

export const SG_TYPES = [AWS.sg, AWS.defaultSg];
export const NACL_TYPES = [AWS.nacl, AWS.defaultNacl];
export const RT_TYPES = [AWS.routeTable, AWS.defaultRouteTable];
