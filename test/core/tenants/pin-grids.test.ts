/**
 * `netseg plan --pin` on a fleet whose grids are derived (an intent written before
 * tenants.addressing existed): it writes the grids it has today, nothing moves, and from then on
 * a zone added past the grid is refused instead of silently re-cutting every tenant's subnets.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { IntentError, parseIntentText, pinSlots, unpinnedSlots } from "../../../core/intent";
import { layoutOf } from "./example";

const EXAMPLE = readFileSync(path.resolve(__dirname, "../../../examples/saas-tenants/intent.yaml"), "utf8");

/** The example as written before the grids existed: no `addressing:`, no shared-services `zones:`. */
function legacyText(): string {
  const out = EXAMPLE.replace(/^ {2}addressing: .*\n/m, "").replace(/^ {4}addressing: .*\n {4}zones:\n {6}- \{ name: services, slot: 0 \}\n/m, "");
  assert.ok(!out.includes("addressing:") && !out.includes("name: services"), "the legacy text has no grids");
  return out;
}

describe("core/tenants pinning derived grids", () => {
  it("names each derived grid with the `addressing:` that keeps it", () => {
    assert.deepEqual(unpinnedSlots(parseIntentText(legacyText())), [
      "tenant grid: tenants.addressing is not written, so it follows the zone and AZ counts (now 4 zone slots x 2 AZ slots) and a zone or AZ added past them re-cuts every subnet it lays out: add `addressing: { zoneSlots: 4, azSlots: 2 }` under tenants",
      "shared-services grid: tenants.sharedServices.addressing is not written, so it follows the zone and AZ counts (now 2 zone slots x 2 AZ slots) and a zone or AZ added past them re-cuts every subnet it lays out: add `addressing: { zoneSlots: 2, azSlots: 2 }` under tenants.sharedServices",
    ]);
    assert.deepEqual(unpinnedSlots(parseIntentText(EXAMPLE)), [], "the example writes both grids and pins every slot");
  });

  it("writes today's grids into the file (one line each, nothing else changes) and moves no subnet", () => {
    const before = legacyText();
    const { text, pinned } = pinSlots(before, "intent.yaml");
    assert.deepEqual(pinned, ["tenant grid: addressing { zoneSlots: 4, azSlots: 2 }", "shared-services grid: addressing { zoneSlots: 2, azSlots: 2 }"]);
    assert.equal(text, before.replace("  blockPrefix: 20\n", "  blockPrefix: 20\n  addressing: { zoneSlots: 4, azSlots: 2 }\n").replace("    addressSpace: 10.64.0.0/20\n", "    addressSpace: 10.64.0.0/20\n    addressing: { zoneSlots: 2, azSlots: 2 }\n"));
    assert.deepEqual([...layoutOf(parseIntentText(text))], [...layoutOf(parseIntentText(before))]);
    assert.deepEqual(unpinnedSlots(parseIntentText(text)), []);
    assert.equal(pinSlots(text).text, text, "pinning a pinned file changes nothing");
  });

  it("after pinning, a template zone that does not fit is refused rather than re-cutting every tenant", () => {
    const pinned = pinSlots(legacyText()).text.replace("    - { name: data, slot: 2, sensitive: true }\n", "    - { name: data, slot: 2, sensitive: true }\n    - { name: cache }\n");
    assert.throws(
      () => parseIntentText(pinned, "intent.yaml"),
      (e: unknown) => e instanceof IntentError && e.issues.some((i) => i.path === "tenants.zones" && /^4 zones do not fit in 3 usable zone slots/.test(i.message)),
    );
  });

  it("pins grids and shared-services zones in a JSON intent, keeping it JSON", () => {
    const json = JSON.stringify(
      {
        name: "j",
        addressSpace: "10.0.0.0/16",
        zones: [{ name: "ops", slot: 0 }],
        tenants: {
          pool: "10.128.0.0/12",
          blockPrefix: 20,
          zones: [{ name: "web", slot: 0 }],
          sharedServices: { addressSpace: "10.64.0.0/20", ports: ["tcp/443"], addressing: { zoneSlots: 4, azSlots: 2 }, zones: [{ name: "services", slot: 0 }, { name: "auth" }] },
          members: [{ name: "acme", slot: 0 }],
        },
      },
      null,
      2,
    );
    const { text, pinned } = pinSlots(json, "intent.json");
    assert.deepEqual(pinned, ["shared-services zone auth: slot 1", "tenant grid: addressing { zoneSlots: 2, azSlots: 2 }"]);
    const parsed = JSON.parse(text);
    assert.deepEqual(parsed.tenants.addressing, { zoneSlots: 2, azSlots: 2 });
    assert.deepEqual(parsed.tenants.sharedServices.zones[1], { name: "auth", slot: 1 });
    assert.deepEqual(unpinnedSlots(parseIntentText(text)), []);
  });
});
