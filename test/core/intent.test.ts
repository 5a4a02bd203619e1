import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { IntentError, loadIntentFile, parseIntent, parseIntentText, pinSlots, unpinnedSlots, type IntentInput } from "../../core/intent";
import { renderIntentSchema } from "../../cli/schema";

const ROOT = path.resolve(__dirname, "../..");

const base = (): IntentInput => ({
  name: "shop",
  addressSpace: "10.20.0.0/16",
  availabilityZones: 3,
  zones: [
    { name: "edge", internet: "inbound", egress: "nat" },
    { name: "app", egress: "proxy", workloads: [{ name: "api" }] },
    { name: "data", sensitive: true },
  ],
  peers: [{ name: "office", cidrs: ["203.0.113.0/24"] }],
  flows: [
    { from: "internet", to: "edge", ports: ["tcp/443"] },
    { from: "edge", to: "app", ports: ["tcp/8080"] },
    { from: "app", to: "data", ports: ["tcp/5432", "tcp/6379"] },
  ],
  egress: [{ from: "app", allow: ["api.stripe.com:443"] }],
});

function issuesOf(input: unknown): string[] {
  try {
    parseIntent(input);
  } catch (e) {
    assert.ok(e instanceof IntentError, String(e));
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail("expected the intent to be refused");
}

describe("core/intent", () => {
  it("normalises a valid intent: defaults, slots, merged ports, endpoints", () => {
    const i = parseIntent(base());
    assert.deepEqual(i.zones.map((z) => [z.name, z.slot, z.egress, z.internet]), [
      ["edge", 0, "nat", "inbound"],
      ["app", 1, "proxy", "none"],
      ["data", 2, "none", "none"],
    ]);
    assert.deepEqual(i.zones[1].workloads[0].labels, { app: "api" });
    assert.deepEqual(i.flows[2].ports, [{ protocol: "tcp", from: 5432, to: 5432 }, { protocol: "tcp", from: 6379, to: 6379 }]);
    assert.equal(i.flows[0].key, "internet->edge");
    assert.deepEqual(i.flows[0].from, { kind: "internet" });
    assert.deepEqual(i.egress[0].destinations, [{ host: "api.stripe.com", port: 443, wildcard: false }]);
  });

  it("keeps pinned slots and fills the lowest free ones", () => {
    const input = base();
    input.zones = [{ name: "a", slot: 1 }, { name: "b" }, { name: "c" }];
    input.flows = [];
    input.egress = [];
    assert.deepEqual(parseIntent(input).zones.map((z) => z.slot), [1, 0, 2]);
  });

  it("loads the shared example intent from YAML", () => {
    const i = loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml"));
    assert.equal(i.name, "shop");
    assert.equal(i.flows.length, 4);
  });

  it("reports every whole-document problem at once, each with path and fix", () => {
    const input: any = base();
    input.zones.push({ name: "edge" });
    input.flows.push({ from: "edgee", to: "app", ports: ["tcp/1"] });
    input.flows.push({ from: "internet", to: "app", ports: ["tcp/99999"] });
    input.egress.push({ from: "data", allow: ["example.com:443"] });
    try {
      parseIntent(input);
      assert.fail("expected an IntentError");
    } catch (e) {
      assert.ok(e instanceof IntentError);
      const text = e.message;
      assert.match(text, /zones\[3\]\.name: zone "edge" is declared twice/);
      assert.match(text, /flows\[3\]\.from: "edgee" is not a zone.*did you mean "edge"/);
      assert.match(text, /flows\[4\]\.ports\[0\]: .*ports run from 0 to 65535/);
      assert.match(text, /flows\[4\]\.to: zone "app" is not internet-facing/);
      assert.match(text, /egress\[1\]\.from: zone "data" has egress none/);
      assert.ok(e.issues.every((i) => i.fix), "every issue carries a fix");
    }
  });

  it("reports shape and whole-document problems together when a field with a default is wrong", () => {
    const input: any = base();
    input.zones[1].egress = "sometimes";
    input.flows.push({ from: "app", to: "nowhere", ports: ["tcp/1"] });
    const found = issuesOf(input);
    assert.ok(found.some((m) => /^zones\[1\]\.egress: /.test(m)), found.join("\n"));
    assert.ok(found.some((m) => /^flows\[3\]\.to: "nowhere" is not a zone/.test(m)), found.join("\n"));
    assert.ok(!found.some((m) => /zone "app" has egress none/.test(m)), "no echo of the default that stood in for the bad value");
  });

  it("holds back whole-document checks that a broken required field would only echo", () => {
    const input: any = base();
    input.zones[0].name = 42;
    const found = issuesOf(input);
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(found[0], /^zones\[0\]\.name: /);
  });

  const broken: [string, (i: any) => void, RegExp][] = [
    ["bad CIDR", (i) => (i.addressSpace = "10.20.0.0/33"), /addressSpace: .*prefix length must be at most 32/],
    ["host bits", (i) => (i.addressSpace = "10.20.1.0/16"), /addressSpace: .*host bits set.*10\.20\.0\.0\/16/],
    ["space too small", (i) => (i.addressSpace = "10.20.0.0/24"), /addressSpace: .*too small for 16 zone slots x 4 AZ slots/],
    ["too many AZs", (i) => (i.availabilityZones = 5), /availabilityZones: 5 availability zones do not fit/],
    ["internet to sensitive", (i) => i.flows.push({ from: "internet", to: "data", ports: ["tcp/5432"] }), /zone "data" is sensitive/],
    ["direct internet from proxy zone", (i) => i.flows.push({ from: "app", to: "internet", ports: ["tcp/443"] }), /egress proxy, so it cannot open connections straight to the internet/],
    ["unknown workload", (i) => i.flows.push({ from: "app/web", to: "data", ports: ["tcp/1"] }), /zone "app" has no workload "web"/],
    ["duplicate flow", (i) => i.flows.push({ from: "edge", to: "app", ports: ["tcp/1"] }), /flow edge->app is declared twice/],
    ["bad destination", (i) => (i.egress[0].allow = ["stripe"]), /egress\[0\]\.allow\[0\]: "stripe" is not a destination/],
    ["bad zone name", (i) => (i.zones[0].name = "Edge_1"), /zones\[0\]\.name: a zone name must be lower-case/],
    ["unknown field", (i) => (i.zones[0].public = true), /Unrecognized key/],
  ];
  for (const [what, mutate, expected] of broken) {
    it(`refuses an intent with ${what}`, () => {
      const input = base();
      mutate(input);
      const found = issuesOf(input);
      assert.ok(found.some((m) => expected.test(m)), `${expected} not in:\n${found.join("\n")}`);
    });
  }

  it("reports YAML syntax errors with a position", () => {
    assert.throws(() => parseIntentText("name: [unclosed\nzones: x", "bad.yaml"), (e: unknown) => e instanceof IntentError && /line \d+, column \d+/.test(e.message) && e.message.includes("bad.yaml"));
  });

  it("publishes a JSON Schema that matches the zod schema", () => {
    const committed = readFileSync(path.join(ROOT, "schema/intent.schema.json"), "utf8");
    assert.equal(committed, renderIntentSchema(), "schema/intent.schema.json is stale: run `npx tsx cli/main.ts schema -o schema/intent.schema.json`");
    const schema = JSON.parse(committed);
    assert.deepEqual(schema.properties.zones.items.properties.egress.enum, ["none", "nat", "proxy"]);
  });
});

describe("core/intent pinSlots", () => {
  const block = [
    "# the shop, block style",
    "name: shop",
    "addressSpace: 10.50.0.0/16",
    "zones:",
    "  - name: web # faces the internet",
    "    internet: inbound",
    "  - internet: none",
    "    name: api",
    "  - { name: db, slot: 5 }",
    "tenants:",
    "  pool: 10.128.0.0/12",
    "  blockPrefix: 20",
    "  zones:",
    "    - name: t-app",
    "  sharedServices: { addressSpace: 10.64.0.0/20, ports: [tcp/443] }",
    "  members:",
    "    - { name: acme }",
    "    - name: globex",
    "      slot: 0",
    "flows: []",
    "",
  ].join("\n");

  it("adds only `slot:` lines, at each entry's own indentation, and every block stays where it was", () => {
    const { text, pinned } = pinSlots(block, "shop.yaml");
    assert.deepEqual(pinned, ["zone web: slot 0", "zone api: slot 1", "tenant template zone t-app: slot 0", "tenant acme: slot 1", "tenant grid: addressing { zoneSlots: 2, azSlots: 2 }", "shared-services grid: addressing { zoneSlots: 2, azSlots: 2 }"]);
    const expected = block
      .replace("  - name: web # faces the internet\n", "  - name: web # faces the internet\n    slot: 0\n")
      .replace("    name: api\n", "    name: api\n    slot: 1\n")
      .replace("    - name: t-app\n", "    - name: t-app\n      slot: 0\n")
      .replace("    - { name: acme }", "    - { name: acme, slot: 1 }")
      .replace("  blockPrefix: 20\n", "  blockPrefix: 20\n  addressing: { zoneSlots: 2, azSlots: 2 }\n")
      .replace("addressSpace: 10.64.0.0/20, ports", "addressSpace: 10.64.0.0/20, addressing: { zoneSlots: 2, azSlots: 2 }, ports");
    assert.equal(text, expected);
    const before = parseIntentText(block);
    const after = parseIntentText(text);
    assert.deepEqual(after.zones.map((z) => [z.name, z.slot, z.slotPinned]), before.zones.map((z) => [z.name, z.slot, true]));
    assert.deepEqual(after.tenants!.members.map((t) => [t.name, t.slot]), before.tenants!.members.map((t) => [t.name, t.slot]));
    assert.deepEqual(unpinnedSlots(after), []);
    assert.equal(pinSlots(text).text, text, "pinning a pinned file changes nothing");
  });
});
