/**
 * `netseg isolate`: the entry written into (and lifted from) a copy of an intent file, the blast
 * radius printed (every intended flow cut with both ends and ports, the resources per platform),
 * bad input refused without touching the file, and with `--program` the example run under mocks
 * before and after, compared by URN and held to the quarantine by the reachability engine.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flowsTouched, runIsolateCommand, isoNow, type IsolateOptions } from "../../cli/isolate";
import { parseIntent, parseIntentText } from "../../core/intent";

const ROOT = join(__dirname, "..", "..");
const SHOP = join(ROOT, "examples", "intents", "shop.yaml");

async function run(file: string, target: string, options: IsolateOptions) {
  let out = "";
  let err = "";
  const code = await runIsolateCommand(file, target, options, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe("netseg isolate", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "netseg-isolate-"));
    file = join(dir, "shop.yaml");
    copyFileSync(SHOP, file);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("quarantines a zone: the entry written, the flows it cuts and the resources that change printed; --lift gives the file back byte for byte", async () => {
    const original = readFileSync(file, "utf8");
    const { code, out, err } = await run(file, "app", { reason: "INC-4711 beaconing", since: "2026-12-06T07:40:00Z" });
    assert.equal(code, 0, err);
    const written = readFileSync(file, "utf8");
    assert.ok(written.startsWith(original), "nothing before the entry changed");
    assert.deepEqual(parseIntentText(written).quarantine, [{ target: "app", zone: "app", reason: "INC-4711 beaconing", since: "2026-12-06T07:40:00Z", dns: "keep" }]);
    assert.match(out, /Intended flows cut \(3\):\n {2}edge -> app on tcp\/8080\n {2}app -> data on tcp\/5432, tcp\/6379\n {2}office -> app on tcp\/8443\n/);
    assert.match(out, /app -> egress allow-list \*\.amazonaws\.com:443, api\.stripe\.com:443 suspended/);
    assert.match(out, /\+ NACL of zone app: ingress rule 1 deny all 0\.0\.0\.0\/0/);
    assert.match(out, /\+ NACL of zone app: egress rule 1 deny all 0\.0\.0\.0\/0/);
    assert.match(out, /\+ firewall rule shop-quarantine-app-ingress: INGRESS deny all, priority 0/);
    assert.match(out, /\[clusterGuardrails\] \+ AdminNetworkPolicy netseg-shop-quarantine-app/);
    assert.match(err, /quarantined app in/);

    const lifted = await run(file, "app", { lift: true });
    assert.equal(lifted.code, 0, lifted.err);
    assert.match(lifted.out, /Intended flows given back \(3\)/);
    assert.match(lifted.out, /- NACL of zone app: ingress rule 1 deny all/);
    assert.equal(readFileSync(file, "utf8"), original);
  });

  it("a zone with egress nat: its NAT routes are listed as withdrawn; --dry-run leaves the file alone", async () => {
    const text = readFileSync(file, "utf8").replace("{ name: data, slot: 2, egress: none, sensitive: true }", "{ name: data, slot: 2, egress: none, sensitive: true }\n  - { name: batch, slot: 3, egress: nat }");
    writeFileSync(file, text);
    const { code, out } = await run(file, "batch", { reason: "r", since: "2026-12-06", dryRun: true });
    assert.equal(code, 0);
    assert.match(out, /- default route of zone batch to its NAT gateway, in each AZ's route table \(aws\.ec2\.Route deleted\)/);
    assert.match(out, /none: the intent gives the target no flow/);
    assert.equal(readFileSync(file, "utf8"), text);
  });

  it("refuses without a reason, an unknown target, a second quarantine of one target and a lift of none, leaving the file as it was", async () => {
    const original = readFileSync(file, "utf8");
    for (const [target, options, pattern] of [
      ["app", {}, /--reason is required/],
      ["apx", { reason: "r" }, /quarantine\[0\]\.target: "apx" is not a zone/],
      ["app", { lift: true }, /"app" is not quarantined/],
      ["app", { reason: "r", dns: "off" as never }, /--dns must be keep or cut/],
      ["app", { reason: "r", since: "yesterday" }, /quarantine\[0\]\.since: is not an ISO 8601 date/],
    ] as const) {
      const r = await run(file, target, options);
      assert.equal(r.code, 1, `${target} ${JSON.stringify(options)}`);
      assert.match(r.err, pattern);
      assert.equal(readFileSync(file, "utf8"), original);
    }
    await run(file, "app", { reason: "r", since: "2026-12-06" });
    const twice = await run(file, "app", { reason: "again" });
    assert.equal(twice.code, 1);
    assert.match(twice.err, /quarantined already/);
  });

  it("since defaults to now, in UTC, to the second", async () => {
    const before = Date.now();
    await run(file, "data", { reason: "r" });
    const since = parseIntentText(readFileSync(file, "utf8")).quarantine![0].since;
    assert.match(since, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.ok(Math.abs(Date.parse(since) - before) < 5000);
    assert.equal(isoNow(new Date("2026-12-06T07:40:12.345Z")), "2026-12-06T07:40:12Z");
  });

  it("a workload: the flows naming it or its whole zone are touched, others not", () => {
    const intent = parseIntent({
      name: "m",
      addressSpace: "10.0.0.0/16",
      zones: [{ name: "ms", workloads: [{ name: "api" }, { name: "db" }] }, { name: "web" }],
      flows: [
        { from: "ms/api", to: "ms/db", ports: ["tcp/5432"] },
        { from: "web", to: "ms", ports: ["tcp/443"] },
        { from: "web", to: "ms/db", ports: ["tcp/5433"] },
      ],
    });
    assert.deepEqual(flowsTouched(intent, { zone: "ms", workload: "api" }).map((f) => f.key), ["ms/api->ms/db", "web->ms"]);
    assert.deepEqual(flowsTouched(intent, { zone: "ms" }).length, 3);
  });

  it("--program: the example lifted under mocks changes the zone's NACL (and the dashboard's quarantine panel) in place, keeps every URN, and the engine finds no path left through a quarantine", async function () {
    this.timeout(120_000);
    const example = join(ROOT, "examples", "incident");
    const intentFile = join(example, "intent.yaml");
    const original = readFileSync(intentFile, "utf8");
    const { code, out, err } = await run(intentFile, "app", { lift: true, dryRun: true, program: example });
    assert.equal(code, 0, err);
    assert.equal(readFileSync(intentFile, "utf8"), original, "a dry run leaves the example's intent as it was");
    assert.match(out, /0 created, 0 deleted, 2 updated \(same URN, inputs below\), \d+ unchanged; \d+ resources keep their URN \(all of them\)/);
    assert.match(out, /~ shop-app \(egress, ingress\)/);
    assert.match(out, /~ shop-segmentation \(dashboardBody\)/, "with telemetry on, the dashboard's quarantine panel follows the intent");
    assert.match(out, /Reachability engine, after the edit: 0 pairs cut by a quarantine, 0 paths through one/);
  });
});
