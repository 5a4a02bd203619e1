/**
 * The plain data the reachability engine reads and writes. Input is the stack's resources as
 * any Pulumi tool sees them (type token, URN, name, properties, dependencies), so the same code
 * serves the offline preview's recorder and CrossGuard's `StackValidationArgs.resources`.
 * Output is a matrix of endpoints with traffic sets, each answer backed by the rules behind it.
 */
import type { TrafficSet } from "../net/ports";
import type { CidrSet } from "../net/cidr";

/** One resource as recorded by a preview or handed to a stack policy. Unknowns stay as Pulumi's sentinels. */
export interface NetResource {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  /** Properties (StackValidationArgs) ... */
  readonly props?: Record<string, unknown>;
  /** ... or inputs (preview recorder); `props` wins when both are given. */
  readonly inputs?: Record<string, unknown>;
  /** Provider id when known (after a mock or a refresh); references to it are joined by id. */
  readonly id?: string;
  readonly parent?: string;
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export type Platform = "aws" | "gcp" | "k8s";

/** Something traffic can come from or go to. */
export interface Endpoint {
  /** Unique in the matrix: the key prefixed with the platform for cloud endpoints (`aws:app`). */
  readonly id: string;
  /** As the intent spells it: `app`, `shop/frontend`, `internet`, a peer name. */
  readonly key: string;
  readonly kind: "zone" | "workload" | "internet" | "peer";
  /** Undefined for the internet and peers, which sit outside every platform. */
  readonly platform?: Platform;
  readonly zone?: string;
  readonly workload?: string;
  /** The tenant whose VPC holds the zone (AWS resources tagged `netseg:tenant`); its id is `aws:<tenant>/<zone>`. */
  readonly tenant?: string;
  /** The zone's addresses when all are known (AWS): another intent's zone counts as its peer by them. */
  readonly addresses?: CidrSet;
  /** A Kubernetes workload's pod labels: an intent's flow names it by these as well as by name. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Marked sensitive by its resources' tags (the intent can add more). */
  readonly sensitive?: boolean;
  /**
   * The URN of the network (an AWS subnet, a GCP subnetwork) behind an endpoint of a network no
   * zone tag names: such an endpoint has no `zone`, its key is `subnet:<logical name>`.
   */
  readonly network?: string;
  /**
   * A workload endpoint (`kind: "workload"` on AWS or GCP): the URN of the resource that runs it
   * (an instance, a database, a function, a load balancer...). Its key is `<zone key>/<kind>:<logical
   * name>` (`app/ec2:web-1`, `subnet:legacy/rds:orders`), or `<kind>:<logical name>` when its zone
   * cannot be told at preview; `zone` is its subnet's zone, `workload` the logical name.
   */
  readonly resource?: string;
  /** A workload endpoint's kind label (`ec2`, `rds`, `lambda`, `lb`, `vm`, `mig`...). */
  readonly workloadKind?: string;
  /**
   * A workload every rule treats like another (same subnets, security groups, public address and
   * address treatment): the id of that representative. Only representatives are judged; the
   * matrix's `pair()` answers for every member with its representative's verdict and paths.
   */
  readonly sameAs?: string;
}

/** A rule, or the absence of one, that decided some traffic. */
export interface RuleRef {
  /** The resource holding the rule; empty for implied rules of a platform with no resource. */
  readonly urn: string;
  /** Short display name of that resource (`sg-app`, `acl-data`, `frontend-policy`). */
  readonly resource: string;
  /** Which rule inside it: `ingress[2]`, `rule 100`, `rule 32767 (default deny)`, `implied deny ingress 65535`. */
  readonly rule: string;
  readonly description?: string;
}

/** What one rule contributed at one stage. */
export interface Grant {
  readonly rule: RuleRef;
  readonly traffic: TrafficSet;
  /** False when the rule only might match (an unknown value at preview). */
  readonly certain: boolean;
}

/**
 * One check traffic passes on its way (source egress, route, destination ingress, return path).
 * `lower` is certainly allowed, `upper` possibly allowed; they differ only where values are unknown.
 */
export interface Stage {
  readonly label: string;
  readonly lower: TrafficSet;
  readonly upper: TrafficSet;
  readonly grants: readonly Grant[];
  /** Explicit deny rules, each with the traffic it took. */
  readonly denies: readonly Grant[];
  /** The rule that takes whatever nothing else matched (NACL `*`, GCP implied deny), if any. */
  readonly fallback?: RuleRef;
  /** Sentence for traffic no rule allows: `no egress rule in sg-edge to app`. */
  readonly missing: string;
  /** A resource to blame for the `missing` case (a blackhole route), when there is one. */
  readonly blockedBy?: RuleRef;
  /** For a return-path check: the filter as evaluated on the reply packets (ephemeral ports). */
  readonly reply?: Stage;
  /**
   * For a return-path check: the client's ephemeral ports and those whose replies this filter lets
   * back. A session needs ONE client port that every return check of its path lets back, so a
   * path meets these sets across its stages (`lower`/`upper` above only say some port passes here).
   */
  readonly clientPorts?: ClientPorts;
  /**
   * `admission` for the destination's own stateful check of what it accepts (an AWS security
   * group's ingress): the conformance check reports traffic a destination admits from a source
   * the intent forbids even while another check (the source's egress, a NACL) still stops it
   * (a latent path: one change away from open).
   */
  readonly role?: "admission";
}

/** Client (reply destination) ports at one return check, per protocol; ICMP is whole or absent. */
export interface ClientPorts {
  /** The client's ephemeral range (the analysis's `ephemeralPorts`), with ICMP. */
  readonly range: TrafficSet;
  /** Ports of `range` whose replies certainly pass. */
  readonly lower: TrafficSet;
  /** Ports of `range` whose replies possibly pass. */
  readonly upper: TrafficSet;
}

/** One way from one endpoint to another (e.g. one subnet pairing); traffic needs every stage. */
export interface Path {
  readonly label: string;
  readonly stages: readonly Stage[];
  /**
   * When the path is one pair of address classes of a way (a rule cuts part of an endpoint's
   * addresses, or IPv4 and IPv6 are judged apart): the way's label, without the classes.
   */
  readonly way?: string;
  /**
   * Between two classes of alike workloads that share a NACL and route table (../aws): the path
   * holds for member pairs in one subnet (`same`, no NACL crossed) or in different subnets
   * (`different`) of the network group `key` only. The matrix's `pair()` keeps, for two
   * workloads, the paths that hold for them.
   */
  readonly between?: { readonly key: string; readonly same: boolean };
}

/** Why some traffic of a pair does not pass. */
export interface Block {
  readonly traffic: TrafficSet;
  readonly stage: string;
  /** The deny rule, or undefined when it is a missing allow. */
  readonly rule?: RuleRef;
  readonly reason: string;
}

export interface PairResult {
  readonly from: string;
  readonly to: string;
  /** Certainly allowed (some address of `from` to some address of `to`). */
  readonly allowed: TrafficSet;
  /** Allowed if unknown values turn out favourably; equals `allowed` when everything is known. */
  readonly possible: TrafficSet;
  /** The rules that let `possible` through, deduplicated and sorted. */
  readonly allowedBy: readonly RuleRef[];
  readonly paths: readonly Path[];
}

export interface Matrix {
  readonly endpoints: readonly Endpoint[];
  /** Every evaluated pair, sorted by from then to; pairs with nothing possible included. */
  readonly pairs: readonly PairResult[];
  /** Things the engine could not place (resources without a zone, unresolvable references). */
  readonly notes: readonly string[];
  /** The pair between two endpoints, named by id (`aws:app`) or by key (`app`). */
  pair(from: string, to: string): PairResult | undefined;
  /** Set when the analysis stopped before judging pairs (`maxEndpoints`), saying why. */
  readonly skipped?: string;
}

/** An external network the caller wants in the matrix (intent peers). */
export interface ExternalPeer {
  readonly name: string;
  readonly cidrs: readonly string[];
}
