/**
 * How netseg marks what it creates, on every platform. Policy packs read these marks to learn a
 * resource's zone and the zone's role without the intent; hand-written resources can carry the
 * same marks (or a user-chosen tag, see the packs' `zoneTag` option) to be judged the same way.
 */
export const TAG = {
  /** AWS tags (free-form keys). */
  aws: {
    managedBy: "netseg:managed-by",
    intent: "netseg:intent",
    zone: "netseg:zone",
    exposure: "netseg:internet",
    egress: "netseg:egress",
    sensitive: "netseg:sensitive",
    tenant: "netseg:tenant",
    role: "netseg:role",
  },
  /** GCP labels: lower-case keys, no ':' or '/'. */
  gcp: {
    managedBy: "netseg-managed-by",
    intent: "netseg-intent",
    zone: "netseg-zone",
    exposure: "netseg-internet",
    egress: "netseg-egress",
    sensitive: "netseg-sensitive",
    tenant: "netseg-tenant",
    role: "netseg-role",
  },
  /** Kubernetes labels (DNS-prefixed keys). */
  k8s: {
    managedBy: "app.kubernetes.io/managed-by",
    intent: "netseg.dev/intent",
    zone: "netseg.dev/zone",
    exposure: "netseg.dev/internet",
    egress: "netseg.dev/egress",
    sensitive: "netseg.dev/sensitive",
    tenant: "netseg.dev/tenant",
    role: "netseg.dev/role",
  },
} as const;

export const MANAGED_BY = "netseg";

export type Platform = keyof typeof TAG;

export interface ZoneMarks {
  readonly intent: string;
  readonly zone: string;
  readonly internet: "none" | "inbound";
  readonly egress: "none" | "nat" | "proxy";
  readonly sensitive: boolean;
}

/** The marks of a zone as tags/labels for one platform. */
export function zoneMarks(platform: Platform, m: ZoneMarks): Record<string, string> {
  const t = TAG[platform];
  return {
    [t.managedBy]: MANAGED_BY,
    [t.intent]: m.intent,
    [t.zone]: m.zone,
    [t.exposure]: m.internet,
    [t.egress]: m.egress,
    [t.sensitive]: String(m.sensitive),
  };
}

/** Reads zone marks back from tags/labels; undefined when the resource carries no zone. */
export function readZoneMarks(platform: Platform, tags: Readonly<Record<string, unknown>> | undefined, zoneTag?: string): Partial<ZoneMarks> & { zone?: string } {
  const t = TAG[platform];
  const get = (k: string) => (tags && typeof tags[k] === "string" ? (tags[k] as string) : undefined);
  const internet = get(t.exposure);
  const egress = get(t.egress);
  return {
    zone: get(zoneTag ?? t.zone) ?? get(t.zone),
    intent: get(t.intent),
    internet: internet === "inbound" || internet === "none" ? internet : undefined,
    egress: egress === "none" || egress === "nat" || egress === "proxy" ? egress : undefined,
    sensitive: get(t.sensitive) === undefined ? undefined : get(t.sensitive) === "true",
  };
}
