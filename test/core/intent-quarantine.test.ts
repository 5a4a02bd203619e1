/**
 * The intent's quarantine section: what is accepted and what is refused (field, value, fix), and
 * `netseg isolate`'s in-place edit of the file: the entry added or lifted, nothing else changed.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { IntentError, parseIntent, parseIntentText, type IntentInput } from "../../core/intent";
import { isIsoDate } from "../../core/intent/sections";
import { addQuarantine, liftQuarantine } from "../../core/intent/quarantine-edit";

const base = (): IntentInput => ({
  name: "shop",
  addressSpace: "10.20.0.0/16",
  zones: [
    { name: "edge", internet: "inbound", egress: "nat" },
    { name: "app", egress: "proxy", workloads: [{ name: "api" }, { name: "worker" }] },
    { name: "data", sensitive: true },
    { name: "ingress-nginx", managed: false },
  ],
  flows: [
    { from: "edge", to: "app", ports: ["tcp/8080"] },
    { from: "app", to: "data", ports: ["tcp/5432"] },
  ],
});

function issues(input: unknown): { path: string; value?: unknown; message: string; fix?: string }[] {
  try {
    parseIntent(input);
  } catch (e) {
    if (e instanceof IntentError) return [...e.issues];
    throw e;
  }
  return [];
}

describe("intent: quarantine", () => {
  it("normalises a zone and a workload entry; dns defaults to keep", () => {
    const intent = parseIntent({ ...base(), quarantine: [{ target: "app", reason: "INC-1", since: "2026-12-06" }, { target: "data", reason: "INC-2", since: "2026-12-06T07:40:00Z", dns: "cut" }, { target: "app/api", reason: " INC-3 ", since: "2026-12-06T07:40+01:00" }] });
    assert.deepEqual(intent.quarantine, [
      { target: "app", zone: "app", reason: "INC-1", since: "2026-12-06", dns: "keep" },
      { target: "data", zone: "data", reason: "INC-2", since: "2026-12-06T07:40:00Z", dns: "cut" },
      { target: "app/api", zone: "app", workload: "api", reason: "INC-3", since: "2026-12-06T07:40+01:00", dns: "keep" },
    ]);
  });

  it("an intent without quarantine has none (and plans exactly as before)", () => {
    assert.equal(parseIntent(base()).quarantine, undefined);
    assert.equal(parseIntent({ ...base(), quarantine: [] }).quarantine, undefined);
  });

  it("refuses an unknown zone, an unknown workload and an unmanaged zone, each with its fix", () => {
    const got = issues({ ...base(), quarantine: [{ target: "ap", reason: "r", since: "2026-12-06" }, { target: "app/apii", reason: "r", since: "2026-12-06" }, { target: "ingress-nginx", reason: "r", since: "2026-12-06" }, { target: "app/api/x", reason: "r", since: "2026-12-06" }] });
    assert.deepEqual(got.map((i) => i.path), ["quarantine[0].target", "quarantine[1].target", "quarantine[2].target", "quarantine[3].target"]);
    assert.match(got[0].fix!, /did you mean "app"/);
    assert.match(got[1].fix!, /did you mean "app\/api"/);
    assert.match(got[2].message, /managed: false/);
    assert.equal(got[3].value, "app/api/x");
  });

  it("refuses an empty reason, a date that is not ISO 8601 or not a real day, a twice-named target", () => {
    // A reason is required (a shape error: the whole-document checks wait until the shape is right).
    assert.deepEqual(issues({ ...base(), quarantine: [{ target: "app", reason: "  ", since: "2026-12-06" }] }).map((i) => i.path), ["quarantine[0].reason"]);
    const got = issues({ ...base(), quarantine: [{ target: "app", reason: "r", since: "2026-12-06" }, { target: "data", reason: "r", since: "06/12/2026" }, { target: "edge", reason: "r", since: "2026-02-30" }, { target: "edge", reason: "r", since: "2026-12-06" }] });
    const by = (p: string) => got.filter((i) => i.path === p);
    assert.equal(by("quarantine[0].since").length, 0);
    assert.equal(by("quarantine[1].since")[0].value, "06/12/2026");
    assert.match(by("quarantine[1].since")[0].fix!, /2026-12-06/);
    assert.equal(by("quarantine[2].since").length, 1);
    assert.match(by("quarantine[3].target")[0].message, /already quarantined by quarantine\[2\]/);
  });

  it("refuses an unknown dns mode and an unknown field", () => {
    const got = issues({ ...base(), quarantine: [{ target: "app", reason: "r", since: "2026-12-06", dns: "off", until: "x" }] });
    assert.ok(got.some((i) => i.path === "quarantine[0].dns"), JSON.stringify(got));
    assert.ok(got.some((i) => i.path.startsWith("quarantine[0]") && /until/.test(`${i.path} ${i.message}`)), JSON.stringify(got));
  });

  it("isIsoDate agrees with the calendar on random days and times (reference: Date in UTC)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), (y, m, d, h, mi) => {
        const pad = (n: number) => String(n).padStart(2, "0");
        const day = `${y}-${pad(m)}-${pad(d)}`;
        const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
        assert.equal(isIsoDate(day), real, day);
        assert.equal(isIsoDate(`${day}T${pad(h)}:${pad(mi)}Z`), real && h <= 23 && mi <= 59, `${day}T${pad(h)}:${pad(mi)}Z`);
      }),
    );
    for (const bad of ["2026-1-06", "2026-12-06T07:40", "2026-12-06 07:40:00Z", "20261206", "2026-12-06T07:40:00+0100", ""]) assert.equal(isIsoDate(bad), false, bad);
  });
});

const FILE = `# the shop
name: shop   # kept
addressSpace: 10.20.0.0/16
zones:
  - { name: edge, internet: inbound, egress: nat }
  - name: app
    egress: proxy
    workloads: [{ name: api }]
flows:
  # edge talks to app
  - { from: edge, to: app, ports: [tcp/8080] }
`;

/** Characters a one-line YAML scalar can carry as they are (control characters and line breaks aside). */
const printable = (ch: string) => {
  const c = ch.codePointAt(0)!;
  return c >= 0x20 && !(c >= 0x7f && c <= 0x9f) && c !== 0x2028 && c !== 0x2029 && c !== 0xfeff;
};

describe("intent: quarantine entries written and lifted in place", () => {
  it("adds the list at the end, keeping every other byte, and lifting gives the file back", () => {
    const out = addQuarantine(FILE, { target: "app", reason: "INC-4711", since: "2026-12-06" });
    assert.ok(out.startsWith(FILE), out);
    assert.equal(out.slice(FILE.length), "quarantine:\n  - target: app\n    reason: INC-4711\n    since: 2026-12-06\n");
    assert.equal(liftQuarantine(out, "app"), FILE);
  });

  it("appends to an existing block list at its indentation and lifts either entry alone", () => {
    const one = addQuarantine(FILE, { target: "app", reason: "INC-1", since: "2026-12-06" });
    const two = addQuarantine(one, { target: "app/api", reason: "INC-2", since: "2026-12-06T08:00:00Z", dns: "cut" });
    assert.deepEqual(parseIntentText(two).quarantine?.map((q) => [q.target, q.dns]), [["app", "keep"], ["app/api", "cut"]]);
    assert.equal(liftQuarantine(two, "app/api"), one);
    const withoutFirst = liftQuarantine(two, "app");
    assert.deepEqual(parseIntentText(withoutFirst).quarantine?.map((q) => q.target), ["app/api"]);
    assert.ok(withoutFirst.startsWith(FILE));
  });

  it("fills an empty flow list and appends to a flow list", () => {
    const empty = `${FILE}quarantine: []\n`;
    const out = addQuarantine(empty, { target: "edge", reason: "r", since: "2026-12-06" });
    assert.deepEqual(parseIntentText(out).quarantine?.map((q) => q.target), ["edge"]);
    assert.ok(out.startsWith(FILE));
    const flow = `${FILE}quarantine: [{ target: edge, reason: r, since: 2026-12-06 }]\n`;
    const more = addQuarantine(flow, { target: "app", reason: "s", since: "2026-12-07" });
    assert.deepEqual(parseIntentText(more).quarantine?.map((q) => q.target), ["edge", "app"]);
    assert.equal(liftQuarantine(more, "app"), flow);
  });

  it("writes JSON intents as JSON", () => {
    const json = JSON.stringify({ name: "shop", addressSpace: "10.20.0.0/16", zones: [{ name: "app" }] }, null, 2) + "\n";
    const out = addQuarantine(json, { target: "app", reason: "r", since: "2026-12-06" });
    assert.deepEqual(JSON.parse(out).quarantine, [{ target: "app", reason: "r", since: "2026-12-06" }]);
    assert.equal(liftQuarantine(out, "app"), json);
  });

  it("refuses a target quarantined twice, a lift of what is not quarantined, and a bad target, writing nothing", () => {
    const one = addQuarantine(FILE, { target: "app", reason: "r", since: "2026-12-06" });
    assert.throws(() => addQuarantine(one, { target: "app", reason: "r", since: "2026-12-06" }), /quarantined already/);
    assert.throws(() => liftQuarantine(FILE, "app"), /not quarantined/);
    assert.throws(() => addQuarantine(FILE, { target: "apx", reason: "r", since: "2026-12-06" }), (e: unknown) => e instanceof IntentError && e.issues.some((i) => i.path === "quarantine[0].target"));
  });

  it("any reason survives the round trip exactly (quotes, colons, #, unicode), and lifting restores the file", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0 && s.trim() === s && [...s].every((ch) => printable(ch))), (reason) => {
        const out = addQuarantine(FILE, { target: "app/api", reason, since: "2026-12-06" });
        assert.equal(parseIntentText(out).quarantine?.[0].reason, reason);
        assert.equal(liftQuarantine(out, "app/api"), FILE);
      }),
      { numRuns: 200 },
    );
  });
});
