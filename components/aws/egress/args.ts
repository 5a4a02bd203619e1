/**
 * What EgressProxy needs from the VPC it serves. A structural type rather than a SegmentedVpc
 * parameter, so that a hand-built VPC can use the proxy too; `egressNetworkOf` adapts a
 * SegmentedVpc-like object.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Intent } from "../../../core/intent/types";
import type { EgressBackend, FirewallRuleStyle } from "../../../core/egress";

export interface EgressNetwork {
  readonly vpcId: pulumi.Input<string>;
  /** Route table of each zone subnet, by subnet key (`app-az1`); the proxied zones' are used. */
  readonly routeTableIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** Security group of each zone, by zone name; proxy-fleet lets the proxied zones' groups in. */
  readonly securityGroupIds?: Readonly<Record<string, pulumi.Input<string>>>;
  /** The VPC's internet gateway. A VPC has at most one: pass it when the VPC has one already. */
  readonly internetGatewayId?: pulumi.Input<string>;
  /** AZ names by AZ index; the region's available AZs in order when absent. */
  readonly availabilityZoneNames?: readonly pulumi.Input<string>[];
}

export interface ProxyFleetOptions {
  /** Default t3.small. */
  readonly instanceType?: pulumi.Input<string>;
  /** Default: the latest Amazon Linux 2023, resolved by the launch template from SSM. */
  readonly imageId?: pulumi.Input<string>;
  /** Instances; default one per AZ, at most two per AZ. */
  readonly minSize?: number;
  readonly maxSize?: number;
  /**
   * Ports the proxy instances themselves need outbound besides the allow-list: the package
   * repository and CloudWatch Logs speak HTTPS. Default [443]; [] when the VPC has endpoints
   * for them.
   */
  readonly bootstrapEgressPorts?: readonly number[];
}

export interface EgressProxyArgs {
  /** The normalised intent; its allow-lists and proxied zones drive everything. */
  readonly intent: Intent;
  readonly network: EgressNetwork;
  readonly backend: EgressBackend;
  /** network-firewall only; default "suricata" (exact host:port pairs). */
  readonly ruleStyle?: FirewallRuleStyle;
  readonly fleet?: ProxyFleetOptions;
  /** CloudWatch Logs retention; default 90 days. */
  readonly logRetentionDays?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A SegmentedVpc-like object, read by shape (see `egressNetworkOf`). */
export interface SegmentedVpcLike {
  readonly vpcId?: pulumi.Input<string>;
  readonly vpc?: { readonly id: pulumi.Input<string> };
  readonly routeTableIds?: Readonly<Record<string, pulumi.Input<string>>>;
  readonly securityGroupIds?: Readonly<Record<string, pulumi.Input<string>>>;
  readonly internetGatewayId?: pulumi.Input<string>;
}

export function egressNetworkOf(vpc: SegmentedVpcLike, extra: Partial<EgressNetwork> = {}): EgressNetwork {
  const vpcId = vpc.vpcId ?? vpc.vpc?.id;
  if (vpcId === undefined) throw new Error("egressNetworkOf: the VPC object has neither vpcId nor vpc.id");
  if (!vpc.routeTableIds && !extra.routeTableIds) throw new Error("egressNetworkOf: the VPC object has no routeTableIds (by subnet key, e.g. app-az1); pass them in the second argument");
  return {
    vpcId,
    routeTableIds: extra.routeTableIds ?? vpc.routeTableIds!,
    securityGroupIds: extra.securityGroupIds ?? vpc.securityGroupIds,
    internetGatewayId: extra.internetGatewayId ?? vpc.internetGatewayId,
    availabilityZoneNames: extra.availabilityZoneNames,
  };
}
