/**
 * The segmentation intent as users write it (YAML or a TypeScript object), as a zod schema: the
 * JSON Schema published for editors (schema/intent.schema.json) and the field-level errors derive
 * from it. Checks that need the whole document (unknown zone in a flow, duplicates, address space
 * too small) live in validate.ts, so that every problem is reported at once with its path.
 *
 * Internal: netseg's published declarations never name zod (its own declarations need
 * esModuleInterop, which `pulumi new`'s tsconfig does not set). Users see the plain types of
 * schema.ts; the checks at the end of this file fail the build if the two drift apart.
 */
import { z } from "zod";
import { MAX_NAME_LENGTH, NAME_PATTERN, type IntentDocument, type IntentInput } from "./schema";
import type { Agrees } from "./type-agreement";

const name = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(MAX_NAME_LENGTH, `${what} must be at most ${MAX_NAME_LENGTH} characters, so that every platform's names built from it stay within their limits`)
    .regex(NAME_PATTERN, `${what} must be lower-case letters, digits and '-', starting with a letter and not ending with '-' (a DNS label, valid as a GCP name and a Kubernetes namespace)`);

const labelValue = z
  .string()
  .max(63, "a Kubernetes label value is at most 63 characters")
  .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, "a Kubernetes label value is alphanumerics, '-', '_' or '.', starting and ending alphanumeric");

const labelKey = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, "a Kubernetes label key is an optional DNS prefix and '/', then a name of at most 63 characters");

export const WorkloadSchema = z
  .strictObject({
    name: name("a workload name"),
    labels: z.record(labelKey, labelValue).optional().describe("Pod labels that select this workload; default { app: <name> }"),
    serviceAccount: name("a service account name").optional().describe("Kubernetes service account the workload runs as (needed for Istio principals)"),
  })
  .describe("Pods inside a zone (Kubernetes), selected by labels");

export const ZoneSchema = z
  .strictObject({
    name: name("a zone name"),
    internet: z.enum(["none", "inbound"]).default("none").describe("inbound: public subnets, reachable from the internet on declared flows only"),
    egress: z.enum(["none", "nat", "proxy"]).default("none").describe("How the zone reaches the internet: not at all, through NAT, or only through the egress proxy allow-list"),
    sensitive: z.boolean().default(false).describe("Holds sensitive data: no path from the internet may reach it"),
    slot: z.number().int().min(0).optional().describe("Fixed position of the zone's address block; pin it to keep addresses when zones are reordered"),
    managed: z.boolean().default(true).describe("false: the zone exists already (e.g. the ingress-nginx namespace); netseg references it and creates nothing for it"),
    workloads: z.array(WorkloadSchema).default([]),
  })
  .describe("A trust zone: one subnet per availability zone, one security group, one namespace");

export const PortSpecText = z.string().describe("protocol/port: tcp/443, udp/53, tcp/8000-8100, sctp/3868, icmp, all");

export const FlowSchema = z
  .strictObject({
    from: z.string().describe("internet, a peer name, a zone, or zone/workload"),
    to: z.string().describe("a zone, zone/workload, a peer name, or internet (needs egress: nat)"),
    ports: z.array(PortSpecText).min(1, "a flow needs at least one port spec, such as tcp/443"),
    description: z.string().max(200).optional(),
    http: z
      .strictObject({
        methods: z.array(z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])).optional(),
        paths: z.array(z.string().regex(/^\/\S*$/, "an HTTP path starts with '/'")).optional(),
      })
      .optional()
      .describe("Layer-7 restriction, enforced where a mesh is used (Istio AuthorizationPolicy)"),
  })
  .describe("Traffic allowed from one endpoint to another; everything else is denied");

export const PeerSchema = z
  .strictObject({
    name: name("a peer name"),
    cidrs: z.array(z.string()).min(1, "a peer needs at least one CIDR block"),
    description: z.string().max(200).optional(),
  })
  .describe("An external network (office, partner, on-premises) addressed by CIDR");

export const EgressSchema = z
  .strictObject({
    from: z.string().describe("a zone with egress: proxy, or zone/workload"),
    allow: z.array(z.string()).min(1, "an allow-list needs at least one destination, such as api.stripe.com:443"),
  })
  .describe("Outbound destinations (domain:port, '*.' wildcards allowed) a zone may reach through the egress proxy");

export const TenantSchema = z.strictObject({
  name: name("a tenant name"),
  slot: z.number().int().min(0).optional().describe("Fixed position of the tenant's block in the pool; pin it so that removing another tenant never moves this one"),
  tags: z.record(z.string(), z.string()).optional(),
});

/**
 * The fixed grid a tenant block or the shared-services VPC is cut into. Both fields are required:
 * the grid decides every subnet's CIDR, so it is written down once, never inferred.
 */
export const SlotGridSchema = z.strictObject({
  zoneSlots: z.number().int().min(2).max(1024).describe("Zone blocks per VPC, a power of two; the last is reserved for netseg's infrastructure subnets, so zoneSlots - 1 zones fit. Leave free slots for zones added later"),
  azSlots: z.number().int().min(1).max(16).describe("Subnets per zone block, one per availability zone, a power of two. Leave free slots for AZs added later"),
});

export const SharedServicesZoneSchema = z.strictObject({
  name: name("a shared-services zone name"),
  slot: z.number().int().min(0).optional().describe("Fixed position of the zone's address block in the shared-services VPC"),
});

export const TenantsSchema = z
  .strictObject({
    pool: z.string().describe("Address pool the tenants' blocks are carved from, e.g. 10.128.0.0/9"),
    blockPrefix: z.number().int().min(16).max(28).describe("Prefix length of each tenant's block, e.g. 20"),
    availabilityZones: z.number().int().min(1).max(6).default(2),
    addressing: SlotGridSchema.optional().describe(
      "How every tenant's block is cut: zoneSlots x azSlots, fixed, so adding a template zone or an AZ moves no subnet. Left out, the grid is derived from today's counts (the next power of two above the zone count, and of availabilityZones), which keeps fleets deployed before this field existed where they are but re-cuts every tenant's subnets when a count crosses a power of two; `netseg plan --pin` writes that grid down. A new fleet should leave room, e.g. { zoneSlots: 8, azSlots: 4 }",
    ),
    zones: z.array(ZoneSchema).min(1, "the tenant template needs at least one zone"),
    flows: z.array(FlowSchema).default([]),
    sharedServices: z
      .strictObject({
        addressSpace: z.string(),
        ports: z.array(PortSpecText).min(1),
        zones: z
          .array(SharedServicesZoneSchema)
          .min(1, "the shared-services VPC needs at least one zone")
          .default([{ name: "services", slot: 0 }])
          .describe("Zones of the shared-services VPC, each reachable from every tenant on the shared ports; keep { name: services, slot: 0 } first when adding zones to a deployed fleet"),
        addressing: SlotGridSchema.optional().describe(
          "How the shared-services VPC is cut, like tenants.addressing. Left out: 2 zone slots (one zone) and the next power of two of availabilityZones, the layout of earlier versions; set it to add zones, e.g. { zoneSlots: 4, azSlots: 4 }",
        ),
      })
      .describe("The shared-services VPC every tenant may reach, on these ports"),
    members: z.array(TenantSchema),
  })
  .describe("One isolated VPC per tenant from a zone template; tenants reach shared services, never each other");

export const QuarantineSchema = z
  .strictObject({
    target: z.string().describe("a managed zone, or zone/workload"),
    reason: z.string().trim().min(1, "a quarantine needs a reason (an incident id, a ticket, who decided it)").max(200, "a quarantine reason is at most 200 characters").describe("Why, for the people reading the rules (incident id, ticket)"),
    since: z.string().describe("When the quarantine began: an ISO 8601 date (2026-12-06) or date-time (2026-12-06T07:40:00Z)"),
    dns: z.enum(["keep", "cut"]).default("keep").describe("keep: the target may still resolve names; cut: DNS is denied too where the platform can deny it"),
  })
  .describe("An emergency isolation of a zone or workload: each platform's highest-precedence deny, both ways; lifting it is removing this entry");

export const AddressingSchema = z
  .strictObject({
    zoneSlots: z.number().int().min(2).max(1024).describe("Blocks the address space is cut into, one per zone (a power of two; the last is reserved for netseg's infrastructure subnets)").default(16),
    azSlots: z.number().int().min(1).max(16).describe("Subnets each zone block is cut into, one per availability zone (a power of two)").default(4),
  })
  .describe("How the address space is divided; changing it moves every subnet, so set it once");

export const IntentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: name("the intent name"),
    addressSpace: z.string().describe("IPv4 CIDR of the whole network, e.g. 10.20.0.0/16"),
    availabilityZones: z.number().int().min(1).max(16).default(3),
    addressing: AddressingSchema.default({ zoneSlots: 16, azSlots: 4 }),
    zones: z.array(ZoneSchema).min(1, "an intent needs at least one zone"),
    peers: z.array(PeerSchema).default([]),
    flows: z.array(FlowSchema).default([]),
    egress: z.array(EgressSchema).default([]),
    tenants: TenantsSchema.optional(),
    quarantine: z.array(QuarantineSchema).default([]).describe("Targets isolated during an incident (netseg isolate writes and lifts these entries)"),
  })
  .describe("A netseg segmentation intent");

// The public types are written out in schema.ts; these fail to compile if they and the schema drift apart.
export const INPUT_TYPE_AGREES: Agrees<z.input<typeof IntentSchema>, IntentInput> = true;
export const DOCUMENT_TYPE_AGREES: Agrees<z.output<typeof IntentSchema>, IntentDocument> = true;
