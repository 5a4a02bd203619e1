/**
 * The VPC, its subnets (one per zone and AZ, public IPs only where the zone faces the
 * internet), the internet gateway, and the VPC's default security group and default NACL,
 * taken over and emptied so nothing can fall back on their allow rules.
 *
 * In a VPC that exists already (`plan.existingVpc`) only the subnets are created, as children
 * of the component (there is no VPC resource to hang them under), and the internet gateway only
 * when asked for; the default group and NACL stay as they are, since the VPC's other subnets
 * and workloads may rely on them. Logical names are the same in both cases.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { azKey } from "../../../core/addressing";
import type { SegmentedVpcArgs, SegmentedVpcPlan } from "./args";
import { checkResolvedVpcId } from "./existing-vpc";
import type { VpcTags } from "./tags";

export interface NetworkResources {
  /** The VPC, when this component created it (absent for an existing VPC). */
  readonly vpc?: aws.ec2.Vpc;
  readonly vpcId: pulumi.Output<string>;
  /** The parent of the VPC's contents: the VPC, or the component for an existing VPC. */
  readonly parent: pulumi.Resource;
  /** Subnets by zone, then by AZ key (`az1`...). */
  readonly subnets: Readonly<Record<string, Readonly<Record<string, aws.ec2.Subnet>>>>;
  /** The internet gateway, when this component created it. */
  readonly internetGateway?: aws.ec2.InternetGateway;
  /** The internet gateway internet-bound routes use (created or given), when there is one. */
  readonly internetGatewayId?: pulumi.Output<string>;
  /** Taken over and emptied (absent for an existing VPC). */
  readonly defaultSecurityGroup?: aws.ec2.DefaultSecurityGroup;
  readonly defaultNetworkAcl?: aws.ec2.DefaultNetworkAcl;
}

/** The VPC itself (created) or its id (existing), and where its contents hang. */
function vpcOf(name: string, plan: SegmentedVpcPlan, existing: SegmentedVpcArgs["vpc"], tags: VpcTags, parent: pulumi.Resource): { vpc?: aws.ec2.Vpc; vpcId: pulumi.Output<string>; under: pulumi.Resource } {
  if (plan.existingVpc && existing) return { vpcId: pulumi.output(existing.id).apply(checkResolvedVpcId), under: parent };
  const vpc = new aws.ec2.Vpc(name, { cidrBlock: plan.addresses.addressSpace, enableDnsHostnames: true, enableDnsSupport: true, tags: tags.shared("vpc") }, { parent });
  return { vpc, vpcId: vpc.id, under: vpc };
}

export function createNetwork(name: string, plan: SegmentedVpcPlan, existing: SegmentedVpcArgs["vpc"], tags: VpcTags, azName: (azIndex: number) => pulumi.Input<string>, parent: pulumi.Resource): NetworkResources {
  const { intent, addresses } = plan;
  const { vpc, vpcId, under } = vpcOf(name, plan, existing, tags, parent);
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
          vpcId,
          cidrBlock: s.cidr,
          availabilityZone: azName(s.azIndex),
          mapPublicIpOnLaunch: zone.internet === "inbound",
          tags: tags.zoned(zone, "subnet", s.key),
        },
        { parent: under },
      );
    }
  }
  const createIgw = plan.existingVpc ? plan.existingVpc.internetGateway === "create" : intent.zones.some((z) => z.managed && z.internet === "inbound");
  const internetGateway = createIgw ? new aws.ec2.InternetGateway(`${name}-igw`, { vpcId, tags: tags.shared("internet-gateway", "igw") }, { parent: under }) : undefined;
  const givenIgw = plan.existingVpc?.internetGateway === "given" && existing?.internetGatewayId !== undefined ? pulumi.output(existing.internetGatewayId) : undefined;
  const internetGatewayId = internetGateway?.id ?? givenIgw;
  if (!vpc) return { vpcId, parent: under, subnets, internetGateway, internetGatewayId };
  const defaultSecurityGroup = new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId, ingress: [], egress: [], tags: tags.shared("default-security-group", "default") }, { parent: vpc });
  const defaultNetworkAcl = new aws.ec2.DefaultNetworkAcl(`${name}-default`, { defaultNetworkAclId: vpc.defaultNetworkAclId, ingress: [], egress: [], tags: tags.shared("default-network-acl", "default") }, { parent: vpc });
  return { vpc, vpcId, parent: vpc, subnets, internetGateway, internetGatewayId, defaultSecurityGroup, defaultNetworkAcl };
}
