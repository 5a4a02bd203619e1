/**
 * The VPC, its subnets (one per zone and AZ, public IPs only where the zone faces the
 * internet), the internet gateway, and the VPC's default security group and default NACL,
 * taken over and emptied so nothing can fall back on their allow rules.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { azKey } from "../../../core/addressing";
import type { SegmentedVpcPlan } from "./args";
import type { VpcTags } from "./tags";

export interface NetworkResources {
  readonly vpc: aws.ec2.Vpc;
  /** Subnets by zone, then by AZ key (`az1`...). */
  readonly subnets: Readonly<Record<string, Readonly<Record<string, aws.ec2.Subnet>>>>;
  readonly internetGateway?: aws.ec2.InternetGateway;
  readonly defaultSecurityGroup: aws.ec2.DefaultSecurityGroup;
  readonly defaultNetworkAcl: aws.ec2.DefaultNetworkAcl;
}

export function createNetwork(name: string, plan: SegmentedVpcPlan, tags: VpcTags, azName: (azIndex: number) => pulumi.Input<string>, parent: pulumi.Resource): NetworkResources {
  const { intent, addresses } = plan;
  const vpc = new aws.ec2.Vpc(name, { cidrBlock: addresses.addressSpace, enableDnsHostnames: true, enableDnsSupport: true, tags: tags.shared("vpc") }, { parent });
  const zones = new Map(intent.zones.map((z) => [z.name, z]));
  const subnets: Record<string, Record<string, aws.ec2.Subnet>> = {};
  for (const block of addresses.zones) {
    const zone = zones.get(block.zone)!;
    if (!zone.managed) continue;
    subnets[zone.name] = {};
    for (const s of block.subnets) {
      subnets[zone.name][azKey(s.azIndex)] = new aws.ec2.Subnet(
        `${name}-${s.key}`,
        {
          vpcId: vpc.id,
          cidrBlock: s.cidr,
          availabilityZone: azName(s.azIndex),
          mapPublicIpOnLaunch: zone.internet === "inbound",
          tags: tags.zoned(zone, "subnet", s.key),
        },
        { parent: vpc },
      );
    }
  }
  const needsIgw = intent.zones.some((z) => z.managed && z.internet === "inbound");
  const internetGateway = needsIgw ? new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags.shared("internet-gateway", "igw") }, { parent: vpc }) : undefined;
  const defaultSecurityGroup = new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId: vpc.id, ingress: [], egress: [], tags: tags.shared("default-security-group", "default") }, { parent: vpc });
  const defaultNetworkAcl = new aws.ec2.DefaultNetworkAcl(`${name}-default`, { defaultNetworkAclId: vpc.defaultNetworkAclId, ingress: [], egress: [], tags: tags.shared("default-network-acl", "default") }, { parent: vpc });
  return { vpc, subnets, internetGateway, defaultSecurityGroup, defaultNetworkAcl };
}
