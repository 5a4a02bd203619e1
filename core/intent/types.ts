/**
 * The normalised intent every planner consumes: defaults filled, port specs parsed, endpoints
 * resolved, whole-document checks passed. Plain data only.
 */
import type { PortSpec } from "../net/ports";

export type InternetExposure = "none" | "inbound";
export type EgressMode = "none" | "nat" | "proxy";

export interface Workload {
  readonly name: string;
  /** Pod labels selecting the workload; `{ app: name }` unless given. */
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount?: string;
}

export interface Zone {
  readonly name: string;
  readonly internet: InternetExposure;
  readonly egress: EgressMode;
  readonly sensitive: boolean;
  /** Address slot, resolved (explicit or first free in declared order). */
  readonly slot: number;
  /** True when the intent pins the slot; an unpinned zone's slot depends on declaration order. */
  readonly slotPinned?: boolean;
  /** false: exists already, referenced but not created. */
  readonly managed: boolean;
  readonly workloads: readonly Workload[];
}

export interface Peer {
  readonly name: string;
  /** Canonical CIDR texts. */
  readonly cidrs: readonly string[];
  readonly description?: string;
}

export type Endpoint =
  | { readonly kind: "internet" }
  | { readonly kind: "peer"; readonly peer: string; readonly cidrs: readonly string[] }
  | { readonly kind: "zone"; readonly zone: string; readonly workload?: string };

export interface HttpMatch {
  readonly methods?: readonly string[];
  readonly paths?: readonly string[];
}

export interface Flow {
  /** Stable identity: `from->to`, endpoints spelled as in the intent. */
  readonly key: string;
  readonly from: Endpoint;
  readonly to: Endpoint;
  /** Merged: adjacent and overlapping ranges joined. */
  readonly ports: readonly PortSpec[];
  readonly description: string;
  readonly http?: HttpMatch;
}

export interface EgressDestination {
  /** Lower-case host; a leading `*.` matches any subdomain (not the apex). */
  readonly host: string;
  readonly port: number;
  readonly wildcard: boolean;
}

export interface EgressAllowList {
  readonly zone: string;
  readonly workload?: string;
  readonly destinations: readonly EgressDestination[];
}

export interface Tenant {
  readonly name: string;
  readonly slot: number;
  /** True when the intent pins the slot. */
  readonly slotPinned?: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

export interface TenantsIntent {
  readonly pool: string;
  readonly blockPrefix: number;
  readonly availabilityZones: number;
  /** The zone slots x AZ slots every tenant block is cut into. */
  readonly addressing: Addressing;
  /** False when the intent leaves `tenants.addressing` out and the grid is derived from today's counts. */
  readonly addressingPinned: boolean;
  readonly zones: readonly Zone[];
  readonly flows: readonly Flow[];
  readonly sharedServices: SharedServices;
  readonly members: readonly Tenant[];
}

export interface SharedServices {
  readonly addressSpace: string;
  readonly ports: readonly PortSpec[];
  /** Each reachable from every tenant on `ports`. */
  readonly zones: readonly Zone[];
  readonly addressing: Addressing;
  /** False when the intent leaves `tenants.sharedServices.addressing` out (the grid of earlier versions). */
  readonly addressingPinned: boolean;
}

export interface Addressing {
  readonly zoneSlots: number;
  readonly azSlots: number;
}

/** A target isolated during an incident: cut both ways on every platform, over the intent's flows. */
export interface Quarantine {
  /** As written: `zone` or `zone/workload`. */
  readonly target: string;
  readonly zone: string;
  readonly workload?: string;
  readonly reason: string;
  /** ISO 8601 date or date-time, as written. */
  readonly since: string;
  /** `keep`: name resolution stays open; `cut`: denied too, where the platform can deny it. */
  readonly dns: "keep" | "cut";
}

export interface Intent {
  readonly name: string;
  readonly addressSpace: string;
  readonly availabilityZones: number;
  readonly addressing: Addressing;
  readonly zones: readonly Zone[];
  readonly peers: readonly Peer[];
  readonly flows: readonly Flow[];
  readonly egress: readonly EgressAllowList[];
  readonly tenants?: TenantsIntent;
  /** Quarantined targets, in the order written; absent or empty when none. */
  readonly quarantine?: readonly Quarantine[];
}

export function endpointKey(e: Endpoint): string {
  switch (e.kind) {
    case "internet":
      return "internet";
    case "peer":
      return e.peer;
    case "zone":
      return e.workload ? `${e.zone}/${e.workload}` : e.zone;
  }
}

/**
 * The quarantined targets as a short markdown list (target, since, reason, DNS), for the on-call
 * dashboards' panel: what is cut off by intent, read from the intent itself, so it is right the
 * moment the change is deployed and needs no metric to be published.
 */
export function quarantineMarkdown(entries: readonly Quarantine[] | undefined): string {
  if (!entries?.length) return "No target is quarantined. `netseg isolate <intent> <zone[/workload]> --reason ...` adds one.";
  const cell = (s: string) => s.replace(/[|\n\r]/g, " ");
  const rows = entries.map((q) => `| ${cell(q.target)} | ${cell(q.since)} | ${cell(q.reason)} | ${q.dns} |`);
  return ["| target | since | reason | DNS |", "|---|---|---|---|", ...rows, "", "`netseg isolate <intent> <target> --lift` lifts one."].join("\n");
}
