import assert from "node:assert/strict";
import * as fs from "node:fs";
import { setupMocks, recorded, resetRecorded, settle, unwrap, resourcesOfType, resourceNamed } from "../../mocks";
setupMocks();
import { SegmentedNetwork } from "../../../components/gcp";
import { planGcpTelemetry } from "../../../components/gcp/telemetry";
import { IntentError, loadIntentFile } from "../../../core/intent";
import { planGcpNetwork } from "../../../core/rules/gcp";

const SHOP = "examples/intents/shop.yaml";
const REGIONS = ["europe-west1"];
const T = { metric: "gcp:logging/metric:Metric", alert: "gcp:monitoring/alertPolicy:AlertPolicy", dashboard: "gcp:monitoring/dashboard:Dashboard" } as const;

async function build(name: string, extra: Partial<ConstructorParameters<typeof SegmentedNetwork>[1]> = {}): Promise<SegmentedNetwork> {
  const net = new SegmentedNetwork(name, { intent: SHOP, regions: REGIONS, ...extra });
  await unwrap(net.networkId);
  await settle();
  return net;
}

/**
 * An evaluator of the Logging-query subset the filters use, written from the query language's
 * documented meaning, not from the generator: clauses joined by AND; `log_id("x")` holds when the
 * entry's logName ends with `/logs/` and the URL-encoded id; `a.b="v"` when the field at that path
 * equals v; `a.b=("v" OR "w")` when it equals one of them.
 */
function matches(filter: string, entry: Record<string, unknown>): boolean {
  return filter.split(" AND ").every((clause) => {
    const logId = /^log_id\("([^"]+)"\)$/.exec(clause);
    if (logId) return typeof entry.logName === "string" && entry.logName.endsWith(`/logs/${encodeURIComponent(logId[1])}`);
    const m = /^([\w.]+)=(?:"([^"]*)"|\((.*)\))$/.exec(clause);
    assert.ok(m, `a clause the evaluator does not know: ${clause}`);
    const values = m[2] !== undefined ? [m[2]] : m[3].split(" OR ").map((v) => JSON.parse(v) as string);
    const actual = m[1].split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), entry);
    return typeof actual === "string" && values.includes(actual);
  });
}

describe("components/gcp SegmentedNetwork telemetry", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("is off by default", async () => {
    await build("gtel0");
    assert.equal(resourcesOfType(T.metric).length + resourcesOfType(T.alert).length + resourcesOfType(T.dashboard).length, 0);
  });

  it("adds a log-based metric per zone on the deny-all rules' logs, an alert policy per zone and a dashboard", async () => {
    await build("gtel1", { telemetry: { notificationChannels: ["projects/p/notificationChannels/42"], deniedThreshold: 20, periodSeconds: 60 } });
    assert.deepEqual(resourcesOfType(T.metric).map((m) => m.name).sort(), ["gtel1-denied-app", "gtel1-denied-data", "gtel1-denied-edge"]);
    const data = resourceNamed(T.metric, "gtel1-denied-data");
    assert.equal(data.inputs.name, "shop-denied-data");
    assert.equal(
      data.inputs.filter,
      'log_id("compute.googleapis.com/firewall") AND resource.type="gce_subnetwork" AND jsonPayload.rule_details.reference=("network:shop/firewall:shop-deny-all-egress" OR "network:shop/firewall:shop-deny-all-ingress") AND resource.labels.subnetwork_name="shop-data-europe-west1"',
    );
    assert.deepEqual(data.inputs.labelExtractors, { direction: "EXTRACT(jsonPayload.rule_details.direction)" });
    const alert = resourceNamed(T.alert, "gtel1-denied-data");
    assert.deepEqual(alert.inputs.notificationChannels, ["projects/p/notificationChannels/42"]);
    const cond = alert.inputs.conditions[0].conditionThreshold;
    assert.equal(cond.filter, 'metric.type="logging.googleapis.com/user/shop-denied-data" AND resource.type="gce_subnetwork"');
    assert.deepEqual([cond.comparison, cond.thresholdValue, cond.aggregations[0].alignmentPeriod], ["COMPARISON_GT", 20, "60s"]);
    const board = JSON.parse(resourceNamed(T.dashboard, "gtel1-segmentation").inputs.dashboardJson);
    assert.deepEqual(board.mosaicLayout.tiles.map((t: { widget: { title: string } }) => t.widget.title), ["Denied connections per zone (deny-all firewall logs)", "Denied egress per zone (deny-all egress: the egress firewall's drops)", "Quarantined targets"]);
    assert.deepEqual(board.mosaicLayout.tiles[2].widget.text.format, "MARKDOWN");
    assert.match(board.mosaicLayout.tiles[2].widget.text.content, /No target is quarantined/);
  });

  it("the filters count the deny-all entries of the zone's subnets in real firewall logs, and nothing else", () => {
    const plan = planGcpNetwork(loadIntentFile(SHOP), { regions: REGIONS });
    const t = planGcpTelemetry(plan, true)!;
    const entries = JSON.parse(fs.readFileSync("test/fixtures/flows/shop-gcp-firewall.json", "utf8")) as Record<string, unknown>[];
    const hits = (zone: string) => entries.map((e, i) => (matches(t.zones.find((z) => z.zone === zone)!.filter, e) ? i + 1 : 0)).filter(Boolean);
    // 1: deny-all ingress (RDP from the internet), 3: deny-all ingress (tcp/6379), 4: deny-all egress (udp/53); 2 and 5 are an allow rule's.
    assert.deepEqual(hits("data"), [1, 3, 4]);
    assert.deepEqual(hits("app"), []);
    const moved = { ...entries[0], resource: { type: "gce_subnetwork", labels: { subnetwork_name: "shop-app-europe-west1" } } };
    assert.ok(matches(t.zones.find((z) => z.zone === "app")!.filter, moved));
    const otherLog = { ...entries[0], logName: "projects/netseg-demo/logs/compute.googleapis.com%2Fvpc_flows" };
    assert.ok(!matches(t.zones.find((z) => z.zone === "data")!.filter, otherLog));
  });

  it("adding telemetry renames, replaces and changes nothing that exists", async () => {
    await build("gtel2");
    const before = new Map(recorded().map((r) => [`${r.type} ${r.name}`, JSON.stringify(r.inputs)]));
    resetRecorded();
    await build("gtel2", { telemetry: true });
    const after = new Map(recorded().map((r) => [`${r.type} ${r.name}`, JSON.stringify(r.inputs)]));
    for (const [key, inputs] of before) assert.equal(after.get(key), inputs, `${key} changed or is gone with telemetry`);
    assert.deepEqual([...after.keys()].filter((k) => !before.has(k)).map((k) => k.split(" ")[0]).sort(), [T.dashboard, ...Array(3).fill(T.alert), ...Array(3).fill(T.metric)].sort());
  });

  it("refuses a bad period or threshold before creating anything", async () => {
    assert.throws(
      () => new SegmentedNetwork("gtel3", { intent: SHOP, regions: REGIONS, telemetry: { periodSeconds: 45, deniedThreshold: Number.NaN } }),
      (e: IntentError) => {
        assert.ok(e instanceof IntentError);
        assert.deepEqual(e.issues.map((i) => i.path), ["telemetry.periodSeconds", "telemetry.deniedThreshold"]);
        return true;
      },
    );
    await settle();
    assert.equal(recorded().length, 0);
  });
});
