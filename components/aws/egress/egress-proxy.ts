/**
 * EgressProxy: the only way out of a VPC's `egress: proxy` zones, enforcing the intent's
 * allow-lists with AWS Network Firewall or a Squid fleet (see core/egress for the why of each).
 * A thin shell: core plans the path, the rules and the proxy configuration; this creates them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { planAddresses } from "../../../core/addressing";
import { destinationPorts, egressSources, firewallOptionsProblems, tlsInspectionProblems, zoneRulesMismatch, planAwsEgressPath, planEgressFirewall, type AwsEgressPathPlan, type EgressBackend, type EgressSource } from "../../../core/egress";
import type { EgressProxyResourceArgs } from "./args";
import { createPathRoutes, createPathSubnets, type PathContext, type PathSubnets } from "./path";
import { createFirewallBackend, type FirewallResources } from "./network-firewall";
import { createFleetBackend, type FleetResources } from "./proxy-fleet";

export class EgressProxy extends pulumi.ComponentResource {
  readonly backend: EgressBackend;
  readonly plan: AwsEgressPathPlan;
  readonly sources: readonly EgressSource[];
  /** Where enforcement is wider than the intent (empty when exact). */
  readonly notes: readonly string[];
  readonly subnets: PathSubnets;
  readonly routes: aws.ec2.Route[];
  readonly firewall?: FirewallResources;
  readonly fleet?: FleetResources;
  /** Inner subnet ids by key (`firewall-az1` / `proxy-az1`). */
  readonly subnetIds: Record<string, pulumi.Output<string>>;
  /** proxy-fleet: what clients set as HTTPS_PROXY; network-firewall: undefined (transparent). */
  readonly proxyUrl?: pulumi.Output<string>;

  constructor(name: string, args: EgressProxyResourceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netseg:aws:EgressProxy", name, {}, opts);
    const { intent } = args;
    if (!intent.zones.some((z) => z.egress === "proxy")) {
      throw new pulumi.ResourceError(`EgressProxy ${name}: intent "${intent.name}" has no zone with egress: proxy, so there is nothing to proxy; set egress: proxy on the zones that must go through the allow-list`, this);
    }
    const problems = [
      ...tlsInspectionProblems(args.tlsInspection, args.backend),
      ...(args.backend === "network-firewall" ? firewallOptionsProblems({ style: args.ruleStyle, plainHttpPorts: args.plainHttpPorts }) : []),
    ];
    if (problems.length) throw new pulumi.ResourceError(`EgressProxy ${name}: ${problems.join("; ")}`, this);
    const zoneRules = args.network.zoneRules;
    const mismatch = zoneRules && zoneRulesMismatch(args.backend, zoneRules, args.network.proxySecurityGroupId !== undefined);
    if (mismatch) {
      // proxy-fleet: the zones could reach nothing, so refuse. network-firewall: warn only, as
      // stacks built before SegmentedVpc knew the backend still plan and preview.
      if (args.backend === "proxy-fleet") throw new pulumi.ResourceError(`EgressProxy ${name} (proxy-fleet): ${mismatch}`, this);
      pulumi.log.warn(`EgressProxy ${name} (network-firewall): ${mismatch}`, this);
    }
    const addresses = planAddresses(intent);
    this.backend = args.backend;
    this.plan = planAwsEgressPath(intent, addresses, args.backend);
    this.sources = egressSources(intent, addresses);
    const names = args.network.availabilityZoneNames;
    const azNames = names !== undefined ? pulumi.output(names) : aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this }).names;
    const ctx: PathContext = { name, intent: intent.name, network: args.network, azNames: pulumi.output(azNames), parent: this, tags: args.tags ?? {} };
    const retention = args.logRetentionDays ?? 90;
    const ports = [...destinationPorts(this.sources), ...(args.backend === "proxy-fleet" ? (args.fleet?.bootstrapEgressPorts ?? [443]) : [])];
    this.subnets = createPathSubnets(ctx, this.plan, addresses.addressSpace, ports);
    this.subnetIds = Object.fromEntries(Object.entries(this.subnets.inner).map(([k, s]) => [k, s.id]));
    if (args.backend === "network-firewall") {
      const rules = planEgressFirewall(this.sources, { style: args.ruleStyle, plainHttpPorts: args.plainHttpPorts, tlsInspection: args.tlsInspection !== undefined });
      if (args.tlsInspection && !rules.tlsInspection) {
        throw new pulumi.ResourceError(`EgressProxy ${name}: tlsInspection is set, but no allow-listed destination is on a TLS port (plain-HTTP ports: ${rules.plainHttpPorts.join(", ") || "none"}), so there is nothing to decrypt; remove tlsInspection`, this);
      }
      this.notes = rules.notes;
      this.firewall = createFirewallBackend(ctx, this.plan, rules, this.subnets, retention, args.tlsInspection);
      this.routes = createPathRoutes(ctx, this.plan, this.subnets, this.firewall.endpoint);
    } else {
      this.notes = this.sources.filter((s) => s.widenedWorkloads.length).map((s) => `zone ${s.zone}: the allow-lists of workloads ${s.widenedWorkloads.join(", ")} apply to the whole zone (the proxy sees subnets, not workloads)`);
      this.fleet = createFleetBackend(ctx, this.plan, this.sources, this.subnets, args.fleet ?? {}, retention);
      this.routes = createPathRoutes(ctx, this.plan, this.subnets);
      this.proxyUrl = this.fleet.proxyUrl;
    }
    this.registerOutputs({ subnetIds: this.subnetIds, proxyUrl: this.proxyUrl, notes: this.notes });
  }
}
