/**
 * GCP firewall rules (`gcp:compute/firewall:Firewall`) as plain data, with GCP's defaults made
 * explicit: direction INGRESS, priority 1000, and, when no source is named at all, sources
 * 0.0.0.0/0 (ingress) or destinations 0.0.0.0/0 (egress): the rules the anchors miss because
 * nothing in them says "0.0.0.0/0".
 */
import { CidrSet, TrafficSet } from "../net";
import { cidrList, type KnownCidrs } from "./addresses";
import { bool, field, items, num, str, strings, UNKNOWN, type PlainObject, type Unknown } from "./plain";
import { gcpTraffic } from "./traffic";

export const GCP_FIREWALL = "gcp:compute/firewall:Firewall";

export interface GcpFirewall {
  readonly direction: "INGRESS" | "EGRESS" | Unknown;
  readonly disabled: boolean | Unknown;
  readonly priority: number | Unknown;
  /** Certain allowed (or denied) traffic. */
  readonly allow: TrafficSet;
  readonly deny: TrafficSet;
  readonly trafficComplete: boolean;
  /** The peer addresses: sources for ingress, destinations for egress, defaults applied. */
  readonly ranges: KnownCidrs;
  /** The default range applied because no source or destination was named. */
  readonly rangesDefaulted: boolean;
  /** Source tags or service accounts (ingress) narrow the peers to instances, not addresses. */
  readonly instancePeers: boolean;
  readonly targets: { readonly tags: readonly string[]; readonly serviceAccounts: readonly string[] };
  /** false when a target list holds unknown values (the rule may apply to more instances). */
  readonly targetsComplete: boolean;
}

function blocks(v: PlainObject[string]): { traffic: TrafficSet; complete: boolean } {
  const l = items(v);
  let traffic = TrafficSet.EMPTY;
  let complete = !l.unknown;
  for (const b of l.known) {
    const t = gcpTraffic(field(b, "protocol"), field(b, "ports"));
    traffic = traffic.union(t.traffic);
    complete = complete && t.complete;
  }
  return { traffic, complete };
}

export function normaliseFirewall(props: PlainObject): GcpFirewall {
  const d = str(props.direction);
  const direction = d === UNKNOWN ? UNKNOWN : d === "EGRESS" ? "EGRESS" : "INGRESS";
  const allow = blocks(props.allows);
  const deny = blocks(props.denies);
  const disabled = bool(props.disabled);
  const priority = num(props.priority);
  const rangeProp = direction === "EGRESS" ? props.destinationRanges : props.sourceRanges;
  const sourceTags = strings(props.sourceTags);
  const sourceSas = strings(props.sourceServiceAccounts);
  const instancePeers = direction === "INGRESS" && (sourceTags.unknown || sourceSas.unknown || sourceTags.known.length + sourceSas.known.length > 0);
  const named = cidrList(rangeProp);
  const targetTags = strings(props.targetTags);
  const targetSas = strings(props.targetServiceAccounts);
  const rangesDefaulted = rangeProp === undefined || rangeProp === null || (Array.isArray(rangeProp) && rangeProp.length === 0);
  const ranges: KnownCidrs =
    direction === UNKNOWN
      ? { cidrs: CidrSet.EMPTY, complete: false, invalid: [] }
      : rangesDefaulted && !instancePeers
        ? { cidrs: CidrSet.fromCidrs(["0.0.0.0/0"]), complete: true, invalid: [] }
        : named;
  return {
    direction,
    disabled: disabled ?? false,
    priority: priority ?? 1000,
    allow: allow.traffic,
    deny: deny.traffic,
    trafficComplete: allow.complete && deny.complete,
    ranges,
    rangesDefaulted: rangesDefaulted && !instancePeers,
    instancePeers,
    targets: { tags: targetTags.known, serviceAccounts: targetSas.known },
    targetsComplete: !targetTags.unknown && !targetSas.unknown,
  };
}
