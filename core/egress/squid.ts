/**
 * The allow-lists as a Squid configuration, for the proxy-fleet backend.
 *
 * Why Squid and not Envoy: what is needed is a forward proxy that takes CONNECT from clients
 * and decides by source subnet, destination name and port. That is Squid's native job: `src`,
 * `dstdomain`, `port` ACLs and an ordered `http_access` list say it in a dozen readable lines,
 * Squid is packaged by every Linux distribution (security updates come with the OS), and its
 * access log names each request's client, host, port and verdict. Envoy can do it only through
 * its dynamic forward proxy filter plus RBAC on the CONNECT authority, a far longer config whose
 * every field is a chance to get the allow-list wrong, and it is not in the distributions'
 * repositories.
 *
 * Matching is exact to the intent: a host is matched with `dstdomain -n` (no reverse lookups,
 * so a request for a bare IP matches nothing); a wildcard `*.example.com` with an anchored
 * `dstdom_regex`, because Squid's `.example.com` would also match the apex, which the intent
 * excludes. Each allow line names a zone's subnets, one port and the hosts listed for that
 * port, so a host listed on 443 is not reachable on 80. Link-local (the metadata service),
 * loopback and private destinations are refused first, so an allowed name that resolves
 * inward cannot turn the proxy into a way into the network. `http_access deny all` is last.
 *
 * What it does not do: Squid judges a tunnel by the name in the CONNECT request, not by the TLS
 * server name the client then sends inside it. A client that CONNECTs to an allowed host on a
 * shared CDN and asks the CDN for another site (domain fronting) is not stopped here; checking
 * SNI takes ssl_bump peek/splice, an OpenSSL build of Squid and a certificate on every instance,
 * which has not been run here and is not generated blind. The network-firewall backend on AWS
 * matches the SNI (and HTTP Host) of the traffic itself.
 */
import type { EgressSource } from "./sources";
import { wildcardSuffix } from "./sources";

export const SQUID_PORT = 3128;
export const SQUID_ACCESS_LOG = "/var/log/squid/access.log";
export const SQUID_CACHE_LOG = "/var/log/squid/cache.log";

export interface SquidOptions {
  /** Shown in the header comment. */
  readonly name: string;
  readonly port?: number;
}

function regexFor(suffix: string): string {
  return `\\.${suffix.replace(/\./g, "\\.")}$`;
}

/** Squid ACL names allow letters, digits, '-' and '_'; zone names are DNS labels. */
function aclName(...parts: (string | number)[]): string {
  return parts.join("_");
}

export function renderSquidConfig(sources: readonly EgressSource[], opts: SquidOptions): string {
  const port = opts.port ?? SQUID_PORT;
  const out: string[] = [
    `# netseg egress proxy "${opts.name}": generated from the intent's egress allow-lists. Do not edit;`,
    "# change the intent instead. Only the listed host:port pairs from the listed zones pass.",
    `http_port ${port}`,
    "visible_hostname netseg-egress-proxy",
    "cache deny all",
    "via off",
    "forwarded_for delete",
    "httpd_suppress_version_string on",
    "logformat netseg %ts.%03tu %>a %Ss/%03>Hs %rm %ru %<a %>st",
    `access_log stdio:${SQUID_ACCESS_LOG} netseg`,
    `cache_log ${SQUID_CACHE_LOG}`,
    "",
    "# Destinations that are never the internet: refused whatever name led to them.",
    "acl netseg_inward dst 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 100.64.0.0/10",
    "http_access deny to_localhost",
    "http_access deny to_linklocal",
    "http_access deny netseg_inward",
  ];
  const allows: string[] = [];
  for (const s of sources) {
    out.push("", `# zone ${s.zone}`);
    if (s.cidrs.length) out.push(`acl ${aclName("zone", s.zone)} src ${s.cidrs.join(" ")}`);
    const ports = [...new Set(s.destinations.map((d) => d.port))].sort((a, b) => a - b);
    for (const p of ports) {
      const here = s.destinations.filter((d) => d.port === p);
      const exact = here.filter((d) => !d.wildcard).map((d) => d.host);
      const wild = here.filter((d) => d.wildcard).map((d) => regexFor(wildcardSuffix(d)));
      out.push(`acl ${aclName("port", s.zone, p)} port ${p}`);
      if (exact.length) {
        out.push(`acl ${aclName("hosts", s.zone, p)} dstdomain -n ${exact.join(" ")}`);
        allows.push(`http_access allow ${aclName("zone", s.zone)} ${aclName("port", s.zone, p)} ${aclName("hosts", s.zone, p)}`);
      }
      if (wild.length) {
        out.push(`acl ${aclName("wild", s.zone, p)} dstdom_regex -n -i ${wild.join(" ")}`);
        allows.push(`http_access allow ${aclName("zone", s.zone)} ${aclName("port", s.zone, p)} ${aclName("wild", s.zone, p)}`);
      }
    }
  }
  out.push("", "# The allow-list, then default deny.", ...allows, "http_access deny all", "");
  return out.join("\n");
}
