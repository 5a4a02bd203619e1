/**
 * Tags on everything the SegmentedVpc creates: the user's, netseg's own marks (managed-by,
 * intent, role) and, on zoned resources, the zone marks the policy packs read. The Name tag
 * carries the display name; logical names never do.
 */
import { MANAGED_BY, TAG, zoneMarks } from "../../../core/tags";
import type { Intent, Zone } from "../../../core/intent";

export type Tags = Record<string, string>;

export class VpcTags {
  constructor(
    private readonly name: string,
    private readonly intent: Intent,
    private readonly extra: Readonly<Tags> = {},
  ) {}

  /** Tags of a resource that belongs to no zone (VPC, gateways, flow logs). */
  shared(role: string, key?: string): Tags {
    return { ...this.extra, [TAG.aws.managedBy]: MANAGED_BY, [TAG.aws.intent]: this.intent.name, [TAG.aws.role]: role, Name: key ? `${this.name}-${key}` : this.name };
  }

  /** Tags of a zone's resource (subnet, route table, NACL, security group and its rules). */
  zoned(zone: Zone, role: string, key: string): Tags {
    const marks = zoneMarks("aws", { intent: this.intent.name, zone: zone.name, internet: zone.internet, egress: zone.egress, sensitive: zone.sensitive });
    return { ...this.extra, ...marks, [TAG.aws.role]: role, Name: `${this.name}-${key}` };
  }
}
