/**
 * The shop on AWS during an incident: the app zone of intent.yaml is quarantined. SegmentedVpc
 * renders the quarantine as an override on top of everything else: deny-all entries at NACL rule
 * numbers 1 (and 2 for IPv6) both ways on the app zone's NACL, which netseg reserves below the
 * entries it plans (they start at 100), so nothing is renumbered; the app zone routes nowhere
 * through the egress path while quarantined. Every other resource keeps its name and inputs.
 * Telemetry is on: rejected packets per zone from the flow logs, an alarm per zone to on-call's
 * SNS topic, and a dashboard.
 *
 *   npx tsx cli/main.ts preview examples/incident       the matrix shows app cut off
 *   npx tsx cli/main.ts isolate examples/incident/intent.yaml app --lift --dry-run
 *                                                        what lifting it gives back
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { loadIntentFile } from "netseg";
import { EgressProxy, SegmentedVpc, egressNetworkOf } from "netseg/aws";

const intent = loadIntentFile(path.join(__dirname, "intent.yaml"));

// On-call is paged when a zone's rejected packets climb: expected while app is quarantined, and
// the dashboard shows which zone is refused what.
const oncall = new aws.sns.Topic("shop-oncall", { tags: { project: "netseg-example" } });

const shop = new SegmentedVpc("shop", {
  intent,
  telemetry: { snsTopicArn: oncall.arn, rejectThreshold: 100, periodSeconds: 300 },
  natGateways: "single",
  flowLogs: { destination: "cloud-watch-logs", retentionDays: 90, trafficType: "ALL" },
  egressProxy: { backend: "proxy-fleet" },
  tags: { project: "netseg-example" },
});

// The proxy stays: lifting the quarantine gives the app zone its allow-list back unchanged.
new EgressProxy("shop-egress", { intent, network: egressNetworkOf(shop), backend: "proxy-fleet", tags: { project: "netseg-example" } });

export const vpcId = shop.vpcId;
export const networkAclIds = shop.networkAclIds;
/** Quarantined workloads' empty security groups, by zone/workload (none here: a whole zone is quarantined). */
export const quarantineSecurityGroupIds = shop.quarantineSecurityGroupIds;
/** The quarantine as the intent holds it: what is isolated, since when, and why. */
export const quarantine = intent.quarantine ?? [];
