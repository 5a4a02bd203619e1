/**
 * The whole GCP network of an intent, planned without Pulumi: subnets per zone and region,
 * service accounts or tags per zone, firewall rules, the internet route and Cloud NAT.
 *
 * Everything is validated here first and reported at once (IntentError), so a component
 * built on this plan creates nothing from bad input. GCP subnets are regional, so the AZ
 * slots of the address plan become region slots: the subnet of region number i is the AZ
 * slot i of its zone's block. Appending a region never moves a subnet; reordering `regions`
 * would, and is therefore worth a comment next to the list in a program.
 */
import { CidrSet, parseCidr } from "../../net/cidr";
import { IntentError, type IntentIssue } from "../../intent/errors";
import type { Intent, Quarantine } from "../../intent/types";
import { planLayout } from "../../addressing/plan";
import { zoneMarks } from "../../tags";
import { asSeenByZones, compileNeutralRules, INTERNET_CIDRS, listenPortProblem } from "../neutral";
import { GCP_NAME_MAX, GCP_PREFIX_MAX, gcpName, gcpNameProblem, serviceAccountId } from "./names";
import { planFirewallRules } from "./firewall";
import { gcpFlowTuples } from "./tuples";
import { GCP_PRIORITY, type GcpFirewallRulePlan, type GcpNatPlan, type GcpNetworkPlan, type GcpRoutePlan, type GcpSubnetPlan, type GcpTargeting, type GcpZonePlan } from "./types";

export interface GcpPlanOptions {
  /** GCP regions to build subnets in, e.g. ["europe-west1"]. Append new ones at the end: a region's index is its address slot. */
  readonly regions: readonly string[];
  /** How firewall rules select a zone's instances; default "serviceAccount". */
  readonly targeting?: GcpTargeting;
  /** Start of every derived name; default the intent name. At most 40 characters. */
  readonly namePrefix?: string;
  /** The VPC's name, used verbatim; default the name prefix. */
  readonly networkName?: string;
  /**
   * Where egress allow-lists are sent: the egress proxy's address ranges. Default: netseg's
   * reserved proxy subnets of the address plan (one per region slot).
   */
  readonly egressProxyRanges?: readonly string[];
  /**
   * The port an explicit egress proxy listens on (netseg's GcpEgressProxy: 3128). Set, the
   * zones' egress rules towards the proxy ranges allow tcp/<port> only; unset, they allow the
   * allow-listed destination ports (a transparent proxy or appliance), as on AWS.
   */
  readonly egressProxyPort?: number;
}

/** A GCP region name: `us-central1`, `europe-west10`, `northamerica-northeast1`. */
export const GCP_REGION_PATTERN = /^[a-z]+(-[a-z]+)+[0-9]+$/;

function regionIssue(region: string, path: string): IntentIssue | undefined {
  if (GCP_REGION_PATTERN.test(region)) return undefined;
  const zoneLike = /^([a-z]+(-[a-z]+)+[0-9]+)-[a-z]$/.exec(region);
  if (zoneLike) return { path, value: region, message: "is a GCP zone, not a region (subnets are regional)", fix: `use the region "${zoneLike[1]}"` };
  const lower = region.toLowerCase();
  const fix = lower !== region && GCP_REGION_PATTERN.test(lower) ? `write it in lower case: "${lower}"` : "use a GCP region name such as us-central1 or europe-west1";
  return { path, value: region, message: "is not a GCP region name (<area>-<direction><number>)", fix };
}

function checkIntent(intent: Intent, issues: IntentIssue[]): void {
  intent.flows.forEach((f, i) => {
    for (const side of ["from", "to"] as const) {
      const e = f[side];
      if (e.kind === "zone" && e.workload !== undefined) {
        issues.push({ path: `flows[${i}].${side}`, value: `${e.zone}/${e.workload}`, message: "names a workload, and GCP has no workloads: firewall rules select whole zones (by service account or network tag)", fix: `use the zone "${e.zone}" for GCP, or keep workload-level flows in an intent deployed only to Kubernetes` });
      }
    }
  });
  intent.egress.forEach((e, i) => {
    if (e.workload !== undefined) issues.push({ path: `egress[${i}].from`, value: `${e.zone}/${e.workload}`, message: "names a workload, and GCP has no workloads", fix: `give the allow-list to the zone "${e.zone}"` });
  });
  intent.zones.forEach((z, i) => {
    if (!z.managed) issues.push({ path: `zones[${i}].managed`, value: false, message: `zone "${z.name}" is not managed; the GCP network creates every zone's subnets and cannot reference an existing one`, fix: "set managed: true, or leave this zone out of the intent given to GCP" });
  });
  if (intent.tenants) issues.push({ path: "tenants", message: "tenants are not planned on GCP yet (one network per tenant is AWS-only)", fix: "deploy tenants with the AWS components, or remove tenants from the intent given to GCP" });
}

function checkNames(issues: IntentIssue[], kind: string, names: readonly { key: string; name: string }[]): void {
  const seen = new Map<string, string>();
  for (const { key, name } of names) {
    const problem = gcpNameProblem(name);
    if (problem) issues.push({ path: `${kind} ${key}`, value: name, message: `the GCP name ${problem}`, fix: "rename the zone, peer or name prefix it is built from" });
    const prior = seen.get(name);
    if (prior !== undefined) issues.push({ path: `${kind} ${key}`, value: name, message: `maps to the same GCP name as ${kind} ${prior}`, fix: "rename one of the zones or peers involved (names are joined with '-', so a-b + c and a + b-c meet)" });
    seen.set(name, key);
  }
}

/** Plans the GCP network; throws IntentError listing every problem. Pure and deterministic. */
export function planGcpNetwork(intent: Intent, options: GcpPlanOptions): GcpNetworkPlan {
  const issues: IntentIssue[] = [];
  checkIntent(intent, issues);
  const targeting = options.targeting ?? "serviceAccount";
  if (targeting !== "serviceAccount" && targeting !== "tag") issues.push({ path: "args.targeting", value: targeting, message: "is not a targeting mode", fix: 'use "serviceAccount" (default) or "tag"' });

  const prefix = options.namePrefix ?? intent.name;
  const prefixProblem = gcpNameProblem(prefix, GCP_PREFIX_MAX);
  if (prefixProblem) issues.push({ path: "args.namePrefix", value: prefix, message: `the name prefix ${prefixProblem}`, fix: `choose a prefix of at most ${GCP_PREFIX_MAX} characters matching [a-z]([-a-z0-9]*[a-z0-9])?` });
  const networkName = options.networkName ?? prefix;
  const networkProblem = gcpNameProblem(networkName, GCP_NAME_MAX);
  if (options.networkName !== undefined && networkProblem) issues.push({ path: "args.networkName", value: networkName, message: `the network name ${networkProblem}`, fix: "choose a valid GCP name of at most 63 characters" });

  const regions = [...options.regions];
  if (regions.length === 0) issues.push({ path: "args.regions", message: "names no region", fix: 'give at least one GCP region, e.g. ["europe-west1"]' });
  regions.forEach((r, i) => {
    const problem = regionIssue(r, `args.regions[${i}]`);
    if (problem) issues.push(problem);
    const first = regions.indexOf(r);
    if (first !== i) issues.push({ path: `args.regions[${i}]`, value: r, message: `repeats args.regions[${first}]`, fix: "list each region once" });
  });
  if (regions.length > intent.addressing.azSlots) {
    issues.push({ path: "args.regions", value: regions.length, message: `${regions.length} regions do not fit: each zone block has ${intent.addressing.azSlots} subnet slots (addressing.azSlots), one per region`, fix: "raise addressing.azSlots in the intent (this renumbers every subnet) or use fewer regions" });
  }
  if (issues.length) throw new IntentError(issues, `the GCP plan of "${intent.name}"`);

  const address = planLayout({ addressSpace: intent.addressSpace, zoneSlots: intent.addressing.zoneSlots, azSlots: intent.addressing.azSlots, availabilityZones: regions.length, zones: intent.zones });
  const zones: GcpZonePlan[] = address.zones.map((block) => {
    const z = intent.zones.find((x) => x.name === block.zone)!;
    const subnets: GcpSubnetPlan[] = block.subnets.map((s) => ({
      key: `${z.name}-${regions[s.azIndex]}`,
      zone: z.name,
      region: regions[s.azIndex],
      regionIndex: s.azIndex,
      name: gcpName([prefix, z.name, regions[s.azIndex]]),
      cidr: s.cidr,
    }));
    return {
      name: z.name,
      internet: z.internet,
      egress: z.egress,
      sensitive: z.sensitive,
      ...(targeting === "serviceAccount" ? { serviceAccountId: serviceAccountId(prefix, z.name) } : {}),
      networkTag: gcpName([prefix, z.name]),
      labels: zoneMarks("gcp", { intent: intent.name, zone: z.name, internet: z.internet, egress: z.egress, sensitive: z.sensitive }),
      subnets,
    };
  });
  const subnets = zones.flatMap((z) => z.subnets).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  let egressProxyRanges: string[];
  if (options.egressProxyRanges !== undefined) {
    egressProxyRanges = [];
    options.egressProxyRanges.forEach((t, i) => {
      const c = parseCidr(t, { strict: true });
      if ("error" in c) issues.push({ path: `args.egressProxyRanges[${i}]`, value: t, message: c.error, fix: "give the egress proxy's address or block, e.g. 10.20.240.0/24" });
      else egressProxyRanges.push(c.text);
    });
  } else {
    egressProxyRanges = address.infrastructure.filter((s) => s.purpose === "proxy").map((s) => s.cidr);
  }
  const egressProxyPort = options.egressProxyPort;
  const portProblem = listenPortProblem(egressProxyPort);
  if (portProblem) issues.push({ path: "args.egressProxyPort", value: egressProxyPort, message: portProblem, fix: "use the port the proxy listens on (3128 for netseg's GcpEgressProxy), or leave it out for a transparent proxy" });
  // Not when every given range was malformed: those are reported one by one above.
  if (intent.egress.length > 0 && egressProxyRanges.length === 0 && !options.egressProxyRanges?.length) {
    issues.push({ path: "args.egressProxyRanges", message: "is empty, but the intent has egress allow-lists that go through the egress proxy", fix: "give the egress proxy's address ranges (or leave the option out to use netseg's reserved proxy subnets, where the address space leaves room for them)" });
  }

  const zoneCidrs = new Map(zones.map((z) => [z.name, z.subnets.map((s) => s.cidr)]));
  const flowPath = (flowKey: string): string => {
    const i = intent.flows.findIndex((f) => f.key === flowKey);
    if (i >= 0) return `flows[${i}]`;
    const e = intent.egress.findIndex((x) => `${x.zone}->egress-proxy` === flowKey);
    return e >= 0 ? `egress[${e}]` : flowKey;
  };
  // The internet, as the allow rules name it: everything but the network's own address space
  // (both ways; GCP takes 256 ranges per rule, and the complement of a /16 is 16).
  const internetRanges = internetRangesOf(intent.addressSpace);
  const firewallRules = planFirewallRules(
    { prefix, networkName, zoneCidrs, zoneEgress: new Map(zones.map((z) => [z.name, z.egress])), egressProxyRanges, internetRanges, flowPath },
    asSeenByZones(compileNeutralRules(intent), portProblem ? undefined : egressProxyPort),
    targeting,
    issues,
  );

  const quarantineTags = Object.fromEntries((intent.quarantine ?? []).filter((q) => q.workload !== undefined).map((q) => [q.target, gcpName([prefix, "quarantine", q.zone, q.workload!])]));
  firewallRules.push(...(intent.quarantine ?? []).flatMap((q) => quarantineRules(prefix, networkName, q, quarantineTags[q.target])));
  firewallRules.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const natZones = zones.filter((z) => z.egress === "nat");
  // Internet-facing zones need the route too: replies to internet clients leave by it. It opens
  // nothing new for them: their egress firewall (deny-all below the flows) still refuses any
  // connection they would start, and the firewall is stateful, so replies pass.
  const routedZones = zones.filter((z) => z.egress === "nat" || z.internet === "inbound");
  const routes: GcpRoutePlan[] = routedZones.length
    ? [{
        key: "internet",
        name: gcpName([prefix, "internet"]),
        destRange: INTERNET_CIDRS[0],
        nextHopGateway: "default-internet-gateway",
        priority: GCP_PRIORITY.allow,
        tags: routedZones.map((z) => z.networkTag),
        zones: routedZones.map((z) => z.name),
        description: `netseg ${networkName}: the only route to the internet, for zones with egress nat or internet-facing (${routedZones.map((z) => z.name).join(", ")}); the VPC's default routes are deleted`,
      }]
    : [];
  const nat: GcpNatPlan[] = natZones.length
    ? regions.map((region) => ({
        region,
        routerName: gcpName([prefix, "router", region]),
        natName: gcpName([prefix, "nat", region]),
        subnetKeys: natZones.flatMap((z) => z.subnets.filter((s) => s.region === region).map((s) => s.key)).sort(),
      }))
    : [];

  checkNames(issues, "firewall rule", firewallRules.map((r) => ({ key: r.key, name: r.name })));
  checkNames(issues, "network tag", [...zones.map((z) => ({ key: z.name, name: z.networkTag })), ...Object.entries(quarantineTags).map(([key, name]) => ({ key, name }))]);
  checkNames(issues, "route", routes.map((r) => ({ key: r.key, name: r.name })));
  for (const region of regions) {
    checkNames(issues, `subnet in ${region}`, subnets.filter((s) => s.region === region).map((s) => ({ key: s.key, name: s.name })));
    checkNames(issues, `router/NAT in ${region}`, nat.filter((n) => n.region === region).flatMap((n) => [{ key: "router", name: n.routerName }, { key: "nat", name: n.natName }]));
  }
  const accounts = zones.filter((z) => z.serviceAccountId).map((z) => ({ key: z.name, name: z.serviceAccountId! }));
  checkNames(issues, "service account", accounts);
  if (issues.length) throw new IntentError(issues, `the GCP plan of "${intent.name}"`);

  const peers = intent.peers.map((p) => ({ name: p.name, cidrs: [...p.cidrs] }));
  return {
    intent: intent.name,
    networkName,
    namePrefix: prefix,
    targeting,
    regions,
    zones,
    subnets,
    firewallRules,
    quarantineTags,
    routes,
    nat,
    egressProxyRanges,
    internetRanges,
    ...(egressProxyPort === undefined ? {} : { egressProxyPort }),
    peers,
    flowTuples: () => gcpFlowTuples(firewallRules, { zones, peers, internet: internetRanges }),
  };
}

/**
 * A quarantine's two denies at priority 0, logged: every protocol, from and to every IPv4 address
 * (the network is IPv4), so they beat every allow. A zone is targeted as its allows are (service
 * account or tag); a workload by its quarantine tag. Traffic to the metadata server (DNS among it)
 * is never subject to VPC firewall rules, so `dns` changes nothing here.
 */
function quarantineRules(prefix: string, networkName: string, q: Quarantine, workloadTag: string | undefined): GcpFirewallRulePlan[] {
  return (["INGRESS", "EGRESS"] as const).map((direction): GcpFirewallRulePlan => {
    const ingress = direction === "INGRESS";
    const way = ingress ? "ingress" : "egress";
    return {
      key: `quarantine/${q.target}/${way}`,
      kind: "quarantine",
      name: gcpName([prefix, "quarantine", q.zone, ...(q.workload ? [q.workload] : []), way]),
      direction,
      action: "deny",
      priority: GCP_PRIORITY.quarantine,
      description: `netseg ${networkName}: quarantine of ${q.target} since ${q.since} (${q.reason}): deny all ${way}; remove the intent's quarantine entry to lift it`.slice(0, 2048),
      targetZones: q.workload ? [] : [q.zone],
      ...(workloadTag ? { targetTags: [workloadTag] } : {}),
      sourceZones: [],
      sourceRanges: ingress ? [...INTERNET_CIDRS] : [],
      destinationRanges: ingress ? [] : [...INTERNET_CIDRS],
      protocols: [{ protocol: "all" }],
      logging: true,
    };
  });
}

/** The whole IPv4 space minus the address space (unchanged when the address space does not parse: that is reported elsewhere). */
function internetRangesOf(addressSpace: string): string[] {
  const own = parseCidr(addressSpace, { strict: true });
  const base = CidrSet.fromCidrs(INTERNET_CIDRS);
  return ("error" in own ? base : base.subtract(CidrSet.fromCidrs([addressSpace]))).toCidrs().map((c) => c.text);
}
