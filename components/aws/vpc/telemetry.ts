/**
 * Segmentation telemetry for a SegmentedVpc (off by default; `telemetry: true` or options):
 * CloudWatch Logs metric filters on the VPC's flow-log group counting rejected packets per zone
 * and direction (inbound: the zone's block is the destination; outbound: the source), an alarm
 * per zone on their sum over a period, sent to an SNS topic when given, and a dashboard with
 * denied flows per zone, the egress firewall's drops and the quarantined targets.
 *
 * The filters read the default flow log format, which is the one SegmentedVpc's flow log writes;
 * they need the flow logs in CloudWatch Logs (S3 or no flow logs: a clear error, nothing
 * created). Every name derives from the component name and zone names, never from positions;
 * nothing here touches a resource that exists without telemetry.
 *
 * The quarantined-targets panel is text written from the intent's `quarantine` entries (target,
 * since, reason, DNS): deploying a quarantine updates the panel with it, and nothing has to
 * publish a metric.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { quarantineMarkdown, type IntentIssue, type Quarantine } from "../../../core/intent";
import { rejectedPatterns, type PatternDirection } from "../../../core/flows/cloudwatch-pattern";
import type { FlowLogResources } from "./flow-logs";
import type { SegmentedVpcPlan } from "./args";

export interface AwsTelemetryOptions {
  /** SNS topic the alarms notify (alarm and back to OK); without it the alarms only change state. */
  readonly snsTopicArn?: pulumi.Input<string>;
  /** Rejected packets per zone (inbound + outbound) in one period above which the zone's alarm fires (default 100). */
  readonly rejectThreshold?: number;
  /** The alarm's period in seconds, a multiple of 60 (default 300). */
  readonly periodSeconds?: number;
  /** Consecutive periods above the threshold before the alarm fires (default 1). */
  readonly evaluationPeriods?: number;
  /** The CloudWatch namespace of the rejected-packet metrics (default `Netseg/FlowLogs`). */
  readonly namespace?: string;
  /** The egress AWS Network Firewall's name, for its drop panel; without it the panel shows every firewall of the region. */
  readonly egressFirewallName?: pulumi.Input<string>;
  /** The CloudWatch dashboard (default true). */
  readonly dashboard?: boolean;
}

export type AwsTelemetryArgs = boolean | AwsTelemetryOptions;

const DIRECTIONS: readonly PatternDirection[] = ["inbound", "outbound"];

export interface AwsTelemetryFilterPlan {
  /** The logical (and CloudWatch) name. */
  readonly key: string;
  readonly direction: PatternDirection;
  readonly pattern: string;
  readonly metricName: string;
}

export interface AwsTelemetryPlan {
  readonly namespace: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly rejectThreshold: number;
  readonly dashboardName?: string;
  /** The intent's quarantine entries, for the dashboard's panel. */
  readonly quarantine: readonly Quarantine[];
  readonly zones: readonly { readonly zone: string; readonly cidr: string; readonly metrics: Readonly<Record<PatternDirection, string>>; readonly filters: readonly AwsTelemetryFilterPlan[] }[];
}

const NAMESPACE = /^[A-Za-z0-9.\-_/#:]{1,255}$/;

/** Validates the options against the VPC plan (pushing issues) and plans the filters; undefined when off. */
export function planAwsTelemetry(name: string, plan: Pick<SegmentedVpcPlan, "flowLogs" | "addresses"> & { readonly quarantine?: readonly Quarantine[] }, args: AwsTelemetryArgs | undefined, issues: IntentIssue[]): AwsTelemetryPlan | undefined {
  if (args === undefined || args === false) return undefined;
  const o: AwsTelemetryOptions = args === true ? {} : args;
  if (typeof o !== "object" || o === null) {
    issues.push({ path: "telemetry", value: o, message: "must be true, false or an options object", fix: "write telemetry: { snsTopicArn, rejectThreshold, periodSeconds }" });
    return undefined;
  }
  if (!plan.flowLogs.enabled || plan.flowLogs.destination !== "cloud-watch-logs") {
    issues.push({
      path: "telemetry",
      value: plan.flowLogs.enabled ? plan.flowLogs.destination : "flowLogs: false",
      message: "needs the VPC's flow logs in CloudWatch Logs: its metric filters read the flow-log group",
      fix: 'send the flow logs to CloudWatch Logs (flowLogs: {} or { destination: "cloud-watch-logs" }), or leave telemetry out',
    });
  }
  const periodSeconds = o.periodSeconds ?? 300;
  if (!Number.isInteger(periodSeconds) || periodSeconds < 60 || periodSeconds % 60 !== 0 || periodSeconds > 86400) {
    issues.push({ path: "telemetry.periodSeconds", value: periodSeconds, message: "must be a multiple of 60 seconds from 60 to 86400", fix: "use 60, 300 (default) or 900" });
  }
  const rejectThreshold = o.rejectThreshold ?? 100;
  if (typeof rejectThreshold !== "number" || !Number.isFinite(rejectThreshold) || rejectThreshold < 0) {
    issues.push({ path: "telemetry.rejectThreshold", value: rejectThreshold, message: "must be a number of rejected packets, 0 or more", fix: "use e.g. 100 rejected packets per period" });
  }
  const evaluationPeriods = o.evaluationPeriods ?? 1;
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) issues.push({ path: "telemetry.evaluationPeriods", value: evaluationPeriods, message: "must be a whole number, 1 or more", fix: "use 1 (default) to alarm on the first period above the threshold" });
  const namespace = o.namespace ?? "Netseg/FlowLogs";
  if (typeof namespace !== "string" || !NAMESPACE.test(namespace) || namespace.startsWith("AWS/")) {
    issues.push({ path: "telemetry.namespace", value: namespace, message: "is not a custom CloudWatch namespace (1-255 of A-Z a-z 0-9 . - _ / # :, not starting with AWS/)", fix: "use e.g. Netseg/FlowLogs" });
  }
  const zones = plan.addresses.zones.map((z) => {
    const metrics = { inbound: `${name}/${z.zone}/RejectedPacketsInbound`, outbound: `${name}/${z.zone}/RejectedPacketsOutbound` };
    const filters = DIRECTIONS.flatMap((direction) =>
      rejectedPatterns(z.cidr, direction).map((pattern, i): AwsTelemetryFilterPlan => ({ key: `${name}-rejected-${z.zone}-${direction}${i ? `-${i + 1}` : ""}`, direction, pattern, metricName: metrics[direction] })),
    );
    return { zone: z.zone, cidr: z.cidr, metrics, filters };
  });
  return { namespace, periodSeconds, evaluationPeriods, rejectThreshold, quarantine: plan.quarantine ?? [], ...(o.dashboard === false ? {} : { dashboardName: `${name}-segmentation`.replace(/[^A-Za-z0-9\-_]/g, "-").slice(0, 255) }), zones };
}

export interface TelemetryResources {
  /** By filter key. */
  readonly metricFilters: Readonly<Record<string, aws.cloudwatch.LogMetricFilter>>;
  /** By zone. */
  readonly alarms: Readonly<Record<string, aws.cloudwatch.MetricAlarm>>;
  readonly dashboard?: aws.cloudwatch.Dashboard;
}

/** Creates the planned filters (under the flow-log group), alarms and dashboard (under the component). */
export function createAwsTelemetry(name: string, plan: AwsTelemetryPlan | undefined, args: AwsTelemetryArgs | undefined, flowLogs: FlowLogResources, parent: pulumi.Resource): TelemetryResources {
  if (!plan) return { metricFilters: {}, alarms: {} };
  const logGroup = flowLogs.logGroup;
  if (!logGroup) throw new pulumi.ResourceError(`SegmentedVpc "${name}": telemetry needs the flow-log group, and none was created`, parent);
  const o: AwsTelemetryOptions = args === true || args === undefined || args === false ? {} : args;
  const metricFilters: Record<string, aws.cloudwatch.LogMetricFilter> = {};
  const alarms: Record<string, aws.cloudwatch.MetricAlarm> = {};
  for (const z of plan.zones) {
    for (const f of z.filters) {
      metricFilters[f.key] = new aws.cloudwatch.LogMetricFilter(
        f.key,
        { name: f.key, logGroupName: logGroup.name, pattern: f.pattern, metricTransformation: { name: f.metricName, namespace: plan.namespace, value: "$packets", defaultValue: "0", unit: "Count" } },
        { parent: logGroup },
      );
    }
    const metric = (direction: PatternDirection) => ({ id: direction, metric: { namespace: plan.namespace, metricName: z.metrics[direction], period: plan.periodSeconds, stat: "Sum" } });
    const actions = o.snsTopicArn ? [o.snsTopicArn] : [];
    alarms[z.zone] = new aws.cloudwatch.MetricAlarm(
      `${name}-rejected-${z.zone}`,
      {
        name: `${name}-rejected-${z.zone}`,
        alarmDescription: `netseg ${name}: more than ${plan.rejectThreshold} packets to or from zone ${z.zone} (${z.cidr}) rejected in ${plan.periodSeconds} s (VPC flow logs; a packet rejected inside the zone counts both ways). Check \`netseg flows\` on the flow logs: rejected but allowed records are accidental denies.`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: plan.rejectThreshold,
        evaluationPeriods: plan.evaluationPeriods,
        treatMissingData: "notBreaching",
        metricQueries: [metric("inbound"), metric("outbound"), { id: "rejected", expression: "inbound + outbound", label: `${z.zone} rejected packets`, returnData: true }],
        alarmActions: actions,
        okActions: actions,
      },
      { parent, dependsOn: z.filters.map((f) => metricFilters[f.key]) },
    );
  }
  let dashboard: aws.cloudwatch.Dashboard | undefined;
  if (plan.dashboardName) {
    const region = aws.getRegionOutput({}, { parent }).region;
    dashboard = new aws.cloudwatch.Dashboard(`${name}-segmentation`, { dashboardName: plan.dashboardName, dashboardBody: pulumi.jsonStringify(pulumi.all([region, pulumi.output(o.egressFirewallName)]).apply(([r, fw]) => awsDashboardBody(name, plan, r, fw))) }, { parent });
  }
  return { metricFilters, alarms, dashboard };
}

/** The dashboard's body (CloudWatch dashboard body structure: widgets of type metric and text). */
export function awsDashboardBody(name: string, plan: AwsTelemetryPlan, region: string, egressFirewallName?: string): object {
  const period = plan.periodSeconds;
  const widget = (x: number, y: number, title: string, metrics: unknown[], extra: object = {}) => ({ type: "metric", x, y, width: 12, height: 6, properties: { title, region, view: "timeSeries", stacked: false, period, stat: "Sum", metrics, ...extra } });
  const perZone = (direction: PatternDirection) => plan.zones.map((z) => [plan.namespace, z.metrics[direction], { label: z.zone }]);
  const search = `SEARCH('Namespace="AWS/NetworkFirewall" MetricName="DroppedPackets"${egressFirewallName ? ` "${egressFirewallName.replace(/['"]/g, "")}"` : ""}', 'Sum', ${period})`;
  return {
    widgets: [
      { type: "text", x: 0, y: 0, width: 24, height: 2, properties: { markdown: `## ${name}: segmentation\nRejected packets per zone from the VPC flow logs (alarm above ${plan.rejectThreshold} per ${period} s), the egress firewall's drops, and the quarantined targets. \`netseg flows <intent> <logs>\` tells expected denies from accidental ones.` } },
      widget(0, 2, "Denied flows per zone: rejected packets inbound", perZone("inbound")),
      widget(12, 2, "Denied flows per zone: rejected packets outbound", perZone("outbound")),
      widget(0, 8, "Egress firewall drops (AWS Network Firewall DroppedPackets)", [[{ expression: search, id: "drops", label: "dropped packets" }]]),
      { type: "text", x: 12, y: 8, width: 12, height: 6, properties: { markdown: `### Quarantined targets\n${quarantineMarkdown(plan.quarantine)}` } },
    ],
  };
}
