/**
 * Hostile and mistaken tenant grids: every one is refused at parse time with the field, the
 * value, what is expected and the fix, never planned into overlapping, missing or moved subnets.
 */
import assert from "node:assert/strict";
import { IntentError, parseIntent, type IntentInput } from "../../core/intent";
import { exampleInput } from "../core/tenants/example";

type Edit = (i: IntentInput) => void;

/** The example without its written grids: the layout derived as earlier versions did. */
const derived: Edit = (i) => {
  delete i.tenants!.addressing;
  delete i.tenants!.sharedServices.addressing;
  delete i.tenants!.sharedServices.zones;
};

function issuesOf(...edits: Edit[]): IntentError["issues"] {
  const input = exampleInput();
  for (const e of edits) e(input);
  try {
    parseIntent(input);
  } catch (e) {
    assert.ok(e instanceof IntentError, `an IntentError, not ${String(e)}`);
    return e.issues;
  }
  assert.fail("the intent was accepted");
}

function issueAt(path: string, ...edits: Edit[]) {
  const issues = issuesOf(...edits);
  const found = issues.find((i) => i.path === path);
  assert.ok(found, `an issue at ${path}; got ${issues.map((i) => `${i.path}: ${i.message}`).join(" | ")}`);
  return found;
}

describe("hostile: tenant and shared-services grids", () => {
  it("refuses a zoneSlots that is not a power of two", () => {
    const i = issueAt("tenants.addressing.zoneSlots", (x) => (x.tenants!.addressing = { zoneSlots: 6, azSlots: 4 }));
    assert.deepEqual([i.value, i.message], [6, "must be a power of two of at least 2"]);
    assert.match(i.fix!, /use 4, 8 or 16/);
  });

  it("refuses an azSlots that is not a power of two", () => {
    const i = issueAt("tenants.sharedServices.addressing.azSlots", (x) => (x.tenants!.sharedServices.addressing = { zoneSlots: 4, azSlots: 3 }));
    assert.deepEqual([i.value, i.message], [3, "must be a power of two"]);
  });

  for (const [what, value] of [["zero", 0], ["negative", -8], ["fractional", 4.5], ["huge", 2 ** 40], ["text", "8"]] as const) {
    it(`refuses a ${what} zoneSlots at the field`, () => {
      issueAt("tenants.addressing.zoneSlots", (x) => (x.tenants!.addressing = { zoneSlots: value as number, azSlots: 4 }));
    });
  }

  it("refuses unknown keys in a grid and a grid with a field missing", () => {
    const unknown = issueAt("tenants.addressing", (x) => ((x.tenants as Record<string, unknown>).addressing = { zoneSlots: 8, azSlots: 4, subnetBits: 3 }));
    assert.match(unknown.fix!, /remove "subnetBits"/);
    issueAt("tenants.addressing.azSlots", (x) => ((x.tenants as Record<string, unknown>).addressing = { zoneSlots: 8 }));
  });

  it("refuses more availability zones than AZ slots, naming the slot field and the cost of raising it", () => {
    const issues = issuesOf((x) => (x.tenants!.availabilityZones = 5)).filter((i) => i.path === "tenants.availabilityZones");
    assert.deepEqual(
      issues.map((i) => [i.value, i.message]),
      [
        [5, "5 availability zones do not fit in 4 AZ slots per zone (tenants.sharedServices.addressing.azSlots)"],
        [5, "5 availability zones do not fit in 4 AZ slots per zone (tenants.addressing.azSlots)"],
      ],
    );
    assert.match(issues[1].fix!, /use at most 4, or raise tenants\.addressing\.azSlots .*re-cuts every existing subnet/);
  });

  it("refuses more template zones than usable zone slots (the last is the infrastructure block)", () => {
    const i = issueAt("tenants.zones", (x) => x.tenants!.zones.push(...["a", "b", "c", "d", "e"].map((name) => ({ name }))));
    assert.equal(i.value, 8);
    assert.equal(i.message, "8 zones do not fit in 7 usable zone slots (tenants.addressing.zoneSlots is 8; the last slot holds netseg's infrastructure subnets)");
    assert.match(i.fix!, /raise tenants\.addressing\.zoneSlots .*migration/);
  });

  it("refuses a template zone pinned to the infrastructure slot", () => {
    const i = issueAt("tenants.zones[2].slot", (x) => (x.tenants!.zones[2].slot = 7));
    assert.equal(i.value, 7);
    assert.match(i.fix!, /tenants\.addressing\.zoneSlots/);
  });

  it("without a written grid, refuses a template zone pinned onto the infrastructure block (it used to overlap the transit subnets)", () => {
    const i = issueAt("tenants.zones[2].slot", derived, (x) => (x.tenants!.zones[2].slot = 3));
    assert.match(i.message, /slot must be below 3/);
  });

  it("without a written grid, refuses a template zone pinned outside the block (it used to crash the planner)", () => {
    issueAt("tenants.zones[2].slot", derived, (x) => (x.tenants!.zones[2].slot = 7));
  });

  it("refuses a grid that leaves the transit subnets below /28", () => {
    const i = issueAt("tenants.blockPrefix", (x) => (x.tenants!.blockPrefix = 24));
    assert.equal(i.message, "a /24 tenant block cut into 8 zone slots x 4 AZ slots gives /29 subnets and /31 transit subnets; the smallest AWS subnet is /28");
    assert.equal(i.fix, "use a blockPrefix of 21 or less, or fewer slots in tenants.addressing");
  });

  it("without a written grid, refuses a block too small for transit subnets (it used to fail only when deploying)", () => {
    const i = issueAt("tenants.blockPrefix", derived, (x) => (x.tenants!.blockPrefix = 24));
    assert.equal(i.fix, "use a blockPrefix of 23 or less");
  });

  it("refuses a shared-services address space too small for its grid", () => {
    const i = issueAt("tenants.sharedServices.addressSpace", (x) => (x.tenants!.sharedServices.addressSpace = "10.64.0.0/25"));
    assert.match(i.message, /^10\.64\.0\.0\/25 cut into 4 zone slots x 4 AZ slots gives \/29 subnets/);
    assert.equal(i.fix, "use a /22 or larger addressSpace, or fewer slots in tenants.sharedServices.addressing");
  });

  it("refuses a second shared-services zone without a written grid (the derived one has room for one)", () => {
    const i = issueAt("tenants.sharedServices.zones", derived, (x) => (x.tenants!.sharedServices.zones = [{ name: "services", slot: 0 }, { name: "auth" }]));
    assert.match(i.message, /^2 zones do not fit in 1 usable zone slots \(tenants\.sharedServices\.addressing\.zoneSlots is 2/);
  });

  it("refuses a shared-services zone named like the tenant pool, twice-declared zones, and an empty list", () => {
    const reserved = issueAt("tenants.sharedServices.zones[1].name", (x) => (x.tenants!.sharedServices.zones = [{ name: "services", slot: 0 }, { name: "tenants" }]));
    assert.match(reserved.message, /"tenants" is the shared-services VPC's name for the tenant pool/);
    issueAt("tenants.sharedServices.zones[1].name", (x) => (x.tenants!.sharedServices.zones = [{ name: "services" }, { name: "services" }]));
    issueAt("tenants.sharedServices.zones", (x) => (x.tenants!.sharedServices.zones = []));
  });

  it("reports every grid problem in one run", () => {
    const issues = issuesOf((x) => {
      x.tenants!.addressing = { zoneSlots: 6, azSlots: 2 };
      x.tenants!.availabilityZones = 3;
      x.tenants!.sharedServices.addressing = { zoneSlots: 4, azSlots: 5 };
    });
    assert.deepEqual(issues.map((i) => i.path).sort(), ["tenants.addressing.zoneSlots", "tenants.availabilityZones", "tenants.sharedServices.addressing.azSlots"].sort());
  });
});
