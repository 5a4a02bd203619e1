/**
 * The GCP plan: plain, sorted data that `SegmentedNetwork` turns into resources one to one.
 * Every decision (names, CIDRs, priorities, which zone gets NAT or an internet route) is made
 * here, so it is tested without Pulumi and compared across clouds.
 */
import type { FlowTuple } from "../neutral";

/** How firewall rules pick the instances of a zone. GCP forbids mixing both in one rule. */
export type GcpTargeting = "serviceAccount" | "tag";

/**
 * Priorities. GCP evaluates the lowest number first and ends with implied rules at 65535
 * (allow egress, deny ingress). netseg's allow rules sit at 1000, inside the band 1000-1999
 * it reserves; 0-999 is left for break-glass rules above netseg, 2000-65533 for rules that
 * should lose to netseg's allows but still beat the deny-all. The explicit deny-all at 65534
 * replaces the implied allow-all egress and logs what it drops.
 */
export const GCP_PRIORITY = {
  /** The quarantine's denies: the highest precedence GCP has, above every break-glass rule. */
  quarantine: 0,
  allow: 1000,
  allowBandFrom: 1000,
  allowBandTo: 1999,
  denyAll: 65534,
} as const;

export interface GcpSubnetPlan {
  /** Stable key: `<zone>-<region>`. */
  readonly key: string;
  readonly zone: string;
  readonly region: string;
  /** Position of the region in `regions`: the AZ slot the CIDR is taken from. */
  readonly regionIndex: number;
  readonly name: string;
  readonly cidr: string;
}

export interface GcpZonePlan {
  readonly name: string;
  readonly internet: "none" | "inbound";
  readonly egress: "none" | "nat" | "proxy";
  readonly sensitive: boolean;
  /** Service-account id (the part before `@`); present when targeting by service account. */
  readonly serviceAccountId?: string;
  /**
   * Network tag of the zone. Firewall rules use it when targeting by tag; the internet route
   * always does (routes select instances only by tag), so instances of nat zones carry it.
   */
  readonly networkTag: string;
  /** Zone marks as GCP labels (zoneMarks("gcp")), for instances and other labelled resources. */
  readonly labels: Readonly<Record<string, string>>;
  readonly subnets: readonly GcpSubnetPlan[];
}

/** One protocol and its ports as GCP writes them (`allow`/`deny` blocks); tcp, udp and sctp take ports. */
export interface GcpProtocolPorts {
  readonly protocol: "tcp" | "udp" | "sctp" | "icmp" | "all";
  /** `["443", "8000-8100"]`; absent means every port. */
  readonly ports?: readonly string[];
}

export type GcpRuleKind = "flow" | "egress-proxy" | "deny-all" | "quarantine";

export interface GcpFirewallRulePlan {
  /** Stable key: the neutral rule's key (plus `#<n>` when split), or `deny-all/<direction>`. */
  readonly key: string;
  readonly kind: GcpRuleKind;
  readonly name: string;
  readonly direction: "INGRESS" | "EGRESS";
  readonly action: "allow" | "deny";
  readonly priority: number;
  readonly description: string;
  /** Zones whose instances the rule applies to; empty: every instance in the network. */
  readonly targetZones: readonly string[];
  /**
   * Network tags the rule targets instead of zones, whatever the network's targeting: a
   * quarantined workload's tag (GCP has no workloads; the tag is added to its instances).
   */
  readonly targetTags?: readonly string[];
  /** Ingress only: zones whose instances may be the source (by service account or tag). */
  readonly sourceZones: readonly string[];
  readonly sourceRanges: readonly string[];
  readonly destinationRanges: readonly string[];
  readonly protocols: readonly GcpProtocolPorts[];
  readonly logging: true;
  /** The endpoints (as intent keys) the rule is for, for readers; flow tuples decode the fields instead. */
  readonly from?: string;
  readonly to?: string;
}

export interface GcpRoutePlan {
  readonly key: string;
  readonly name: string;
  readonly destRange: string;
  readonly nextHopGateway: "default-internet-gateway";
  readonly priority: number;
  /** Network tags the route applies to; never empty (an untagged route applies to every zone). */
  readonly tags: readonly string[];
  /** Zones whose instances get the route. */
  readonly zones: readonly string[];
  readonly description: string;
}

export interface GcpNatPlan {
  readonly region: string;
  readonly routerName: string;
  readonly natName: string;
  /** Keys of the subnets NAT serves (only subnets of zones with egress nat). */
  readonly subnetKeys: readonly string[];
}

export interface GcpNetworkPlan {
  readonly intent: string;
  readonly networkName: string;
  readonly namePrefix: string;
  readonly targeting: GcpTargeting;
  readonly regions: readonly string[];
  readonly zones: readonly GcpZonePlan[];
  readonly subnets: readonly GcpSubnetPlan[];
  readonly firewallRules: readonly GcpFirewallRulePlan[];
  /** The network tag of each quarantined workload, by `zone/workload`: add it to the workload's instances to cut them off. */
  readonly quarantineTags: Readonly<Record<string, string>>;
  /** Present only when some zone has egress nat. */
  readonly routes: readonly GcpRoutePlan[];
  readonly nat: readonly GcpNatPlan[];
  /** Where egress allow-lists go: the egress proxy's ranges. */
  readonly egressProxyRanges: readonly string[];
  /** What `from: internet` / `to: internet` rules name: the IPv4 internet minus the address space (the flow tuples read it back as the internet). */
  readonly internetRanges: readonly string[];
  /** The explicit egress proxy's listen port the zones' proxy-bound rules carry; absent: destination ports. */
  readonly egressProxyPort?: number;
  /** The intent's peers, by which flow tuples name address ranges. */
  readonly peers: readonly { readonly name: string; readonly cidrs: readonly string[] }[];
  /** The (from, to, protocol, ports) tuples the firewall rules allow; see gcpFlowTuples. */
  flowTuples(): FlowTuple[];
}
