/**
 * Segmentation telemetry for a SegmentedNetwork (off by default; `telemetry: true` or options):
 * a log-based metric per zone counting the connections its deny-all firewall rules logged (the
 * rules are logged, with metadata, whatever telemetry says), labelled by direction; an alert
 * policy per zone on that count over a period, to the given notification channels; and a Cloud
 * Monitoring dashboard: denied connections per zone, denied egress per zone (what the egress
 * path would otherwise have let out) and the quarantined targets.
 *
 * A zone's firewall log entries are told apart by their monitored resource (`gce_subnetwork`,
 * `resource.labels.subnetwork_name`): the subnet of the VM the rule applied to, i.e. the zone
 * whose VM was protected (ingress) or held back (egress).
 *
 * The quarantined-targets panel is text written from the intent's `quarantine` entries (target,
 * since, reason, DNS): deploying a quarantine updates it, and nothing has to write a metric.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { IntentError, quarantineMarkdown, type IntentIssue, type Quarantine } from "../../core/intent";
import type { GcpNetworkPlan } from "../../core/rules/gcp";

export interface GcpTelemetryOptions {
  /** Notification channel ids (`projects/<p>/notificationChannels/<id>`) the alert policies notify. */
  readonly notificationChannels?: readonly pulumi.Input<string>[];
  /** Denied connections per zone in one period above which the zone's alert fires (default 100). */
  readonly deniedThreshold?: number;
  /** The alignment period in seconds, a multiple of 60 (default 300). */
  readonly periodSeconds?: number;
  /** The Cloud Monitoring dashboard (default true). */
  readonly dashboard?: boolean;
}

export type GcpTelemetryArgs = boolean | GcpTelemetryOptions;


/** A Logging query as AND-ed clauses: a field equal to one of some values, or the log's id. */
export type LogClause = { readonly logId: string } | { readonly field: string; readonly anyOf: readonly string[] };

export interface GcpTelemetryZonePlan {
  readonly zone: string;
  /** The log-based metric's name (its id in `logging.googleapis.com/user/<name>`). */
  readonly metricName: string;
  readonly clauses: readonly LogClause[];
  readonly filter: string;
}

export interface GcpTelemetryPlan {
  readonly periodSeconds: number;
  readonly deniedThreshold: number;
  readonly dashboard: boolean;
  /** The intent's quarantine entries, for the dashboard's panel. */
  readonly quarantine: readonly Quarantine[];
  readonly zones: readonly GcpTelemetryZonePlan[];
}

const quote = (s: string) => JSON.stringify(s);

/** Renders clauses in the Logging query language: `log_id("...")`, `field="v"`, `field=("a" OR "b")`. */
export function renderLogFilter(clauses: readonly LogClause[]): string {
  return clauses.map((c) => ("logId" in c ? `log_id(${quote(c.logId)})` : c.anyOf.length === 1 ? `${c.field}=${quote(c.anyOf[0])}` : `${c.field}=(${c.anyOf.map(quote).join(" OR ")})`)).join(" AND ");
}

/** Validates the options and plans a metric per zone; undefined when off; throws IntentError listing every problem. */
export function planGcpTelemetry(plan: GcpNetworkPlan, args: GcpTelemetryArgs | undefined, quarantine: readonly Quarantine[] = []): GcpTelemetryPlan | undefined {
  if (args === undefined || args === false) return undefined;
  const o: GcpTelemetryOptions = args === true ? {} : args;
  const issues: IntentIssue[] = [];
  const periodSeconds = o.periodSeconds ?? 300;
  if (!Number.isInteger(periodSeconds) || periodSeconds < 60 || periodSeconds % 60 !== 0 || periodSeconds > 86400) {
    issues.push({ path: "telemetry.periodSeconds", value: periodSeconds, message: "must be a multiple of 60 seconds from 60 to 86400", fix: "use 60, 300 (default) or 900" });
  }
  const deniedThreshold = o.deniedThreshold ?? 100;
  if (typeof deniedThreshold !== "number" || !Number.isFinite(deniedThreshold) || deniedThreshold < 0) {
    issues.push({ path: "telemetry.deniedThreshold", value: deniedThreshold, message: "must be a number of denied connections, 0 or more", fix: "use e.g. 100 denied connections per period" });
  }
  const denyAll = plan.firewallRules.filter((r) => r.kind === "deny-all").map((r) => `network:${plan.networkName}/firewall:${r.name}`);
  if (!denyAll.length) issues.push({ path: "telemetry", message: "the network plan has no deny-all rule whose logs the metrics could count", fix: "report this: every SegmentedNetwork closes with logged deny-all rules" });
  if (issues.length) throw new IntentError(issues, `the telemetry of "${plan.networkName}"`);
  const zones = plan.zones.map((z): GcpTelemetryZonePlan => {
    const clauses: LogClause[] = [
      { logId: "compute.googleapis.com/firewall" },
      { field: "resource.type", anyOf: ["gce_subnetwork"] },
      { field: "jsonPayload.rule_details.reference", anyOf: denyAll },
      { field: "resource.labels.subnetwork_name", anyOf: z.subnets.map((s) => s.name) },
    ];
    return { zone: z.name, metricName: `${plan.networkName}-denied-${z.name}`, clauses, filter: renderLogFilter(clauses) };
  });
  return { periodSeconds, deniedThreshold, dashboard: o.dashboard !== false, zones, quarantine };
}

export interface GcpTelemetryResources {
  /** By zone. */
  readonly metrics: Readonly<Record<string, gcp.logging.Metric>>;
  readonly alertPolicies: Readonly<Record<string, gcp.monitoring.AlertPolicy>>;
  readonly dashboard?: gcp.monitoring.Dashboard;
}

export function createGcpTelemetry(name: string, plan: GcpNetworkPlan, tplan: GcpTelemetryPlan | undefined, args: GcpTelemetryArgs | undefined, parent: pulumi.Resource, project?: pulumi.Input<string>): GcpTelemetryResources {
  if (!tplan) return { metrics: {}, alertPolicies: {} };
  const o: GcpTelemetryOptions = typeof args === "object" ? args : {};
  const metrics: Record<string, gcp.logging.Metric> = {};
  const alertPolicies: Record<string, gcp.monitoring.AlertPolicy> = {};
  for (const z of tplan.zones) {
    const metric = new gcp.logging.Metric(
      `${name}-denied-${z.zone}`,
      {
        name: z.metricName,
        project,
        description: `netseg ${plan.networkName}: connections to or from zone ${z.zone} denied by the network's deny-all firewall rules`,
        filter: z.filter,
        metricDescriptor: { metricKind: "DELTA", valueType: "INT64", unit: "1", displayName: `${plan.networkName} ${z.zone} denied connections`, labels: [{ key: "direction", valueType: "STRING", description: "INGRESS or EGRESS (the deny-all rule's direction)" }] },
        labelExtractors: { direction: "EXTRACT(jsonPayload.rule_details.direction)" },
      },
      { parent },
    );
    metrics[z.zone] = metric;
    alertPolicies[z.zone] = new gcp.monitoring.AlertPolicy(
      `${name}-denied-${z.zone}`,
      {
        displayName: `${plan.networkName}: denied connections in zone ${z.zone}`,
        project,
        combiner: "OR",
        conditions: [
          {
            displayName: `more than ${tplan.deniedThreshold} connections of zone ${z.zone} denied in ${tplan.periodSeconds} s`,
            conditionThreshold: {
              filter: pulumi.interpolate`metric.type="logging.googleapis.com/user/${metric.name}" AND resource.type="gce_subnetwork"`,
              comparison: "COMPARISON_GT",
              thresholdValue: tplan.deniedThreshold,
              duration: "0s",
              aggregations: [{ alignmentPeriod: `${tplan.periodSeconds}s`, perSeriesAligner: "ALIGN_SUM", crossSeriesReducer: "REDUCE_SUM" }],
              trigger: { count: 1 },
            },
          },
        ],
        notificationChannels: o.notificationChannels ? [...o.notificationChannels] : [],
        documentation: { mimeType: "text/markdown", content: `Firewall logs of ${plan.networkName}'s deny-all rules show zone ${z.zone} denying more than usual. Export them and run \`netseg flows <intent> <logs>\`: rejected but allowed records are accidental denies, accepted but not allowed ones unintended paths.` },
      },
      { parent, dependsOn: [metric] },
    );
  }
  const dashboard = tplan.dashboard ? new gcp.monitoring.Dashboard(`${name}-segmentation`, { project, dashboardJson: JSON.stringify(gcpDashboard(plan, tplan)) }, { parent, dependsOn: Object.values(metrics) }) : undefined;
  return { metrics, alertPolicies, dashboard };
}

/** The dashboard (Cloud Monitoring dashboard JSON: a mosaic of xyChart tiles). */
export function gcpDashboard(plan: GcpNetworkPlan, tplan: GcpTelemetryPlan): object {
  const aggregation = { alignmentPeriod: `${tplan.periodSeconds}s`, perSeriesAligner: "ALIGN_SUM", crossSeriesReducer: "REDUCE_SUM" };
  const series = (filter: string, legend: string) => ({ plotType: "LINE", legendTemplate: legend, timeSeriesQuery: { timeSeriesFilter: { filter, aggregation } } });
  const metricOf = (z: GcpTelemetryZonePlan) => `metric.type="logging.googleapis.com/user/${z.metricName}" AND resource.type="gce_subnetwork"`;
  const tile = (xPos: number, yPos: number, title: string, dataSets: object[]) => ({ xPos, yPos, width: 6, height: 4, widget: { title, xyChart: { dataSets, timeshiftDuration: "0s" } } });
  return {
    displayName: `${plan.networkName} segmentation`,
    mosaicLayout: {
      columns: 12,
      tiles: [
        tile(0, 0, "Denied connections per zone (deny-all firewall logs)", tplan.zones.map((z) => series(metricOf(z), z.zone))),
        tile(6, 0, "Denied egress per zone (deny-all egress: the egress firewall's drops)", tplan.zones.map((z) => series(`${metricOf(z)} AND metric.label."direction"="EGRESS"`, z.zone))),
        { xPos: 0, yPos: 4, width: 6, height: 4, widget: { title: "Quarantined targets", text: { content: quarantineMarkdown(tplan.quarantine), format: "MARKDOWN" } } },
      ],
    },
  };
}
