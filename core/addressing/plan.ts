/**
 * Stable address allocation.
 *
 * Why explicit slots rather than packing: the address space is cut once into `zoneSlots` equal
 * zone blocks and each zone block into `azSlots` equal subnets. A zone owns the block at its
 * slot (pinned in the intent, or the lowest free one in declared order), and the subnet of AZ
 * number i always sits at offset i in that block. So adding a zone takes a free block, adding
 * an AZ takes the next subnet inside each zone block, and nothing that exists ever moves. A
 * packing allocator would use space better but re-number subnets on growth, which replaces
 * them in AWS (a subnet's CIDR cannot change). The last zone slot is reserved for netseg's own
 * infrastructure subnets (egress firewall, proxies, transit attachments).
 */
import { cidr, subnetAt, type Cidr } from "../net/cidr";
import type { Intent, Zone } from "../intent/types";

export interface SubnetPlan {
  /** Stable logical key: `<zone>-az<n>`, n from 1. */
  readonly key: string;
  readonly zone: string;
  readonly azIndex: number;
  readonly cidr: string;
}

export interface ZoneBlock {
  readonly zone: string;
  readonly slot: number;
  readonly cidr: string;
  readonly subnets: readonly SubnetPlan[];
}

export type InfraPurpose = "firewall" | "transit" | "proxy";
const INFRA_PURPOSES: readonly InfraPurpose[] = ["firewall", "transit", "proxy"];

export interface InfraSubnetPlan {
  readonly key: string;
  readonly purpose: InfraPurpose;
  readonly azIndex: number;
  readonly cidr: string;
}

export interface AddressPlan {
  readonly addressSpace: string;
  readonly zoneBlockPrefix: number;
  readonly subnetPrefix: number;
  readonly zones: readonly ZoneBlock[];
  /** Every zone subnet, sorted by zone name then AZ. */
  readonly subnets: readonly SubnetPlan[];
  /** The reserved block for netseg's infrastructure subnets. */
  readonly infrastructureBlock: string;
  /** Infrastructure subnets by purpose, then AZ (empty when they would be smaller than /28). */
  readonly infrastructure: readonly InfraSubnetPlan[];
}

export function azKey(azIndex: number): string {
  return `az${azIndex + 1}`;
}

export function subnetKey(zone: string, azIndex: number): string {
  return `${zone}-${azKey(azIndex)}`;
}

function mustSubnet(parent: Cidr, prefix: number, index: number, what: string): Cidr {
  const s = subnetAt(parent, prefix, index);
  if (!s) throw new Error(`internal: ${what} /${prefix} #${index} does not fit ${parent.text}; the intent validation should have caught this`);
  return s;
}

export interface AddressLayout {
  readonly addressSpace: string;
  readonly zoneSlots: number;
  readonly azSlots: number;
  readonly availabilityZones: number;
  readonly zones: readonly Pick<Zone, "name" | "slot">[];
}

/** Plans the subnets of a layout (an intent, or a tenant's VPC). Pure and deterministic. */
export function planLayout(layout: AddressLayout): AddressPlan {
  const space = cidr(layout.addressSpace);
  const zoneBlockPrefix = space.prefix + Math.log2(layout.zoneSlots);
  const subnetPrefix = zoneBlockPrefix + Math.log2(layout.azSlots);
  const zones = [...layout.zones]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((z): ZoneBlock => {
      const block = mustSubnet(space, zoneBlockPrefix, z.slot, `zone block of "${z.name}"`);
      const subnets = Array.from({ length: layout.availabilityZones }, (_, az) => ({
        key: subnetKey(z.name, az),
        zone: z.name,
        azIndex: az,
        cidr: mustSubnet(block, subnetPrefix, az, `subnet of "${z.name}"`).text,
      }));
      return { zone: z.name, slot: z.slot, cidr: block.text, subnets };
    });
  const infraBlock = mustSubnet(space, zoneBlockPrefix, layout.zoneSlots - 1, "infrastructure block");
  const infraPrefix = subnetPrefix + 2;
  const infrastructure: InfraSubnetPlan[] = [];
  if (infraPrefix <= 28) {
    // Purpose first, then AZ: each purpose's subnets form one contiguous block, so a NACL or
    // firewall rule can name all of them (every AZ, present and future) with a single CIDR.
    INFRA_PURPOSES.forEach((purpose, i) => {
      const purposeBlock = mustSubnet(infraBlock, zoneBlockPrefix + 2, i, `${purpose} block`);
      for (let az = 0; az < layout.availabilityZones; az++) {
        infrastructure.push({ key: `${purpose}-${azKey(az)}`, purpose, azIndex: az, cidr: mustSubnet(purposeBlock, infraPrefix, az, `${purpose} subnet`).text });
      }
    });
  }
  return {
    addressSpace: space.text,
    zoneBlockPrefix,
    subnetPrefix,
    zones,
    subnets: zones.flatMap((z) => z.subnets),
    infrastructureBlock: infraBlock.text,
    infrastructure,
  };
}

export function planAddresses(intent: Intent): AddressPlan {
  return planLayout({
    addressSpace: intent.addressSpace,
    zoneSlots: intent.addressing.zoneSlots,
    azSlots: intent.addressing.azSlots,
    availabilityZones: intent.availabilityZones,
    zones: intent.zones,
  });
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}
