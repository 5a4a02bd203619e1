import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, unwrap, resourcesOfType, resourceNamed } from "../../mocks";
setupMocks();
import { SegmentedVpc, SegmentedVpcError } from "../../../components/aws";

const SHOP = "examples/intents/shop.yaml";
const T = {
  filter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;

async function build(name: string, args: ConstructorParameters<typeof SegmentedVpc>[1]): Promise<SegmentedVpc> {
  const vpc = new SegmentedVpc(name, args);
  await unwrap(vpc.subnetIds);
  await settle();
  return vpc;
}

/** type+name -> inputs of everything registered, names made comparable across two component names. */
function snapshot(prefix: string): Map<string, string> {
  return new Map(recorded().map((r) => [`${r.type} ${r.name.replace(prefix, "X")}`, JSON.stringify(r.inputs).replaceAll(prefix, "X")]));
}

describe("components/aws SegmentedVpc telemetry", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("is off by default: no metric filter, alarm or dashboard", async () => {
    await build("tel0", { intent: SHOP });
    assert.equal(resourcesOfType(T.filter).length + resourcesOfType(T.alarm).length + resourcesOfType(T.dashboard).length, 0);
  });

  it("adds a metric filter per zone and direction on the flow-log group, an alarm per zone to the SNS topic, and a dashboard", async () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:oncall";
    const vpc = await build("tel1", { intent: SHOP, telemetry: { snsTopicArn: topic, rejectThreshold: 50, periodSeconds: 60 } });
    const filters = resourcesOfType(T.filter);
    assert.deepEqual(filters.map((f) => f.name).sort(), ["app", "data", "edge"].flatMap((z) => [`tel1-rejected-${z}-inbound`, `tel1-rejected-${z}-outbound`]));
    const logGroup = resourceNamed(T.logGroup, "tel1-flow-logs");
    const appIn = resourceNamed(T.filter, "tel1-rejected-app-inbound");
    assert.equal(appIn.parent, logGroup.urn, "filters sit under the flow-log group");
    assert.equal(appIn.inputs.logGroupName, await unwrap(vpc.flowLogs.logGroup!.name));
    assert.match(appIn.inputs.pattern, /^\[version, account, eni, source, destination = "10\.20\.16\.\*" \|\| .*destination = "10\.20\.31\.\*", srcport, .*action = "REJECT", flowlogstatus\]$/);
    assert.deepEqual(appIn.inputs.metricTransformation, { name: "tel1/app/RejectedPacketsInbound", namespace: "Netseg/FlowLogs", value: "$packets", defaultValue: "0", unit: "Count" });
    const alarm = resourceNamed(T.alarm, "tel1-rejected-app");
    assert.deepEqual(alarm.inputs.alarmActions, [topic]);
    assert.deepEqual(alarm.inputs.okActions, [topic]);
    assert.equal(alarm.inputs.threshold, 50);
    assert.equal(alarm.inputs.comparisonOperator, "GreaterThanThreshold");
    assert.deepEqual(
      alarm.inputs.metricQueries.map((q: { id: string; expression?: string; metric?: { metricName: string; period: number } }) => [q.id, q.expression ?? `${q.metric!.metricName}@${q.metric!.period}`]),
      [["inbound", "tel1/app/RejectedPacketsInbound@60"], ["outbound", "tel1/app/RejectedPacketsOutbound@60"], ["rejected", "inbound + outbound"]],
    );
    assert.equal(resourcesOfType(T.alarm).length, 3);
    const board = resourceNamed(T.dashboard, "tel1-segmentation");
    const body = JSON.parse(board.inputs.dashboardBody);
    const titles = body.widgets.filter((w: { type: string }) => w.type === "metric").map((w: { properties: { title: string } }) => w.properties.title);
    assert.deepEqual(titles, ["Denied flows per zone: rejected packets inbound", "Denied flows per zone: rejected packets outbound", "Egress firewall drops (AWS Network Firewall DroppedPackets)"]);
    const quarantine = body.widgets.find((w: { type: string; properties: { markdown?: string } }) => w.type === "text" && w.properties.markdown?.startsWith("### Quarantined targets"));
    assert.match(quarantine.properties.markdown, /No target is quarantined/);
  });

  it("the dashboard lists the quarantined targets from the intent, so deploying a quarantine shows it", async () => {
    await build("tel-q", { intent: "examples/incident/intent.yaml", telemetry: true });
    const body = JSON.parse(resourceNamed(T.dashboard, "tel-q-segmentation").inputs.dashboardBody);
    const panel = body.widgets.find((w: { type: string; properties: { markdown?: string } }) => w.type === "text" && w.properties.markdown?.startsWith("### Quarantined targets"));
    assert.match(panel.properties.markdown, /\| app \| 2026-12-06T07:40:00Z \| INC-4711 outbound beaconing from an app instance \| keep \|/);
  });

  it("adding telemetry renames, replaces and changes nothing that exists", async () => {
    await build("tel2", { intent: SHOP });
    const before = snapshot("tel2");
    resetRecorded();
    // The same component name (the mocks derive ids from names): the same stack, before and after.
    await build("tel2", { intent: SHOP, telemetry: true });
    const after = snapshot("tel2");
    for (const [key, inputs] of before) {
      assert.ok(after.has(key), `${key} is gone with telemetry`);
      assert.equal(after.get(key), inputs, `${key} changed with telemetry`);
    }
    assert.deepEqual([...after.keys()].filter((k) => !before.has(k)).map((k) => k.split(" ")[0]).sort(), [T.dashboard, ...Array(3).fill(T.alarm), ...Array(6).fill(T.filter)].sort());
  });

  it("needs flow logs in CloudWatch Logs, and says so before creating anything", async () => {
    for (const flowLogs of [false as const, { destination: "s3" as const }]) {
      resetRecorded();
      let err: unknown;
      try {
        new SegmentedVpc(`tel4-${flowLogs ? "s3" : "off"}`, { intent: SHOP, flowLogs, telemetry: true });
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof SegmentedVpcError);
      assert.match(err.message, /telemetry.*needs the VPC's flow logs in CloudWatch Logs/);
      assert.deepEqual(err.issues.map((i) => i.path), ["telemetry"]);
      await settle();
      assert.equal(recorded().filter((r) => r.custom).length, 0);
    }
  });

  it("refuses a bad period, threshold or namespace with the field and the fix", () => {
    assert.throws(
      () => new SegmentedVpc("tel5", { intent: SHOP, telemetry: { periodSeconds: 90, rejectThreshold: -1, namespace: "AWS/VPC" } }),
      (e: SegmentedVpcError) => {
        assert.deepEqual(e.issues.map((i) => i.path), ["telemetry.periodSeconds", "telemetry.rejectThreshold", "telemetry.namespace"]);
        return true;
      },
    );
  });
});
