/**
 * The segmentation intent's format as TypeScript types: what users write (`IntentInput`) and what
 * it becomes once defaults are filled in (`IntentDocument`). Plain types with no zod in them, so
 * that a project type-checks netseg's declarations whatever its tsconfig. The zod schema that
 * parses the format (zod-schema.ts) is checked against these at compile time.
 */

/** A DNS-1123 label short enough to prefix into every platform's names (GCP allows 63). */
export const NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_NAME_LENGTH = 30;

/** Pods inside a zone (Kubernetes), selected by labels. */
export type WorkloadInput = {
  name: string;
  /** Pod labels that select this workload; default `{ app: <name> }`. */
  labels?: Record<string, string>;
  /** Kubernetes service account the workload runs as (needed for Istio principals). */
  serviceAccount?: string;
};

/** A trust zone: one subnet per availability zone, one security group, one namespace. */
export type ZoneInput = {
  name: string;
  /** `inbound`: public subnets, reachable from the internet on declared flows only. Default `none`. */
  internet?: "none" | "inbound";
  /** How the zone reaches the internet: not at all, through NAT, or only through the egress proxy allow-list. Default `none`. */
  egress?: "none" | "nat" | "proxy";
  /** Holds sensitive data: no path from the internet may reach it. Default false. */
  sensitive?: boolean;
  /** Fixed position of the zone's address block; pin it to keep addresses when zones are reordered. */
  slot?: number;
  /** false: the zone exists already (e.g. the ingress-nginx namespace); netseg references it and creates nothing for it. Default true. */
  managed?: boolean;
  workloads?: WorkloadInput[];
};

/** Traffic allowed from one endpoint to another; everything else is denied. */
export type FlowInput = {
  /** `internet`, a peer name, a zone, or `zone/workload`. */
  from: string;
  /** A zone, `zone/workload`, a peer name, or `internet` (needs `egress: nat`). */
  to: string;
  /** Port specs: `tcp/443`, `udp/53`, `tcp/8000-8100`, `sctp/3868`, `sctp`, `icmp`, `all`. */
  ports: string[];
  description?: string;
  /** Layer-7 restriction, enforced where a mesh is used (Istio AuthorizationPolicy). */
  http?: {
    methods?: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS")[];
    /** Each starts with `/`. */
    paths?: string[];
  };
};

/** An external network (office, partner, on-premises) addressed by CIDR. */
export type PeerInput = {
  name: string;
  cidrs: string[];
  description?: string;
};

/** Outbound destinations (`domain:port`, `*.` wildcards allowed) a zone may reach through the egress proxy. */
export type EgressInput = {
  /** A zone with `egress: proxy`, or `zone/workload`. */
  from: string;
  allow: string[];
};

export type TenantInput = {
  name: string;
  /** Fixed position of the tenant's block in the pool; pin it so that removing another tenant never moves this one. */
  slot?: number;
  tags?: Record<string, string>;
};

/** The fixed grid a tenant block or the shared-services VPC is cut into (both powers of two). */
export type SlotGrid = {
  zoneSlots: number;
  azSlots: number;
};

export type SharedServicesZoneInput = {
  name: string;
  slot?: number;
};

/** One isolated VPC per tenant from a zone template; tenants reach shared services, never each other. */
export type TenantsInput = {
  /** Address pool the tenants' blocks are carved from, e.g. 10.128.0.0/9. */
  pool: string;
  /** Prefix length of each tenant's block, e.g. 20. */
  blockPrefix: number;
  /** Default 2. */
  availabilityZones?: number;
  addressing?: SlotGrid;
  zones: ZoneInput[];
  flows?: FlowInput[];
  /** The shared-services VPC every tenant may reach, on these ports. */
  sharedServices: {
    addressSpace: string;
    ports: string[];
    /** Default `[{ name: services, slot: 0 }]`. */
    zones?: SharedServicesZoneInput[];
    addressing?: SlotGrid;
  };
  members: TenantInput[];
};

/**
 * An emergency isolation laid over the intent: the target's traffic is cut both ways by each
 * platform's highest-precedence deny, and nothing else in the intent changes, so that lifting it
 * is deleting this one entry.
 */
export type QuarantineInput = {
  /** A managed zone, or `zone/workload`. */
  target: string;
  /** Why, for the people reading the rules (incident id, ticket). */
  reason: string;
  /** When the quarantine began: an ISO 8601 date (`2026-12-06`) or date-time (`2026-12-06T07:40:00Z`). */
  since: string;
  /** `keep` (default): the target may still resolve names; `cut`: DNS is denied too where the platform can deny it. */
  dns?: "keep" | "cut";
};

/** A netseg segmentation intent as written (YAML or a TypeScript object); fields with defaults are optional. */
export type IntentInput = {
  $schema?: string;
  name: string;
  /** IPv4 CIDR of the whole network, e.g. 10.20.0.0/16. */
  addressSpace: string;
  /** Default 3. */
  availabilityZones?: number;
  /** How the address space is divided; changing it moves every subnet. Default `{ zoneSlots: 16, azSlots: 4 }`. */
  addressing?: Partial<SlotGrid>;
  zones: ZoneInput[];
  peers?: PeerInput[];
  flows?: FlowInput[];
  egress?: EgressInput[];
  tenants?: TenantsInput;
  /** Targets isolated during an incident; see QuarantineInput. */
  quarantine?: QuarantineInput[];
};

export type QuarantineDocument = Required<QuarantineInput>;

export type ZoneDocument = Required<Omit<ZoneInput, "slot" | "workloads">> & Pick<ZoneInput, "slot"> & { workloads: WorkloadInput[] };

export type TenantsDocument = Omit<TenantsInput, "availabilityZones" | "zones" | "flows" | "sharedServices"> & {
  availabilityZones: number;
  zones: ZoneDocument[];
  flows: FlowInput[];
  sharedServices: Omit<TenantsInput["sharedServices"], "zones"> & { zones: SharedServicesZoneInput[] };
};

/** After parsing: defaults filled in, before the whole-document checks. */
export type IntentDocument = Omit<IntentInput, "availabilityZones" | "addressing" | "zones" | "peers" | "flows" | "egress" | "tenants" | "quarantine"> & {
  availabilityZones: number;
  addressing: SlotGrid;
  zones: ZoneDocument[];
  peers: PeerInput[];
  flows: FlowInput[];
  egress: EgressInput[];
  tenants?: TenantsDocument;
  quarantine: QuarantineDocument[];
};
