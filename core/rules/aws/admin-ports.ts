/**
 * Admin ports closed to the internet in front of a NACL's return-traffic allow.
 *
 * A stateless NACL lets replies in on ephemeral ports (1024-65535) from wherever the request
 * went, which for the internet is `0.0.0.0/0`, and that range holds RDP's 3389. Scanners and
 * netseg's own pack (`netseg-aws-nacl-no-internet-admin-ports`) rightly flag it, and AWS's own
 * advice is the fix used here: explicit deny entries for the admin ports from the internet,
 * numbered before the broad allow. The price is that a reply arriving on port 3389 itself is
 * dropped; Linux and Windows clients never pick it (their ephemeral ranges start at 32768 and
 * 49152), and a NAT gateway, which may, simply retries on another port.
 *
 * An admin port that the intent asks for from the internet (a `request`) is not denied: the
 * intent said so, and the policy pack reports that exposure where it belongs.
 * One helper for every NACL netseg writes: the zones' (core/rules/aws/nacl.ts) and the egress
 * path's (components/aws/egress/path.ts).
 */
import { TrafficSet, type PortSpec } from "../../net/ports";

/** The ports denied from the internet: SSH and RDP, as the policy pack checks by default. */
export const INTERNET_ADMIN_PORTS: readonly PortSpec[] = [
  { protocol: "tcp", from: 22, to: 22 },
  { protocol: "tcp", from: 3389, to: 3389 },
];

const ADMIN = TrafficSet.fromSpecs(INTERNET_ADMIN_PORTS);

/**
 * The admin ports to deny from the internet, in port order: those the NACL's internet-wide
 * ingress allows would open (`internetAllowed`), minus any the intent requests from the
 * internet (`requested`). Empty when nothing needs closing.
 */
export function internetAdminDenies(internetAllowed: TrafficSet, requested: TrafficSet = TrafficSet.EMPTY): PortSpec[] {
  return internetAllowed.intersect(ADMIN).subtract(requested).toSpecs();
}
