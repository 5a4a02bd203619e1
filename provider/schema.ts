/**
 * The Pulumi package schema of netseg's components, so that Python, Go, C#, Java and YAML
 * programs can use them through `pulumi package add` (the component provider in provider.ts
 * serves it over GetSchema). Written out rather than inferred: the components' TypeScript
 * arguments hold unions and plain-data types the schema cannot spell, so each input is given
 * the nearest schema type and a description of what it takes.
 *
 * The intent is the exception the schema cannot type: it is taken as the document itself, an
 * object as written in YAML or the document's text (in Pulumi YAML, `fn::readFile: intent.yaml`).
 * A path is not accepted, because the provider runs in its own folder, not the program's.
 *
 * Type tokens are the components' own (`netseg:aws:SegmentedVpc`...): the same resource, the
 * same URN, whichever language declares it. The inputs of each component are checked against its
 * TypeScript arguments at compile time (see `InputsOf` below), so a new argument cannot be
 * forgotten here.
 */
import type { SegmentedVpcArgs, TenantVpcsArgs } from "../components/aws";
import type { SegmentedNetworkArgs } from "../components/gcp";
import type { NamespaceIsolationArgs, TenantNamespacesArgs } from "../components/k8s";

export const PACKAGE_NAME = "netseg";

/** A schema type reference: `string`, `number`, `integer`, `boolean`, arrays, maps, or any JSON value. */
export type SchemaType =
  | { readonly type: "string" | "number" | "integer" | "boolean"; readonly enum?: readonly (string | number)[] }
  | { readonly type: "array"; readonly items: SchemaType }
  | { readonly type: "object"; readonly additionalProperties: SchemaType }
  | { readonly $ref: string };

export interface SchemaProperty {
  readonly description: string;
  readonly type?: string;
  readonly items?: SchemaType;
  readonly additionalProperties?: SchemaType;
  readonly $ref?: string;
  readonly enum?: readonly (string | number)[];
}

interface ComponentSchema {
  readonly isComponent: true;
  readonly description: string;
  readonly inputProperties: Readonly<Record<string, SchemaProperty>>;
  readonly requiredInputs: readonly string[];
  readonly properties: Readonly<Record<string, SchemaProperty>>;
  readonly required: readonly string[];
}

const ANY = "pulumi.json#/Any";
const str = (description: string): SchemaProperty => ({ type: "string", description });
const int = (description: string): SchemaProperty => ({ type: "integer", description });
const strings = (description: string): SchemaProperty => ({ type: "array", items: { type: "string" }, description });
const stringMap = (description: string): SchemaProperty => ({ type: "object", additionalProperties: { type: "string" }, description });
const oneOf = (values: readonly string[], description: string): SchemaProperty => ({ type: "string", enum: values, description: `${description} One of: ${values.join(", ")}.` });
const any = (description: string): SchemaProperty => ({ $ref: ANY, description });
/** Zone -> AZ or region -> id. */
const nestedIds = (description: string): SchemaProperty => ({ type: "object", additionalProperties: { type: "object", additionalProperties: { type: "string" } }, description });

const INTENT = any(
  "The segmentation intent: the document as an object (as written in YAML), or its YAML or JSON text (in Pulumi YAML, `fn::readFile: ./intent.yaml`). A file path is not accepted here: the provider does not run in the program's folder.",
);

/** Every argument of `Args` must have a schema input (same name); extra inputs are allowed only where listed. */
type InputsOf<Args> = { readonly [K in keyof Required<Args>]: SchemaProperty };

const segmentedVpcInputs: InputsOf<SegmentedVpcArgs> = {
  intent: INTENT,
  vpc: any("Segment a VPC that exists already: `{ id, cidrBlock, internetGatewayId?, createInternetGateway? }`. Only netseg's subnets, route tables, NACLs and security groups are created inside it."),
  natGateways: oneOf(["none", "single", "perAz"], "NAT gateways for zones with egress nat (default perAz)."),
  natZone: str("The internet-facing zone whose subnets hold the NAT gateways; the first declared by default."),
  availabilityZoneNames: strings("AZ names in AZ-index order; by default the region's first available ones."),
  flowLogs: any("VPC flow logs: `false`, or `{ destination?: cloud-watch-logs | s3, bucketArn?, retentionDays?, trafficType? }`. On by default (CloudWatch Logs, 90 days)."),
  routeTables: oneOf(["perAz", "perZone"], "A route table per zone and AZ (default), or one per zone."),
  gatewayEndpoints: { type: "array", items: { type: "string", enum: ["s3", "dynamodb"] }, description: "Gateway endpoints attached to the private route tables (default both)." },
  egressProxy: any("How zones with egress proxy reach the egress proxy: `{ backend?: network-firewall | proxy-fleet, securityGroupId?, cidrs?, listenPort? }`."),
  naclEntryLimit: int("The account's NACL entry quota per direction (20 by default, at most 40)."),
  sgRuleLimit: int("The account's security-group rule quota per direction (60 by default)."),
  ownRanges: strings("Blocks outside the intent's address space that belong to the same deployment and are never the internet."),
  tags: stringMap("Extra tags on every resource."),
  telemetry: any("Segmentation telemetry (off by default): `true`, or `{ snsTopicArn?, rejectThreshold?, periodSeconds?, evaluationPeriods?, namespace?, egressFirewallName?, dashboard? }`: metric filters on the flow-log group (rejected packets per zone), an alarm per zone and a CloudWatch dashboard. Needs flow logs in CloudWatch Logs."),
};

const tenantVpcsInputs: InputsOf<TenantVpcsArgs> = {
  intent: any("The segmentation intent with a `tenants` section, as an object or its YAML/JSON text (see SegmentedVpc)."),
  sharedServices: any("Attach an existing shared-services VPC instead of creating one: `{ vpcId, transitSubnetIds, routeTableIds }`."),
  ram: any("Share the transit gateway through AWS RAM: `{ principals: [...], allowExternalPrincipals? }`."),
  layout: oneOf(["standard", "lean"], "Tenant VPC layout (default standard)."),
  vpc: any("Options passed to every tenant's SegmentedVpc (flowLogs, gatewayEndpoints...), as for SegmentedVpc."),
  availabilityZoneNames: strings("AZ names by AZ index; the region's available AZs in order when absent."),
  tags: stringMap("Extra tags on every resource."),
};

const segmentedNetworkInputs: InputsOf<SegmentedNetworkArgs> = {
  intent: INTENT,
  project: str("GCP project; default the provider's."),
  regions: strings("GCP regions to build subnets in, e.g. [europe-west1]. Append new ones at the end: a region's index is its address slot."),
  targeting: oneOf(["serviceAccount", "tag"], "How firewall rules select a zone's instances (default serviceAccount)."),
  namePrefix: str("Start of every derived name; default the intent name. At most 40 characters."),
  networkName: str("The VPC's name, used verbatim; default the name prefix."),
  egressProxyRanges: strings("The egress proxy's address ranges; default netseg's reserved proxy subnets."),
  egressProxyPort: int("The port an explicit egress proxy listens on (3128 for netseg's GcpEgressProxy)."),
  telemetry: any("Segmentation telemetry (off by default): `true`, or `{ notificationChannels?, deniedThreshold?, periodSeconds?, dashboard? }`: a log-based metric per zone on the deny-all firewall rules' logs, an alert policy per zone and a Cloud Monitoring dashboard."),
};

/** `provider` is a Pulumi resource option in other languages (`opts.provider`), not an input. */
const namespaceIsolationInputs: InputsOf<Omit<NamespaceIsolationArgs, "provider">> = {
  intent: INTENT,
  podSecurity: any("Pod Security admission: `{ level?: privileged | baseline | restricted, version?, zones?: { zone: level } }` (default restricted, latest)."),
  dns: any("Where the cluster DNS runs: `{ namespace?, podLabels? }` (default kube-system, { k8s-app: kube-dns })."),
  egressProxy: any("The egress proxy that enforces domain allow-lists: `{ namespace, podLabels, port }`."),
  internetExcept: strings("More ranges kept out of \"the internet\" besides RFC 1918, e.g. 169.254.0.0/16."),
  istio: any("Mesh mode: `true`, or `{ trustDomain?, apiVersion? }`."),
  cilium: any("CNI mode: `true`, or `{ multiLevelWildcards? }`."),
  clusterGuardrails: any("Cluster guardrails (AdminNetworkPolicy/BaselineAdminNetworkPolicy): `true`, or `{ priorities?: { tenants?, zones? }, baseline? }` (default off)."),
};

/** The same cluster options; the intent must have a `tenants` section, and guardrails are on unless `clusterGuardrails: false`. */
const tenantNamespacesInputs: InputsOf<Omit<TenantNamespacesArgs, "provider">> = {
  ...namespaceIsolationInputs,
  intent: any("The segmentation intent with a `tenants` section, as an object or its YAML/JSON text (see NamespaceIsolation)."),
  clusterGuardrails: any("Cluster guardrails: on by default here (`false` turns them off), or `{ priorities?: { tenants?, zones? }, baseline? }`."),
};

function component(description: string, inputProperties: Readonly<Record<string, SchemaProperty>>, properties: Readonly<Record<string, SchemaProperty>>): ComponentSchema {
  return { isComponent: true, description, inputProperties, requiredInputs: ["intent"], properties, required: Object.keys(properties) };
}

/** The components in the schema, by type token. */
export const COMPONENTS: Readonly<Record<string, ComponentSchema>> = {
  "netseg:aws:SegmentedVpc": component(
    "A VPC laid out from a segmentation intent: subnets per zone and AZ, route tables, NACLs, security groups, NAT gateways and flow logs; or netseg's part of a VPC that exists.",
    segmentedVpcInputs,
    {
      vpcId: str("The VPC's id."),
      subnetIds: nestedIds("Subnet ids by zone, then AZ key (az1, az2...)."),
      routeTableIds: nestedIds("Route table ids by zone, then AZ key."),
      securityGroupIds: stringMap("Security group ids by zone."),
      networkAclIds: stringMap("Network ACL ids by zone."),
      natGatewayIds: stringMap("NAT gateway ids by AZ key."),
      quarantineSecurityGroupIds: stringMap("Quarantine security group ids by zone/workload (the intent's quarantined workloads): make it the workload's only group to cut it off."),
      availabilityZoneNames: strings("The AZ names used, in AZ-index order."),
    },
  ),
  "netseg:aws:TenantVpcs": component(
    "One segmented VPC per tenant, a shared-services VPC and a transit gateway whose route tables keep tenants apart.",
    tenantVpcsInputs,
    {
      transitGatewayId: str("The transit gateway's id."),
      vpcIds: stringMap("VPC ids by tenant."),
      blocks: stringMap("Address blocks by tenant."),
      attachmentIds: stringMap("Transit gateway attachment ids by tenant."),
      tgwRouteTableIds: stringMap("Transit gateway route table ids by table name."),
    },
  ),
  "netseg:gcp:SegmentedNetwork": component(
    "A GCP VPC network laid out from a segmentation intent: subnets per zone and region, firewall rules, Cloud NAT and service accounts.",
    segmentedNetworkInputs,
    {
      networkId: str("The network's id."),
      subnetIds: nestedIds("Subnet ids by zone, then region."),
      serviceAccountEmails: stringMap("Service-account emails by zone: run a zone's instances as these."),
      networkTags: stringMap("Network tags by zone."),
    },
  ),
  "netseg:k8s:NamespaceIsolation": component(
    "Kubernetes namespace isolation from a segmentation intent: a labelled namespace per zone, default deny, DNS, one NetworkPolicy per flow target; Istio and Cilium modes.",
    namespaceIsolationInputs,
    { namespaceNames: stringMap("The managed namespaces' names by zone.") },
  ),
  "netseg:k8s:TenantNamespaces": component(
    "Tenants on one Kubernetes cluster: namespaces <tenant>-<zone> and shared-<zone> from the intent's tenants section, NetworkPolicies per tenant, and an AdminNetworkPolicy per tenant denying every other tenant.",
    tenantNamespacesInputs,
    { tenantNamespaces: nestedIds("Namespace names by tenant, then template zone.") },
  ),
};

/** The package schema served over GetSchema. */
export function packageSchema(version: string): Record<string, unknown> {
  return {
    name: PACKAGE_NAME,
    displayName: "netseg",
    version,
    description: "Network segmentation from one intent: segmented VPCs, firewalls and Kubernetes namespace isolation on AWS, GCP and Kubernetes.",
    keywords: ["network", "segmentation", "aws", "gcp", "kubernetes", "category/network", "kind/component"],
    license: "Apache-2.0",
    resources: COMPONENTS,
  };
}
