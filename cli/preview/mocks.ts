/**
 * What the offline preview answers in place of cloud providers.
 *
 * - `mockState` gives each new resource its inputs plus plausible, deterministic computed fields
 *   (ids, ARNs, self links), derived from a hash of type and name so two runs are identical.
 * - The call table answers provider functions (data sources) that components call at preview.
 *   It is small on purpose and overridable (`--mock-calls file.json` or `calls` in the API):
 *   an unknown token throws {@link UnknownCallError}, naming the token and how to add it, so a
 *   silent gap can never pass as a clean preview.
 */
import { createHash } from "node:crypto";

/** Context the mocks read: the project's config (for regions, projects). */
export interface MockContext {
  project: string;
  stack: string;
  config: Record<string, string>;
}

/** A call-table entry: a fixed result, or a function of the call's inputs. */
export type CallAnswer = Record<string, unknown> | ((inputs: Record<string, unknown>, ctx: MockContext) => Record<string, unknown>);

export const ACCOUNT_ID = "123456789012";

function awsRegion(ctx: MockContext): string {
  return ctx.config["aws:region"] ?? "us-east-1";
}
function gcpRegion(ctx: MockContext): string {
  return ctx.config["gcp:region"] ?? "us-central1";
}
function gcpProject(ctx: MockContext): string {
  return ctx.config["gcp:project"] ?? "netseg-preview";
}

/**
 * The default answers. Tokens are the providers' own (see `pulumi.runtime.invoke` in
 * @pulumi/aws and @pulumi/gcp). Results follow each function's documented result shape.
 */
export const DEFAULT_CALLS: Record<string, CallAnswer> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_in, ctx) => {
    const region = awsRegion(ctx);
    const letters = ["a", "b", "c", "d", "e", "f"];
    return {
      id: region,
      names: letters.map((l) => `${region}${l}`),
      zoneIds: letters.map((_l, i) => `${region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`),
      groupNames: [region],
      state: "available",
    };
  },
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    id: ACCOUNT_ID,
    accountId: ACCOUNT_ID,
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/netseg-preview`,
    userId: "AIDANETSEGPREVIEW",
  }),
  "aws:index/getRegion:getRegion": (_in, ctx) => {
    const region = awsRegion(ctx);
    return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
  },
  "aws:index/getPartition:getPartition": () => ({
    id: "aws",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
  "gcp:compute/getZones:getZones": (_in, ctx) => {
    const region = gcpRegion(ctx);
    return { id: region, project: gcpProject(ctx), region, names: ["a", "b", "c"].map((l) => `${region}-${l}`) };
  },
  "gcp:compute/getRegions:getRegions": (_in, ctx) => ({
    id: gcpProject(ctx),
    project: gcpProject(ctx),
    names: ["europe-west1", "us-central1", "us-east1"],
  }),
  "gcp:organizations/getProject:getProject": (_in, ctx) => ({
    id: `projects/${gcpProject(ctx)}`,
    projectId: gcpProject(ctx),
    name: gcpProject(ctx),
    number: "100000000001",
  }),
  "gcp:organizations/getClientConfig:getClientConfig": (_in, ctx) => ({
    id: "netseg-preview",
    project: gcpProject(ctx),
    region: gcpRegion(ctx),
    zone: `${gcpRegion(ctx)}-a`,
    accessToken: "",
  }),
};

/** Thrown for a provider function the table does not answer. */
export class UnknownCallError extends Error {
  readonly token: string;
  constructor(token: string) {
    super(
      `The program called provider function '${token}', which the offline preview does not answer. ` +
        `Add an answer to a JSON file ({"${token}": { ...result fields... }}) and pass it with --mock-calls <file>, ` +
        `or add it to DEFAULT_CALLS in cli/preview/mocks.ts if every program needs it.`,
    );
    this.name = "UnknownCallError";
    this.token = token;
  }
}

/** Answer one provider function call from the table. */
export function answerCall(
  table: Record<string, CallAnswer>,
  token: string,
  inputs: Record<string, unknown>,
  ctx: MockContext,
): Record<string, unknown> {
  const answer = table[token];
  if (answer === undefined) throw new UnknownCallError(token);
  return typeof answer === "function" ? answer(inputs, ctx) : answer;
}

function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** AWS id prefixes for the resources netseg creates; anything else gets a generic id. */
const AWS_ID_PREFIX: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
  "aws:ec2/networkAcl:NetworkAcl": "acl",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/instance:Instance": "i",
  "aws:ec2/flowLog:FlowLog": "fl",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
  "aws:ec2/launchTemplate:LaunchTemplate": "lt",
  "aws:ec2/networkInterface:NetworkInterface": "eni",
};

/**
 * A Network Firewall's status as AWS reports it once ready: one sync state per subnet mapping
 * (in mapping order, named after the region's AZs a, b, ...), each with its endpoint `vpce-...`,
 * so that routes to the firewall get a `vpcEndpointId` under mocks too.
 */
function firewallStatuses(id: string, inputs: Record<string, unknown>, region: string): unknown[] {
  const mappings = (inputs.subnetMappings as { subnetId?: string }[] | undefined) ?? [];
  const syncStates = mappings.map((m, i) => ({
    availabilityZone: `${region}${String.fromCharCode(97 + i)}`,
    attachments: [{ endpointId: `vpce-${shortHash(`${id}:${m.subnetId ?? i}`, 17)}`, subnetId: m.subnetId, status: "READY" }],
  }));
  return [{ status: "READY", configurationSyncStateSummary: "IN_SYNC", syncStates }];
}

/** The state a preview would show for a new resource: inputs plus computed fields. */
export function mockState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  ctx: MockContext,
  custom = true,
): { id: string | undefined; state: Record<string, unknown> } {
  if (!custom) return { id: undefined, state: { ...inputs } };
  const [pkg, mod] = type.split(":");
  const hash = shortHash(`${type}::${name}`, 17);
  const state: Record<string, unknown> = { ...inputs };
  let id = `${name}-${hash.slice(0, 8)}`;
  if (pkg === "aws") {
    const prefix = AWS_ID_PREFIX[type];
    id = prefix ? `${prefix}-${hash}` : id;
    const service = (mod ?? "index").split("/")[0];
    const region = awsRegion(ctx);
    state.arn ??= `arn:aws:${service === "index" ? "aws" : service}:${region}:${ACCOUNT_ID}:${name}/${id}`;
    state.ownerId ??= ACCOUNT_ID;
    if ("tags" in inputs) state.tagsAll ??= inputs.tags;
    if (type === "aws:ec2/vpc:Vpc") {
      state.defaultSecurityGroupId ??= `sg-${shortHash(`${id}:default-sg`, 17)}`;
      state.defaultNetworkAclId ??= `acl-${shortHash(`${id}:default-acl`, 17)}`;
      state.mainRouteTableId ??= `rtb-${shortHash(`${id}:main-rtb`, 17)}`;
    }
    if (type === "aws:networkfirewall/firewall:Firewall") state.firewallStatuses ??= firewallStatuses(id, inputs, region);
  } else if (pkg === "gcp") {
    const project = (inputs.project as string | undefined) ?? gcpProject(ctx);
    const collection = (type.split(":")[2] ?? "resource").replace(/^./, (c) => c.toLowerCase()) + "s";
    id = `projects/${project}/global/${collection}/${String(inputs.name ?? name)}`;
    state.selfLink ??= `https://www.googleapis.com/compute/v1/${id}`;
    state.project ??= project;
  } else if (pkg === "kubernetes") {
    const meta = { ...((inputs.metadata as Record<string, unknown> | undefined) ?? {}) };
    meta.name ??= `${name}-${hash.slice(0, 8)}`;
    meta.uid ??= `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}`;
    state.metadata = meta;
    id = meta.namespace ? `${String(meta.namespace)}/${String(meta.name)}` : String(meta.name);
  }
  return { id, state };
}
