/**
 * GCP firewall rules (`gcp:compute/firewall:Firewall`) as plain data, with GCP's defaults made
 * explicit: direction INGRESS, priority 1000, and, when no source is named at all, sources
 * 0.0.0.0/0 (ingress) or destinations 0.0.0.0/0 (egress): the rules the anchors miss because
 * nothing in them says "0.0.0.0/0".
 */
import { CidrSet, TrafficSet } from "../net";
import { cidrList, invalidCidrProblem, type KnownCidrs } from "./addresses";
import { bool, field, isUnknown, items, num, str, strings, UNKNOWN, type PlainObject, type Unknown } from "./plain";
import { gcpTraffic, showValue } from "./traffic";

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
  /**
   * Malformed values (ports, protocols, ranges, direction, priority), each naming its field and
   * value; GCP would reject the rule. `widestAllow` is what its allow blocks could mean at most.
   */
  readonly problems: readonly string[];
  readonly widestAllow: TrafficSet;
}

function blocks(v: PlainObject[string], key: string): { traffic: TrafficSet; complete: boolean; widest: TrafficSet; problems: string[] } {
  const l = items(v);
  let traffic = TrafficSet.EMPTY;
  let widest = TrafficSet.EMPTY;
  let complete = !l.unknown;
  const problems: string[] = [];
  if (v !== undefined && v !== null && !isUnknown(v) && !Array.isArray(v)) problems.push(`${key} ${showValue(v)} is not a list of { protocol, ports } blocks`);
  l.known.forEach((b, i) => {
    if (isUnknown(b)) {
      complete = false;
      return;
    }
    const t = gcpTraffic(field(b, "protocol"), field(b, "ports"));
    traffic = traffic.union(t.traffic);
    widest = widest.union(t.widest ?? t.traffic);
    complete = complete && t.complete;
    if (t.malformed) problems.push(`${key}[${i}]: ${t.malformed}`);
  });
  if (problems.length > 0 && widest.isEmpty()) widest = TrafficSet.ALL;
  return { traffic, complete, widest, problems };
}

function directionProblem(v: PlainObject[string]): string[] {
  const d = str(v);
  if (v === undefined || v === null || d === UNKNOWN || d === "INGRESS" || d === "EGRESS") return [];
  return [`direction ${showValue(v)} is neither "INGRESS" nor "EGRESS"`];
}

function priorityProblem(v: PlainObject[string]): string[] {
  const n = num(v);
  if (v === undefined || v === null || n === UNKNOWN || (typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 65535)) return [];
  return [`priority ${showValue(v)} is not a whole number from 0 to 65535`];
}

export function normaliseFirewall(props: PlainObject): GcpFirewall {
  const d = str(props.direction);
  const direction = d === UNKNOWN ? UNKNOWN : d === "EGRESS" ? "EGRESS" : "INGRESS";
  const allow = blocks(props.allows, "allows");
  const deny = blocks(props.denies, "denies");
  const disabled = bool(props.disabled);
  const priority = priorityProblem(props.priority).length > 0 ? UNKNOWN : num(props.priority);
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
    problems: [
      ...directionProblem(props.direction),
      ...priorityProblem(props.priority),
      ...allow.problems,
      ...deny.problems,
      ...named.invalid.map((c) => `${direction === "EGRESS" ? "destinationRanges" : "sourceRanges"}: ${invalidCidrProblem(c)}`),
    ],
    widestAllow: allow.widest,
  };
}
