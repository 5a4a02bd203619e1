/**
 * Do the VPC's zone rules fit the egress backend? The two backends need opposite things from a
 * proxied zone's security group and NACL:
 * - a network firewall is transparent: the zone connects to the destination itself, so its rules
 *   must open the allow-listed ports towards the internet (by CIDR: a security-group reference
 *   never matches an internet address), the deployment's own ranges left out, since traffic to
 *   them takes the local or tenant routes and never meets the firewall (core/rules/aws does that);
 * - a proxy fleet is explicit: the zone connects to the proxy's listen port and nothing else, so
 *   its rules must open that port towards the proxy.
 * A mismatch is not a weaker policy but a zone with no way out at all, so it is worth a check
 * before anything is deployed. Returns the problem in words, or undefined when the rules fit.
 */
import type { EgressBackend } from "./aws-path";
import { SQUID_PORT } from "./squid";

export interface ZoneProxyRules {
  readonly mode: "security-group" | "cidrs";
  readonly cidrs: readonly string[];
  readonly listenPort?: number;
}

export function zoneRulesMismatch(backend: EgressBackend, rules: ZoneProxyRules, proxySecurityGroupKnown: boolean, listenPort: number = SQUID_PORT): string | undefined {
  if (backend === "network-firewall") {
    if (rules.listenPort !== undefined) return `the zones' rules open only tcp/${rules.listenPort} towards an explicit proxy, but a network firewall is transparent; build the VPC with egressProxy: { backend: "network-firewall" }`;
    if (rules.mode === "security-group") return `the zones' rules name the egress proxy's security group, which no internet address matches behind a transparent firewall; build the VPC with egressProxy: { backend: "network-firewall" } (rules towards 0.0.0.0/0 on the allow-listed ports)`;
    return undefined;
  }
  if (rules.listenPort !== listenPort) {
    const now = rules.listenPort === undefined ? "the allow-listed destination ports" : `tcp/${rules.listenPort}`;
    return `the zones' rules open ${now} towards the proxy, but the proxy fleet listens on tcp/${listenPort}; build the VPC with egressProxy: { backend: "proxy-fleet" }`;
  }
  if (rules.mode === "security-group" && !proxySecurityGroupKnown) return "the zones' rules name the egress proxy's security group, but the network gives no proxySecurityGroupId to attach to the load balancer";
  return undefined;
}
