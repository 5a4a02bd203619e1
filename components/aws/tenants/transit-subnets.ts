/**
 * The subnets a VPC's TGW attachment lives in, one per AZ (the address plan's `transit-azN`),
 * with their own NACL: traffic may pass only between the VPC's own block and the blocks it is
 * allowed to reach through the TGW. Filtering by port is the zones' job (their security groups
 * and NACLs); this NACL keeps the transit subnets from carrying anything but that path, even if
 * a route were added by hand. (The VPC's default NACL denies everything, so these subnets need
 * their own.)
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { InfraSubnetPlan } from "../../../core/addressing";

export interface TransitSubnets {
  readonly subnets: aws.ec2.Subnet[];
  readonly networkAcl: aws.ec2.NetworkAcl;
}

export function createTransitSubnets(
  name: string,
  vpcId: pulumi.Input<string>,
  infra: readonly InfraSubnetPlan[],
  ownBlock: string,
  remoteBlocks: readonly string[],
  azName: (azIndex: number) => pulumi.Input<string>,
  tags: (display: string) => Record<string, string>,
  parent: pulumi.Resource,
): TransitSubnets {
  const transit = infra.filter((s) => s.purpose === "transit").sort((a, b) => a.azIndex - b.azIndex);
  if (transit.length === 0) throw new pulumi.ResourceError(`${name}: the address plan of ${ownBlock} has no transit subnets (they would be smaller than /28); use a larger block`, parent);
  const subnets = transit.map((s) => new aws.ec2.Subnet(`${name}-${s.key}`, { vpcId, cidrBlock: s.cidr, availabilityZone: azName(s.azIndex), mapPublicIpOnLaunch: false, tags: tags(`${name}-${s.key}`) }, { parent }));
  const entries = (blocks: readonly string[], base: number) => blocks.map((cidrBlock, i) => ({ ruleNo: base + i * 10, action: "allow", protocol: "-1", cidrBlock, fromPort: 0, toPort: 0 }));
  const peers = [ownBlock, ...remoteBlocks];
  const networkAcl = new aws.ec2.NetworkAcl(
    `${name}-transit`,
    { vpcId, subnetIds: subnets.map((s) => s.id), ingress: entries(peers, 100), egress: entries(peers, 100), tags: tags(`${name}-transit`) },
    { parent },
  );
  return { subnets, networkAcl };
}
