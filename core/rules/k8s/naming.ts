/**
 * Object names derived only from stable keys (zone and workload names), so that reordering the
 * intent never renames, and so replaces, a policy. A workload's objects are `<workload>-<kind>`
 * (matching the hand-written convention `frontend-policy`); a whole zone's are
 * `zone-<zone>-<kind>`.
 */
import type { Zone } from "../../intent";

export type ObjectKind = "policy" | "authz" | "fqdn";

export interface Target {
  readonly zone: string;
  readonly workload?: string;
}

export const DEFAULT_DENY_NAME = "default-deny-all";
export const DNS_POLICY_NAME = "allow-dns";
export const EGRESS_PROXY_POLICY_NAME = "netseg-egress-proxy-policy";
export const PEER_AUTHENTICATION_NAME = "default";
export const ALLOW_NOTHING_NAME = "allow-nothing";

export function objectName(t: Target, kind: ObjectKind): string {
  return t.workload ? `${t.workload}-${kind}` : `zone-${t.zone}-${kind}`;
}

export function targetKey(t: Target): string {
  return t.workload ? `${t.zone}/${t.workload}` : t.zone;
}

/** Every NetworkPolicy-style name a zone may own, with who owns it, for collision checks. */
export function policyNames(z: Zone): { object: string; owner: string }[] {
  const out = [
    { object: DEFAULT_DENY_NAME, owner: "netseg's default deny" },
    { object: DNS_POLICY_NAME, owner: "netseg's DNS policy" },
    { object: EGRESS_PROXY_POLICY_NAME, owner: "netseg's egress proxy policy" },
  ];
  for (const kind of ["policy", "authz", "fqdn"] as const) {
    out.push({ object: objectName({ zone: z.name }, kind), owner: `zone "${z.name}"` });
    for (const w of z.workloads) out.push({ object: objectName({ zone: z.name, workload: w.name }, kind), owner: `workload "${w.name}"` });
  }
  return out;
}
