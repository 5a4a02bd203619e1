/** Shared by the GCP firewall rules: the enabled allow traffic a rule opens to the internet. */
import type { TrafficSet } from "../../../core/net";
import { normaliseFirewall, type GcpFirewall, type PlainObject } from "../../../core/resources";

export interface WorldAllow {
  readonly fw: GcpFirewall;
  readonly traffic: TrafficSet;
  readonly ranges: string;
}

/** The traffic an enabled firewall rule of `direction` certainly allows to or from the whole internet. */
export function worldAllow(props: PlainObject, direction: "INGRESS" | "EGRESS"): WorldAllow | undefined {
  const fw = normaliseFirewall(props);
  if (fw.direction !== direction || fw.disabled !== false || !fw.ranges.cidrs.isWorld() || fw.allow.isEmpty()) return undefined;
  const ranges = `${fw.ranges.cidrs}${fw.rangesDefaulted ? (direction === "INGRESS" ? " (no source named: GCP's default)" : " (no destination named: GCP's default)") : ""}`;
  return { fw, traffic: fw.allow, ranges };
}
