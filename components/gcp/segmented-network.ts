/**
 * `SegmentedNetwork` (GCP): one segmentation intent as a custom-mode VPC with a subnet per
 * zone and region, zone identities (service accounts, or network tags), firewall rules from
 * the flows closed by a logged deny-all in both directions, and a route to the internet plus
 * Cloud NAT only for the zones whose egress is nat.
 *
 * The whole plan is computed and validated before the component registers anything, so bad
 * input (a workload endpoint, a malformed region, a name GCP would refuse) creates nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { resolveIntent, type Intent, type IntentArg } from "../../core/intent";
import { planGcpNetwork, type GcpNetworkPlan, type GcpTargeting } from "../../core/rules/gcp";
import { createGcpNetwork, type GcpNetworkResources } from "./create";

export interface SegmentedNetworkArgs {
  /** A parsed Intent, an intent object as written in YAML, or the path of a YAML file. */
  readonly intent: IntentArg;
  /** Regions to build subnets in. Append new ones at the end: a region's index is its address slot. */
  readonly regions: readonly string[];
  /** How firewall rules select a zone's instances; default "serviceAccount". */
  readonly targeting?: GcpTargeting;
  /** Start of every GCP name; default the intent name (at most 40 characters). */
  readonly namePrefix?: string;
  /** The VPC's GCP name; default the name prefix. */
  readonly networkName?: string;
  /** The egress proxy's address ranges; default netseg's reserved proxy subnets. */
  readonly egressProxyRanges?: readonly string[];
  /**
   * The egress proxy's listen port: 3128 with netseg's GcpEgressProxy. Set, the proxied zones may
   * send only tcp/<port> to the proxy ranges; unset, the allow-listed destination ports (a
   * transparent proxy).
   */
  readonly egressProxyPort?: number;
  /** GCP project; default the provider's. */
  readonly project?: pulumi.Input<string>;
}

export class SegmentedNetwork extends pulumi.ComponentResource {
  readonly plan: GcpNetworkPlan;
  readonly resources: GcpNetworkResources;
  readonly networkId: pulumi.Output<string>;
  readonly networkSelfLink: pulumi.Output<string>;
  /** Subnet ids by zone, then region. */
  readonly subnetIds: Readonly<Record<string, Readonly<Record<string, pulumi.Output<string>>>>>;
  /** Service-account emails by zone (empty when targeting by tag): run a zone's instances as these. */
  readonly serviceAccountEmails: Readonly<Record<string, pulumi.Output<string>>>;
  /** Network tags by zone: instances carry them (for tag targeting, and for the internet route in nat zones). */
  readonly networkTags: Readonly<Record<string, string>>;
  /** Zone marks as GCP labels, by zone: put them on the zone's instances. */
  readonly labels: Readonly<Record<string, Readonly<Record<string, string>>>>;

  /** The normalised intent the network was built from (also a stack output, for the conformance check). */
  readonly intent: Intent;

  constructor(name: string, args: SegmentedNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    const intent = resolveIntent(args.intent, "SegmentedNetwork args.intent");
    const plan = planGcpNetwork(intent, {
      regions: args.regions,
      targeting: args.targeting,
      namePrefix: args.namePrefix,
      networkName: args.networkName,
      egressProxyRanges: args.egressProxyRanges,
      egressProxyPort: args.egressProxyPort,
    });
    super("netseg:gcp:SegmentedNetwork", name, {}, opts);
    this.intent = intent;
    this.plan = plan;
    this.resources = createGcpNetwork(name, plan, this, args.project);
    const r = this.resources;
    this.networkId = r.network.id;
    this.networkSelfLink = r.network.selfLink;
    this.subnetIds = Object.fromEntries(plan.zones.map((z) => [z.name, Object.fromEntries(z.subnets.map((s) => [s.region, r.subnets[s.key].id]))]));
    this.serviceAccountEmails = r.serviceAccountEmails;
    this.networkTags = Object.fromEntries(plan.zones.map((z) => [z.name, z.networkTag]));
    this.labels = Object.fromEntries(plan.zones.map((z) => [z.name, z.labels]));
    this.registerOutputs({
      networkId: this.networkId,
      subnetIds: this.subnetIds,
      serviceAccountEmails: this.serviceAccountEmails,
      networkTags: this.networkTags,
      flowTuples: plan.flowTuples(),
      intent,
    });
  }
}
