/**
 * The AWS rule plan: plain data a SegmentedVpc turns into security groups, standalone rule
 * resources and NACL entries, and `netseg plan` prints. Every rule carries a stable key from
 * which the component derives the child's logical name, so a rule keeps its identity while
 * other rules come and go.
 */
import type { Direction } from "../neutral";

/**
 * AWS's protocol names for security-group rules (`-1` is every protocol). SCTP has no name
 * there, only its number, `132`, and AWS matches such a rule on every port of the protocol.
 */
export type AwsProtocol = "tcp" | "udp" | "icmp" | "132" | "-1";

/** What a security-group rule points at. */
export type SgPeer =
  /** Another zone's (or the same zone's) security group; the component maps names to ids. */
  | { readonly kind: "zone"; readonly zone: string }
  /** One address block (a rule resource takes exactly one). */
  | { readonly kind: "cidr"; readonly name: string; readonly cidr: string; readonly ipv6: boolean }
  /** The egress proxy's security group, supplied or created by the component. */
  | { readonly kind: "egress-proxy" };

export interface SgRule {
  /** Stable identity inside its security group and direction, e.g. `in-edge-tcp-8080`. */
  readonly key: string;
  /** The security group that holds the rule: a zone name, or `egress-proxy`. */
  readonly group: string;
  readonly direction: Direction;
  readonly peer: SgPeer;
  readonly protocol: AwsProtocol;
  /** Ports for tcp/udp; `-1` for icmp (every type and code); undefined for `-1` and `132` (SCTP: AWS ignores ports). */
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly description: string;
  /** The intent flows this rule lets through. */
  readonly flowKeys: readonly string[];
}

export interface SecurityGroupPlan {
  /** Logical base of the group's name (AWS adds an auto-name suffix). */
  readonly name: string;
  readonly description: string;
  readonly ingress: readonly SgRule[];
  readonly egress: readonly SgRule[];
}

/** Why a NACL entry exists. */
export type NaclPurpose = "intra-zone" | "request" | "return" | "nat-transit" | "admin-deny" | "own-range-deny" | "final-deny" | "quarantine";

export interface NaclEntry {
  /** Unique per direction, 1-32766. */
  readonly ruleNumber: number;
  readonly direction: Direction;
  readonly action: "allow" | "deny";
  readonly protocol: AwsProtocol;
  /** AWS's protocol number as NACLs take it: "6", "17", "1", "132", "-1". */
  readonly protocolNumber: string;
  readonly cidr: string;
  readonly ipv6: boolean;
  /** 0 for icmp, SCTP (`132`, whose entries AWS matches on every port) and `-1`. */
  readonly fromPort: number;
  readonly toPort: number;
  /** -1 (every type/code) for icmp entries. */
  readonly icmpType?: number;
  readonly icmpCode?: number;
  readonly purposes: readonly NaclPurpose[];
  /** Human-readable reasons (flows and the part each entry plays), for `netseg plan`. */
  readonly reasons: readonly string[];
}

export interface NaclPlan {
  readonly ingress: readonly NaclEntry[];
  readonly egress: readonly NaclEntry[];
}

export interface AwsZoneRules {
  readonly zone: string;
  readonly securityGroup: SecurityGroupPlan;
  readonly nacl: NaclPlan;
}

export interface AwsEgressProxyPlan {
  /** Where proxy-bound traffic goes at the subnet level (NACL entries). */
  readonly cidrs: readonly string[];
  /** `security-group`: rules reference the proxy's group; `cidrs`: rules name the blocks. */
  readonly mode: "security-group" | "cidrs";
  /** An explicit proxy's listen port: zones reach the proxy on it alone. Absent: transparent. */
  readonly listenPort?: number;
  /**
   * A transparent proxy on the internet route: the deployment's own ranges, which its zones'
   * security groups leave out of `cidrs` and their NACLs deny (that traffic never meets the proxy).
   */
  readonly excludedRanges?: readonly string[];
  /** Ingress rules for the proxy's group (empty in `cidrs` mode). */
  readonly ingress: readonly SgRule[];
}

export interface AwsRulePlan {
  readonly intent: string;
  readonly naclEntryLimit: number;
  readonly sgRuleLimit: number;
  /** The internet-facing zone whose subnets hold the NAT gateways, when any zone needs NAT. */
  readonly natZone?: string;
  /** Managed zones, sorted by name. */
  readonly zones: readonly AwsZoneRules[];
  /** Present when some zone sends traffic to the egress proxy. */
  readonly egressProxy?: AwsEgressProxyPlan;
}
