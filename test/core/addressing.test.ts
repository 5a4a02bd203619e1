import assert from "node:assert/strict";
import fc from "fast-check";
import { parseIntent, type IntentInput } from "../../core/intent";
import { planAddresses, type AddressPlan } from "../../core/addressing";
import { cidr, cidrContains, cidrsOverlap, formatAddress } from "../../core/net";

interface Layout {
  prefix: number;
  base: number;
  zoneSlotsLog: number;
  azSlotsLog: number;
  zones: number;
  azs: number;
}

/** Special-use space the intent refuses (0/8, 127/8, 169.254/16, 224/3); a /16 or smaller block is inside or outside it whole. */
const specialUse = (base: number) => base >>> 24 === 0 || base >>> 24 === 127 || base >>> 16 === 0xa9fe || base >>> 0 >= 0xe0000000;

/** Layouts the intent accepts: an AWS-sized VPC block (/16 or smaller), subnets no smaller than /28, zones and AZs within their slots. */
const layoutArb: fc.Arbitrary<Layout> = fc
  .record({ prefix: fc.integer({ min: 16, max: 24 }), base: fc.integer({ min: 0, max: 0xffffffff }), zoneSlotsLog: fc.integer({ min: 1, max: 5 }), azSlotsLog: fc.integer({ min: 0, max: 3 }) })
  .filter((l) => l.prefix + l.zoneSlotsLog + l.azSlotsLog <= 28 && !specialUse(l.base))
  .chain((l) =>
    fc.record({
      prefix: fc.constant(l.prefix),
      base: fc.constant(l.base),
      zoneSlotsLog: fc.constant(l.zoneSlotsLog),
      azSlotsLog: fc.constant(l.azSlotsLog),
      zones: fc.integer({ min: 1, max: 2 ** l.zoneSlotsLog - 1 }),
      azs: fc.integer({ min: 1, max: 2 ** l.azSlotsLog }),
    }),
  );

function space(l: Layout): string {
  const size = 2 ** (32 - l.prefix);
  const start = Math.floor(l.base / size) * size;
  return `${formatAddress(4, BigInt(start))}/${l.prefix}`;
}

function intentOf(l: Layout, zones = l.zones, azs = l.azs): IntentInput {
  return {
    name: "prop",
    addressSpace: space(l),
    availabilityZones: azs,
    addressing: { zoneSlots: 2 ** l.zoneSlotsLog, azSlots: 2 ** l.azSlotsLog },
    zones: Array.from({ length: zones }, (_, i) => ({ name: `z${i}` })),
  };
}

function allBlocks(p: AddressPlan): string[] {
  return [...p.subnets.map((s) => s.cidr), ...p.infrastructure.map((s) => s.cidr)];
}

describe("core/addressing (properties)", () => {
  it("never overlaps two subnets, and keeps every subnet inside its zone block and the space", () => {
    fc.assert(
      fc.property(layoutArb, (l) => {
        const plan = planAddresses(parseIntent(intentOf(l)));
        const blocks = allBlocks(plan).map((t) => cidr(t));
        assert.equal(plan.subnets.length, l.zones * l.azs);
        const whole = cidr(plan.addressSpace);
        for (let i = 0; i < blocks.length; i++) {
          assert.ok(cidrContains(whole, blocks[i]), `${blocks[i].text} inside ${whole.text}`);
          for (let j = i + 1; j < blocks.length; j++) assert.ok(!cidrsOverlap(blocks[i], blocks[j]), `${blocks[i].text} and ${blocks[j].text} overlap`);
        }
        for (const z of plan.zones) {
          for (const s of z.subnets) assert.ok(cidrContains(cidr(z.cidr), cidr(s.cidr)));
          assert.ok(!cidrsOverlap(cidr(z.cidr), cidr(plan.infrastructureBlock)), "the infrastructure block is reserved");
        }
      }),
      { numRuns: 200 },
    );
  });

  it("keeps every existing subnet (key and CIDR) when zones and AZs are added", () => {
    fc.assert(
      fc.property(
        layoutArb.chain((l) => fc.tuple(fc.constant(l), fc.integer({ min: l.zones, max: 2 ** l.zoneSlotsLog - 1 }), fc.integer({ min: l.azs, max: 2 ** l.azSlotsLog }))),
        ([l, moreZones, moreAzs]) => {
          const before = planAddresses(parseIntent(intentOf(l)));
          const after = planAddresses(parseIntent(intentOf(l, moreZones, moreAzs)));
          const afterByKey = new Map(after.subnets.map((s) => [s.key, s.cidr]));
          for (const s of before.subnets) assert.equal(afterByKey.get(s.key), s.cidr, `${s.key} moved`);
          const infraAfter = new Map(after.infrastructure.map((s) => [s.key, s.cidr]));
          for (const s of before.infrastructure) assert.equal(infraAfter.get(s.key), s.cidr, `${s.key} moved`);
          assert.equal(after.subnets.length, moreZones * moreAzs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps zones with pinned slots in place whatever is inserted before them", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 14 }), fc.integer({ min: 0, max: 100 }), (count, seed) => {
        const pinned = Array.from({ length: count }, (_, i) => ({ name: `z${i}`, slot: i + 1 }));
        const base: IntentInput = { name: "pin", addressSpace: "10.0.0.0/16", availabilityZones: 2, zones: pinned };
        const at = seed % (count + 1);
        const grown: IntentInput = { ...base, zones: [...pinned.slice(0, at), { name: "new" }, ...pinned.slice(at)] };
        const before = planAddresses(parseIntent(base));
        const after = new Map(planAddresses(parseIntent(grown)).subnets.map((s) => [s.key, s.cidr]));
        for (const s of before.subnets) assert.equal(after.get(s.key), s.cidr);
        assert.equal(after.get("new-az1"), "10.0.0.0/22", "the new zone takes the free slot 0");
      }),
    );
  });
});
