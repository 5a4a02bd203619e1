/**
 * What the security-group and NACL planners share: the zones and their address blocks, where
 * NAT gateways live, where proxy-bound traffic goes, and the AWS-safe description of a flow.
 * Built once per plan from the intent (or a tenant's VPC) and the planner's options.
 */
import type { AddressPlan } from "../../addressing/plan";
import type { IntentIssue } from "../../intent/errors";
import { type EgressAllowList, type Flow, type Quarantine, type Zone } from "../../intent/types";
import { CidrSet, parseCidr } from "../../net/cidr";
import { INTERNET_CIDRS, listenPortProblem } from "../neutral";
import { AWS_LIMITS } from "./limits";

/** A zone of this name would collide with the egress proxy's security group and rules. */
export const RESERVED_ZONE_NAME = "egress-proxy";

/** The plain data an AWS rule plan is made from: an intent, or one tenant's VPC. */
export interface AwsRuleInput {
  readonly name: string;
  readonly zones: readonly Zone[];
  readonly flows: readonly Flow[];
  readonly egress: readonly EgressAllowList[];
  readonly addresses: AddressPlan;
  /**
   * Blocks besides the address space that belong to this deployment and are never the internet
   * (the tenants' pool, shared services). A transparent egress firewall's internet-bound rules
   * leave them out, with the address space: the VPC's local route and the tenants' routes never
   * reach the firewall, so "the internet on 443" written as 0.0.0.0/0 would open them unfiltered.
   */
  readonly ownRanges?: readonly string[];
  /** Quarantined zones get deny entries at the reserved lowest NACL numbers (see nacl.ts); workloads are the component's business. */
  readonly quarantine?: readonly Quarantine[];
  /** Where zones and flows sit in the document, for error paths (default `zones`, `flows`). */
  readonly paths?: { readonly zones: string; readonly flows: string };
}

export interface AwsPlanOptions {
  /** NACL entries allowed per direction: 20 by default, up to 40 after a quota increase. */
  readonly naclEntryLimit?: number;
  /** Security-group rules allowed per direction (60 by default). */
  readonly sgRuleLimit?: number;
  /** Base of security-group names (the component's name); the intent name by default. */
  readonly namePrefix?: string;
  /** The internet-facing zone that hosts the NAT gateways; the first one declared by default. */
  readonly natZone?: string;
  /**
   * How traffic to the egress proxy is addressed. `security-group` (default): security-group
   * rules reference the proxy's group; `cidrs`: they name blocks (a transparent firewall on the
   * way to the internet uses `0.0.0.0/0`). NACL entries always use `cidrs`, by default the
   * address plan's proxy subnets.
   */
  readonly egressProxy?: {
    readonly mode?: "security-group" | "cidrs";
    readonly cidrs?: readonly string[];
    /**
     * The port an explicit proxy (a Squid fleet: 3128) listens on. Set, the zones' security-group
     * egress and NACL request entries towards the proxy open tcp/<listenPort> only (the proxy
     * makes the onward connection on the destination ports); unset, they open the destination
     * ports themselves, as a transparent firewall on the way to the internet needs.
     */
    readonly listenPort?: number;
  };
  /**
   * Blocks besides the intent's address space that belong to this deployment and are never the
   * internet: a tenant VPC's fleet pool and shared-services block (TenantVpcs passes them).
   * Added to the input's `ownRanges`; every internet-bound rule leaves them out.
   */
  readonly ownRanges?: readonly string[];
  /** Named in the error's heading (a file name). */
  readonly source?: string;
}

export interface PlanContext {
  readonly input: AwsRuleInput;
  readonly naclEntryLimit: number;
  readonly sgRuleLimit: number;
  readonly namePrefix: string;
  readonly managed: ReadonlyMap<string, Zone>;
  readonly zoneBlock: ReadonlyMap<string, string>;
  readonly natZone?: string;
  readonly proxy: {
    readonly mode: "security-group" | "cidrs";
    /** Where proxy-bound traffic goes, as given (NACL entries). */
    readonly cidrs: readonly string[];
    readonly listenPort?: number;
    /**
     * A transparent proxy on the way to the internet (cidrs mode, no listen port, blocks reaching
     * public space): its traffic must never land on the deployment's own ranges.
     */
    readonly internetBound: boolean;
    /** The blocks security-group rules towards the proxy name: `cidrs`, minus `ownRanges` when internet-bound. */
    readonly sgCidrs: readonly string[];
  };
  /** The address space and the input's other own ranges, merged. */
  readonly ownRanges: CidrSet;
  /**
   * What security-group egress towards `to: internet` names: the internet minus `ownRanges`.
   * The VPC's local route (and the tenants' routes) carry traffic to those ranges, never the
   * NAT gateway or the internet gateway, so `0.0.0.0/0` there would open every zone's port
   * east-west (app -> edge:443 where app may reach the internet on 443).
   */
  readonly internetCidrs: readonly string[];
  zonePath(zone: string): string;
  flowPath(flowKey: string): string;
}

/** Zones whose instances reach the internet through a NAT gateway. */
export function zonesNeedingNat(zones: readonly Zone[]): Zone[] {
  return zones.filter((z) => z.managed && z.egress === "nat" && z.internet !== "inbound");
}

export function buildContext(input: AwsRuleInput, options: AwsPlanOptions, issues: IntentIssue[]): PlanContext {
  const zonesPath = input.paths?.zones ?? "zones";
  const flowsPath = input.paths?.flows ?? "flows";
  const naclEntryLimit = options.naclEntryLimit ?? AWS_LIMITS.naclEntriesDefault;
  if (!Number.isInteger(naclEntryLimit) || naclEntryLimit < 2 || naclEntryLimit > AWS_LIMITS.naclEntriesMax) {
    issues.push({ path: "naclEntryLimit", value: naclEntryLimit, message: `the NACL entry limit must be a whole number from 2 to ${AWS_LIMITS.naclEntriesMax} (AWS allows at most ${AWS_LIMITS.naclEntriesMax} entries per direction)`, fix: `use ${AWS_LIMITS.naclEntriesDefault} (the default quota) or the quota your account has` });
  }
  const sgRuleLimit = options.sgRuleLimit ?? AWS_LIMITS.sgRulesPerDirection;
  if (!Number.isInteger(sgRuleLimit) || sgRuleLimit < 1 || sgRuleLimit > 1000) {
    issues.push({ path: "sgRuleLimit", value: sgRuleLimit, message: "the security-group rule limit must be a whole number from 1 to 1000", fix: `use ${AWS_LIMITS.sgRulesPerDirection} (the default quota) or the quota your account has` });
  }
  input.zones.forEach((z, i) => {
    if (z.name === RESERVED_ZONE_NAME) issues.push({ path: `${zonesPath}[${i}].name`, value: z.name, message: `"${RESERVED_ZONE_NAME}" is reserved on AWS: it names the egress proxy's security group`, fix: "rename the zone" });
  });
  const managed = new Map(input.zones.filter((z) => z.managed).map((z) => [z.name, z]));
  const zoneBlock = new Map(input.addresses.zones.map((b) => [b.zone, b.cidr]));

  let natZone: string | undefined;
  const needNat = zonesNeedingNat(input.zones);
  if (options.natZone !== undefined) {
    const z = managed.get(options.natZone);
    if (!z || z.internet !== "inbound") {
      const candidates = [...managed.values()].filter((x) => x.internet === "inbound").map((x) => x.name);
      issues.push({ path: "natZone", value: options.natZone, message: "the NAT gateways' zone must be a managed, internet-facing zone", fix: candidates.length ? `use one of ${candidates.join(", ")}` : "declare a zone with internet: inbound" });
    } else natZone = z.name;
  } else if (needNat.length) {
    natZone = input.zones.find((z) => z.managed && z.internet === "inbound")?.name;
    if (!natZone) {
      issues.push({
        path: zonesPath,
        value: needNat.map((z) => z.name).join(", "),
        message: `zone${needNat.length > 1 ? "s" : ""} ${needNat.map((z) => `"${z.name}"`).join(", ")} ha${needNat.length > 1 ? "ve" : "s"} egress nat, but no zone is internet-facing, and NAT gateways must sit in a public subnet`,
        fix: "add a zone with internet: inbound (it hosts the NAT gateways), or change egress to none or proxy",
      });
    }
  }

  const mode = options.egressProxy?.mode ?? "security-group";
  let proxyCidrs = options.egressProxy?.cidrs ? [...options.egressProxy.cidrs] : input.addresses.infrastructure.filter((s) => s.purpose === "proxy").map((s) => s.cidr);
  proxyCidrs = proxyCidrs.filter((c, i) => {
    const parsed = parseCidr(c, { strict: true });
    if ("error" in parsed) issues.push({ path: `egressProxy.cidrs[${i}]`, value: c, message: parsed.error, fix: "write a CIDR block such as 0.0.0.0/0" });
    return !("error" in parsed);
  });
  if (mode === "cidrs" && !options.egressProxy?.cidrs?.length) {
    issues.push({ path: "egressProxy.cidrs", message: "egress proxy mode cidrs needs the blocks the proxy-bound traffic goes to", fix: 'pass cidrs, e.g. ["0.0.0.0/0"] for a transparent firewall' });
  }
  if (input.egress.length && proxyCidrs.length === 0 && mode === "security-group") {
    issues.push({ path: "egress", message: `the address space ${input.addresses.addressSpace} is too small to carve the egress proxy's subnets (they would be smaller than /28)`, fix: "use a larger addressSpace, fewer addressing.azSlots, or pass egressProxy.cidrs" });
  }

  const listenPort = options.egressProxy?.listenPort;
  const portProblem = listenPortProblem(listenPort);
  if (portProblem) {
    issues.push({ path: "egressProxy.listenPort", value: listenPort, message: portProblem, fix: "use the port the proxy listens on (3128 for Squid), or leave it out for a transparent firewall" });
  }

  const ownRanges = ownRangesOf(input, issues);
  const internetBound = mode === "cidrs" && listenPort === undefined && CidrSet.fromCidrs(proxyCidrs).reachesPublic();
  const sgCidrs = internetBound ? CidrSet.fromCidrs(proxyCidrs).subtract(ownRanges).toCidrs().map((c) => c.text) : proxyCidrs;

  const zoneIndex = new Map(input.zones.map((z, i) => [z.name, i]));
  const flowIndex = new Map(input.flows.map((f, i) => [f.key, i]));
  return {
    input,
    naclEntryLimit,
    sgRuleLimit,
    namePrefix: options.namePrefix ?? input.name,
    managed,
    zoneBlock,
    natZone,
    proxy: { mode, cidrs: proxyCidrs, ...(listenPort === undefined ? {} : { listenPort }), internetBound, sgCidrs },
    ownRanges,
    internetCidrs: CidrSet.fromCidrs(INTERNET_CIDRS).subtract(ownRanges).toCidrs().map((c) => c.text),
    zonePath: (zone) => (zoneIndex.has(zone) ? `${zonesPath}[${zoneIndex.get(zone)}]` : zonesPath),
    flowPath: (key) => (flowIndex.has(key) ? `${flowsPath}[${flowIndex.get(key)}]` : flowsPath),
  };
}

/**
 * The address space and the other own ranges; a block that does not parse is an issue, not a
 * silent gap, and so are own ranges that leave nothing of the IPv4 internet (every `to: internet`
 * rule would silently allow nothing).
 */
function ownRangesOf(input: AwsRuleInput, issues: IntentIssue[]): CidrSet {
  const extra: unknown = input.ownRanges ?? [];
  if (!Array.isArray(extra)) {
    issues.push({ path: "ownRanges", value: typeof extra === "string" ? extra : typeof extra, message: "must be a list of CIDR blocks", fix: 'write a list such as ["10.128.0.0/12"]' });
  }
  const blocks: unknown[] = [input.addresses.addressSpace, ...(Array.isArray(extra) ? extra : [])];
  const good = blocks.filter((c, i): c is string => {
    const path = i === 0 ? "addressSpace" : `ownRanges[${i - 1}]`;
    if (typeof c !== "string") {
      issues.push({ path, value: typeof c, message: "must be a CIDR block, as text", fix: "write a CIDR block such as 10.0.0.0/16" });
      return false;
    }
    const parsed = parseCidr(c, { strict: true });
    if ("error" in parsed) issues.push({ path, value: c, message: parsed.error, fix: "write a CIDR block such as 10.0.0.0/16" });
    return !("error" in parsed);
  });
  const own = CidrSet.fromCidrs(good);
  if (CidrSet.WORLD_V4.subtract(own).isEmpty()) {
    issues.push({ path: "ownRanges", value: good.join(", "), message: "the deployment's own ranges cover the whole IPv4 internet, so no internet rule would allow anything", fix: "list only the blocks that belong to the deployment (the tenant pool, shared services), never 0.0.0.0/0" });
  }
  return own;
}
