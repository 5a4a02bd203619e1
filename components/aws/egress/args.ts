/**
 * What EgressProxy needs from the VPC it serves. A structural type rather than a SegmentedVpc
 * parameter, so that a hand-built VPC can use the proxy too; `egressNetworkOf` adapts a
 * SegmentedVpc.
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
  readonly availabilityZoneNames?: pulumi.Input<string[]>;
  /**
   * The security group the zones' egress rules name for the proxy (SegmentedVpc's
   * `egress-proxy` group). proxy-fleet attaches it to its load balancer, so those rules match.
   */
  readonly proxySecurityGroupId?: pulumi.Input<string>;
  /**
   * How the VPC's zone rules address the proxy, when known (a SegmentedVpc's plan): EgressProxy
   * checks that they fit its backend, since a mismatch leaves the zone with no way out at all.
   */
  readonly zoneRules?: { readonly mode: "security-group" | "cidrs"; readonly cidrs: readonly string[]; readonly listenPort?: number };
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

/**
 * network-firewall only: decrypt the proxied zones' TLS with a CA of yours, so that an allowed
 * name is proven rather than claimed. Without it the firewall matches the SNI the client chooses,
 * and a workload can name a listed host while connecting to any address that answers TLS.
 */
export interface TlsInspectionOptions {
  /** ARN of the CA certificate imported into ACM (`arn:aws:acm:<region>:<account>:certificate/<id>`); the workloads must trust it. */
  readonly certificateAuthorityArn: pulumi.Input<string>;
  /** What the firewall does with a server certificate that is revoked (default REJECT) or whose status is unknown (default PASS). */
  readonly revokedStatusAction?: "PASS" | "DROP" | "REJECT";
  readonly unknownStatusAction?: "PASS" | "DROP" | "REJECT";
}

export interface EgressProxyResourceArgs {
  /** The normalised intent; its allow-lists and proxied zones drive everything. */
  readonly intent: Intent;
  readonly network: EgressNetwork;
  readonly backend: EgressBackend;
  /** network-firewall only; default "suricata" (exact host:port pairs). */
  readonly ruleStyle?: FirewallRuleStyle;
  /** network-firewall only: destination ports that carry plain HTTP (matched on the Host); every other port is TLS. Default [80, 8080]. */
  readonly plainHttpPorts?: readonly number[];
  /** network-firewall only: TLS inspection (see TlsInspectionOptions). */
  readonly tlsInspection?: TlsInspectionOptions;
  readonly fleet?: ProxyFleetOptions;
  /** CloudWatch Logs retention; default 90 days. */
  readonly logRetentionDays?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A SegmentedVpc, read by shape so that this folder does not depend on its internals. */
export interface SegmentedVpcLike {
  readonly vpcId: pulumi.Input<string>;
  /** Route tables by zone, then AZ key (`az1`). */
  readonly routeTables: Readonly<Record<string, Readonly<Record<string, { readonly id: pulumi.Input<string> }>>>>;
  /** Security groups by zone. */
  readonly securityGroups?: Readonly<Record<string, { readonly id: pulumi.Input<string> }>>;
  readonly internetGateway?: { readonly id: pulumi.Input<string> };
  /** The gateway in use, created or given (a SegmentedVpc in an existing VPC has no gateway resource). */
  readonly internetGatewayId?: pulumi.Input<string>;
  readonly availabilityZoneNames?: pulumi.Input<string[]>;
  readonly egressProxySecurityGroupId?: pulumi.Input<string>;
  readonly plan?: { readonly rules: { readonly egressProxy?: EgressNetwork["zoneRules"] } };
}

/** The EgressNetwork of a SegmentedVpc: route tables by subnet key, groups, gateway, AZs, proxy rules. */
export function egressNetworkOf(vpc: SegmentedVpcLike, overrides: Partial<EgressNetwork> = {}): EgressNetwork {
  const routeTableIds: Record<string, pulumi.Input<string>> = {};
  for (const [zone, byAz] of Object.entries(vpc.routeTables)) for (const [az, rt] of Object.entries(byAz)) routeTableIds[`${zone}-${az}`] = rt.id;
  const securityGroupIds = vpc.securityGroups ? Object.fromEntries(Object.entries(vpc.securityGroups).map(([zone, sg]) => [zone, sg.id])) : undefined;
  return {
    vpcId: vpc.vpcId,
    routeTableIds,
    securityGroupIds,
    internetGatewayId: vpc.internetGatewayId ?? vpc.internetGateway?.id,
    availabilityZoneNames: vpc.availabilityZoneNames,
    proxySecurityGroupId: vpc.egressProxySecurityGroupId,
    zoneRules: vpc.plan?.rules.egressProxy,
    ...overrides,
  };
}
