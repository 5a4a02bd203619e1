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
import { planGcpNetwork, type GcpNetworkPlan, type GcpPlanOptions } from "../../core/rules/gcp";
import { createGcpNetwork, type GcpNetworkResources } from "./create";
import { createGcpTelemetry, planGcpTelemetry, type GcpTelemetryArgs, type GcpTelemetryResources } from "./telemetry";

/** The plan's options (regions, targeting, names, egress proxy ranges and port) and these. */
export interface SegmentedNetworkArgs extends GcpPlanOptions {
  /** A parsed Intent, an intent object as written in YAML, or the path of a YAML file. */
  readonly intent: IntentArg;
  /** GCP project; default the provider's. */
  readonly project?: pulumi.Input<string>;
  /** Segmentation telemetry, off by default: a log-based metric per zone on the deny-all rules' logs, an alert policy per zone, a dashboard. See GcpTelemetryOptions. */
  readonly telemetry?: GcpTelemetryArgs;
}

export class SegmentedNetwork extends pulumi.ComponentResource {
  readonly plan: GcpNetworkPlan;
  readonly resources: GcpNetworkResources;
  /** Log-based metrics, alert policies and dashboard (empty unless `telemetry` is on). */
  readonly telemetry: GcpTelemetryResources;
  readonly networkId: pulumi.Output<string>;
  readonly networkSelfLink: pulumi.Output<string>;
  /** Subnet ids by zone, then region. */
  readonly subnetIds: Readonly<Record<string, Readonly<Record<string, pulumi.Output<string>>>>>;
  /** Service-account emails by zone (empty when targeting by tag): run a zone's instances as these. */
  readonly serviceAccountEmails: Readonly<Record<string, pulumi.Output<string>>>;
  /** Network tags by zone: instances carry them (for tag targeting, and for the internet route in nat zones). */
  readonly networkTags: Readonly<Record<string, string>>;
  /**
   * The quarantine tag of each quarantined workload, by `zone/workload` (empty when none): add it
   * to the workload's instances (`gcloud compute instances add-tags`) and its priority-0 denies apply.
   */
  readonly quarantineTags: Readonly<Record<string, string>>;
  /** Zone marks as GCP labels, by zone: put them on the zone's instances. */
  readonly labels: Readonly<Record<string, Readonly<Record<string, string>>>>;

  /** The normalised intent the network was built from (also a stack output, for the conformance check). */
  readonly intent: Intent;

  constructor(name: string, args: SegmentedNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    const { intent: intentArg, project, telemetry, ...planOptions } = args;
    const intent = resolveIntent(intentArg, "SegmentedNetwork args.intent");
    const plan = planGcpNetwork(intent, planOptions);
    const telemetryPlan = planGcpTelemetry(plan, telemetry, intent.quarantine);
    super("netseg:gcp:SegmentedNetwork", name, {}, opts);
    this.intent = intent;
    this.plan = plan;
    this.resources = createGcpNetwork(name, plan, this, project);
    this.telemetry = createGcpTelemetry(name, plan, telemetryPlan, telemetry, this, project);
    const r = this.resources;
    this.networkId = r.network.id;
    this.networkSelfLink = r.network.selfLink;
    this.subnetIds = Object.fromEntries(plan.zones.map((z) => [z.name, Object.fromEntries(z.subnets.map((s) => [s.region, r.subnets[s.key].id]))]));
    this.serviceAccountEmails = r.serviceAccountEmails;
    this.networkTags = Object.fromEntries(plan.zones.map((z) => [z.name, z.networkTag]));
    this.labels = Object.fromEntries(plan.zones.map((z) => [z.name, z.labels]));
    this.quarantineTags = plan.quarantineTags;
    this.registerOutputs({
      networkId: this.networkId,
      subnetIds: this.subnetIds,
      serviceAccountEmails: this.serviceAccountEmails,
      networkTags: this.networkTags,
      quarantineTags: this.quarantineTags,
      flowTuples: plan.flowTuples(),
      intent,
    });
  }
}
