/**
 * A fleet deployed before `tenants.addressing` existed must keep every subnet after the upgrade.
 * The digests and the golden file were computed with the previous netseg (commit e4c37ed), from
 * examples/saas-tenants as it was then, that is without the two `addressing` fields.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseIntent, type IntentInput } from "../../../core/intent";
import { exampleInput, layoutOf } from "./example";

const digest = (m: Map<string, string>) => createHash("sha256").update(JSON.stringify([...m].sort())).digest("hex");

/** The example as it was before the grid could be written. */
function withoutGrids(): IntentInput {
  const input = exampleInput();
  delete input.tenants!.addressing;
  delete input.tenants!.sharedServices.addressing;
  delete input.tenants!.sharedServices.zones;
  return input;
}

describe("core/tenants layout of intents without tenants.addressing", () => {
  it("plans exactly the subnets, transit subnets and routes of the previous version (golden, 2 tenants)", () => {
    const input = withoutGrids();
    input.tenants!.members = input.tenants!.members.slice(0, 2);
    const golden = JSON.parse(readFileSync(path.join(__dirname, "legacy-layout.json"), "utf8")) as Record<string, string>;
    const now = Object.fromEntries([...layoutOf(parseIntent(input))].filter(([k]) => !k.startsWith("flow ")).sort());
    assert.deepEqual(now, golden);
  });

  it("plans the whole 50-tenant example as the previous version did (digest)", () => {
    assert.equal(digest(layoutOf(parseIntent(withoutGrids()))), "96e41dc051471f8d4558658124beceae0bf18e46dde238aca037b9d63b882883");
  });

  it("derives the same grid as the previous version for 5 template zones and 3 AZs (digest)", () => {
    const input = withoutGrids();
    input.tenants!.availabilityZones = 3;
    input.tenants!.zones.push({ name: "cache" }, { name: "batch" });
    assert.equal(digest(layoutOf(parseIntent(input))), "fddda98b5d2b51713b71a0ff4f0cc89f1f93fe70cdc7000cbbe4ec600f7e6354");
  });

  it("reports the derived grid as not pinned, and the written one as pinned", () => {
    const derived = parseIntent(withoutGrids()).tenants!;
    assert.deepEqual([derived.addressing, derived.addressingPinned], [{ zoneSlots: 4, azSlots: 2 }, false]);
    assert.deepEqual([derived.sharedServices.addressing, derived.sharedServices.addressingPinned], [{ zoneSlots: 2, azSlots: 2 }, false]);
    const written = parseIntent(exampleInput()).tenants!;
    assert.deepEqual([written.addressing, written.addressingPinned], [{ zoneSlots: 8, azSlots: 4 }, true]);
    assert.deepEqual([written.sharedServices.addressing, written.sharedServices.addressingPinned], [{ zoneSlots: 4, azSlots: 4 }, true]);
  });

  it("writing the derived grid down keeps every subnet", () => {
    const input = withoutGrids();
    const before = layoutOf(parseIntent(input));
    input.tenants!.addressing = { zoneSlots: 4, azSlots: 2 };
    input.tenants!.sharedServices.addressing = { zoneSlots: 2, azSlots: 2 };
    assert.deepEqual([...layoutOf(parseIntent(input))], [...before]);
  });
});
