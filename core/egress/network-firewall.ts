/**
 * The allow-lists as AWS Network Firewall configuration: stateful rule groups and the policy
 * that holds them. Plain data shaped like the `aws.networkfirewall` inputs; the component passes
 * it through unchanged.
 *
 * Two rule styles, because the obvious one is not exact:
 * - `suricata` (default): one rule group of Suricata rules. Each zone's subnets are a rule
 *   variable, and each destination is one pass rule *for its port*: on a plain-HTTP port (80 and
 *   8080 unless configured) on the HTTP Host, on any other port on the TLS SNI of a real TLS
 *   ClientHello (`app-layer-protocol:tls; ssl_state:client_hello`). So `api.stripe.com:443` allows
 *   TLS naming that host on 443, and plain HTTP on 443 (whatever its Host) matches nothing. A
 *   wildcard `*.example.com` matches names ending in `.example.com`, which excludes the apex, as
 *   the intent defines it.
 * - `domain-list`: AWS's managed domain list (ALLOWLIST), one group per zone with HOME_NET set to
 *   the zone's subnets, on TLS_SNI when the zone has TLS destinations and HTTP_HOST when it has
 *   plain-HTTP ones. It is what most AWS users know, but a domain list cannot name ports and its
 *   `.example.com` also matches the apex. Ports are then held by the zones' security groups, which
 *   open egress only on the allow-listed ports (the rules IR gives the proxy peer exactly those
 *   ports); the widenings are reported in `notes`.
 *
 * Either way the policy evaluates in STRICT_ORDER with the default actions
 * `aws:drop_established` + `aws:alert_established`: a TCP handshake may complete (the SNI or Host
 * is only visible after it), then any flow no pass rule accepted is dropped and logged, which is
 * how a non-TLS flow on a TLS port, or an unlisted name, ends. UDP and ICMP from a proxied zone
 * are dropped by explicit rules at the end of the group, because "established" would let a first
 * datagram through.
 *
 * What the SNI proves: nothing about the destination. The client writes the SNI, so without TLS
 * inspection a workload can name an allowed host and connect to any address that answers TLS on
 * the port (its own server, a CDN front), and the rule passes it. With `tlsInspection`, the
 * firewall terminates the client's TLS with the given CA, drops the connection unless the server's
 * certificate matches the SNI (AWS's documented behaviour), and the pass rules then also require
 * the decrypted request's Host to be the listed name: every TLS destination gets an SNI rule (the
 * handshake stage) and a Host rule (the decrypted request stage), as AWS requires for inspected
 * connections.
 */
import type { EgressSource } from "./sources";
import { destinationText, wildcardSuffix } from "./sources";
import type { EgressDestination } from "../intent/types";

export type FirewallRuleStyle = "suricata" | "domain-list";

export interface IpSetVariable {
  readonly key: string;
  readonly ipSet: { readonly definitions: readonly string[] };
}

export interface StatefulRuleGroupSpec {
  /** Stable logical key of the group: `egress` (suricata) or `egress-<zone>` (domain list). */
  readonly key: string;
  readonly capacity: number;
  readonly description: string;
  readonly ruleGroup: {
    readonly ruleVariables: { readonly ipSets: readonly IpSetVariable[] };
    readonly rulesSource:
      | { readonly rulesString: string }
      | { readonly rulesSourceList: { readonly generatedRulesType: "ALLOWLIST"; readonly targetTypes: readonly ("HTTP_HOST" | "TLS_SNI")[]; readonly targets: readonly string[] } };
    readonly statefulRuleOptions: { readonly ruleOrder: "STRICT_ORDER" };
  };
}

export interface FirewallPolicySpec {
  readonly statelessDefaultActions: readonly string[];
  readonly statelessFragmentDefaultActions: readonly string[];
  readonly statefulEngineOptions: { readonly ruleOrder: "STRICT_ORDER"; readonly streamExceptionPolicy: "DROP" };
  readonly statefulDefaultActions: readonly string[];
}

/** Which TLS traffic the firewall decrypts: each proxied zone's subnets towards the TLS ports. */
export interface TlsInspectionScopePlan {
  readonly sources: readonly string[];
  readonly destinationPorts: readonly number[];
}

export interface FirewallOptions {
  /** Default "suricata" (exact host:port pairs). */
  readonly style?: FirewallRuleStyle;
  /** Destination ports that carry plain HTTP (matched on the Host header); every other port is TLS. Default [80, 8080]. */
  readonly plainHttpPorts?: readonly number[];
  /** Decrypt TLS with a CA (the component creates the configuration): the name is then checked against the server's certificate and the Host. */
  readonly tlsInspection?: boolean;
}

export const DEFAULT_PLAIN_HTTP_PORTS: readonly number[] = [80, 8080];

export interface EgressFirewallPlan {
  readonly style: FirewallRuleStyle;
  /** Ports matched as plain HTTP; every other allow-listed port is matched as TLS. */
  readonly plainHttpPorts: readonly number[];
  /** Present when TLS is decrypted: the scope of the TLS inspection configuration. */
  readonly tlsInspection?: { readonly scope: TlsInspectionScopePlan };
  /** In evaluation order; the policy references them with priorities 100, 200, ... */
  readonly ruleGroups: readonly StatefulRuleGroupSpec[];
  readonly policy: FirewallPolicySpec;
  /** Where enforcement is wider than the intent, in words (empty when exact). */
  readonly notes: readonly string[];
}

export const FIREWALL_DEFAULT_ACTIONS = ["aws:drop_established", "aws:alert_established"] as const;

/** Rule-variable name of a zone: zone names are DNS labels, so this is injective. */
export function zoneVariable(zone: string): string {
  return `NETSEG_${zone.toUpperCase().replace(/-/g, "_")}`;
}

/** Capacity cannot change without replacing the group: leave room, in coarse steps. */
function capacityFor(rules: number): number {
  let c = 128;
  while (c < rules * 2) c *= 2;
  return c;
}

/** FNV-1a, so a rule keeps its sid when others are added (alerts stay comparable over time). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

class SidAllocator {
  private readonly used = new Set<number>();
  next(key: string): number {
    let sid = 1_000_000 + (fnv1a(key) % 1_000_000_000);
    while (this.used.has(sid)) sid++;
    this.used.add(sid);
    return sid;
  }
}

function hostMatch(d: EgressDestination, nocase: boolean): string {
  const nc = nocase ? " nocase;" : "";
  return d.wildcard ? `content:".${wildcardSuffix(d)}";${nc} endswith;` : `content:"${d.host}";${nc} startswith; endswith;`;
}

/** How a zone's destinations are matched: plain HTTP by Host, TLS by SNI (and Host when decrypted). */
interface Matching {
  readonly plainHttpPorts: ReadonlySet<number>;
  readonly tlsInspection: boolean;
}

/** The Suricata rules of one zone: pass per destination, by its port's protocol, then explicit drops. */
function suricataRulesFor(source: EgressSource, matching: Matching, sids: SidAllocator = new SidAllocator()): string[] {
  const v = `$${zoneVariable(source.zone)}`;
  const lines: string[] = [];
  const http = (d: EgressDestination, dest: string, why: string) =>
    `pass http ${v} any -> any ${d.port} (msg:"netseg ${source.zone} -> ${dest} (${why})"; flow:to_server,established; http.host; ${hostMatch(d, false)} sid:${sids.next(`${source.zone}|http|${dest}`)}; rev:2;)`;
  for (const d of source.destinations) {
    const dest = destinationText(d);
    if (matching.plainHttpPorts.has(d.port)) {
      lines.push(http(d, dest, "http host"));
      continue;
    }
    lines.push(
      `pass tls ${v} any -> any ${d.port} (msg:"netseg ${source.zone} -> ${dest} (tls sni)"; flow:to_server,established; app-layer-protocol:tls; ssl_state:client_hello; tls.sni; ${hostMatch(d, true)} sid:${sids.next(`${source.zone}|tls|${dest}`)}; rev:2;)`,
    );
    // Decrypted, the request inside must name the host too (AWS evaluates the two stages apart).
    if (matching.tlsInspection) lines.push(http(d, dest, "decrypted http host"));
  }
  for (const proto of ["udp", "icmp"]) {
    lines.push(`drop ${proto} ${v} any -> any any (msg:"netseg ${source.zone}: ${proto} egress denied"; sid:${sids.next(`${source.zone}|drop|${proto}`)}; rev:1;)`);
  }
  return lines;
}

function ipSets(sources: readonly EgressSource[]): IpSetVariable[] {
  return sources.map((s) => ({ key: zoneVariable(s.zone), ipSet: { definitions: [...s.cidrs] } }));
}

const STRICT = { ruleOrder: "STRICT_ORDER" } as const;

function suricataGroups(sources: readonly EgressSource[], matching: Matching): StatefulRuleGroupSpec[] {
  const sids = new SidAllocator();
  const lines = sources.flatMap((s) => [`# zone ${s.zone}: ${s.destinations.map(destinationText).join(", ") || "no destinations"}`, ...suricataRulesFor(s, matching, sids)]);
  // Sized as if every destination had two rules (TLS inspection on, or netseg before TLS-only
  // ports): a group's capacity cannot change without replacing it.
  const rules = sources.reduce((n, s) => n + 2 * s.destinations.length + 2, 0);
  return [
    {
      key: "egress",
      capacity: capacityFor(rules),
      description: `netseg egress allow-lists of ${sources.map((s) => s.zone).join(", ")}`,
      ruleGroup: { ruleVariables: { ipSets: ipSets(sources) }, rulesSource: { rulesString: lines.join("\n") + "\n" }, statefulRuleOptions: STRICT },
    },
  ];
}

function domainListGroups(sources: readonly EgressSource[], matching: Matching): { groups: StatefulRuleGroupSpec[]; notes: string[] } {
  const notes: string[] = [];
  const groups = sources
    .filter((s) => s.destinations.length > 0)
    .map((s): StatefulRuleGroupSpec => {
      const targets = [...new Set(s.destinations.map((d) => (d.wildcard ? `.${wildcardSuffix(d)}` : d.host)))].sort();
      const ports = [...new Set(s.destinations.map((d) => d.port))].sort((a, b) => a - b);
      const httpPorts = ports.filter((p) => matching.plainHttpPorts.has(p));
      const tlsPorts = ports.filter((p) => !matching.plainHttpPorts.has(p));
      // HTTP_HOST only when the zone has plain-HTTP destinations: on a TLS port it would pass plain HTTP that merely claims an allowed Host.
      const targetTypes: ("HTTP_HOST" | "TLS_SNI")[] = [...(httpPorts.length || (matching.tlsInspection && tlsPorts.length) ? ["HTTP_HOST" as const] : []), ...(tlsPorts.length ? ["TLS_SNI" as const] : [])];
      if (ports.length > 1) notes.push(`zone ${s.zone}: a domain list cannot tie a host to a port, so every listed host is reachable on every listed port (${ports.join(", ")}); use the suricata style for exact host:port pairs`);
      if (httpPorts.length && tlsPorts.length) notes.push(`zone ${s.zone}: a domain list matches the HTTP Host on every port, so plain HTTP naming a listed host also passes on the TLS ports (${tlsPorts.join(", ")}); use the suricata style to keep them TLS-only`);
      for (const d of s.destinations.filter((x) => x.wildcard)) notes.push(`zone ${s.zone}: the domain list entry .${wildcardSuffix(d)} also matches the apex ${wildcardSuffix(d)}, which ${d.host} excludes`);
      return {
        key: `egress-${s.zone}`,
        capacity: capacityFor(targets.length * 2),
        description: `netseg egress allow-list of zone ${s.zone} (ports held by its security group: ${ports.join(", ")})`,
        ruleGroup: {
          ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: [...s.cidrs] } }] },
          rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes, targets } },
          statefulRuleOptions: STRICT,
        },
      };
    });
  const drops = sources.map((s) => suricataRulesFor({ ...s, destinations: [] }, matching));
  groups.push({
    key: "egress-drop",
    capacity: capacityFor(drops.flat().length),
    description: "netseg: UDP and ICMP egress of proxied zones denied",
    ruleGroup: { ruleVariables: { ipSets: ipSets(sources) }, rulesSource: { rulesString: drops.flat().join("\n") + "\n" }, statefulRuleOptions: STRICT },
  });
  return { groups, notes };
}

/** The problems with firewall options, each naming the field, the value and the fix. */
export function firewallOptionsProblems(options: FirewallOptions): string[] {
  const problems: string[] = [];
  if (options.style !== undefined && options.style !== "suricata" && options.style !== "domain-list") problems.push(`ruleStyle ${JSON.stringify(options.style)} is not a rule style: use "suricata" (exact host:port pairs) or "domain-list"`);
  const ports = options.plainHttpPorts;
  if (ports !== undefined) {
    if (!Array.isArray(ports)) problems.push(`plainHttpPorts ${JSON.stringify(ports)} is not a list of ports: give the destination ports that carry plain HTTP, e.g. [80, 8080], or [] when every destination speaks TLS`);
    else for (const p of ports) if (!Number.isInteger(p) || p < 1 || p > 65535) problems.push(`plainHttpPorts contains ${JSON.stringify(p)}, which is not a port: use whole numbers from 1 to 65535`);
  }
  return problems;
}

const HOST = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const ZONE = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/**
 * Sources go into Suricata text verbatim, so anything but a DNS name, a port and a zone label
 * could add options or rules of its own. The intent parser already refuses such values; sources
 * built by hand get the same refusal here.
 */
function sourceProblems(sources: readonly EgressSource[]): string[] {
  const problems: string[] = [];
  for (const s of sources) {
    if (!ZONE.test(s.zone)) problems.push(`zone ${JSON.stringify(s.zone)} is not a zone name (lower-case letters, digits and dashes, starting with a letter)`);
    for (const d of s.destinations) {
      if (!HOST.test(d.host) || d.wildcard !== d.host.startsWith("*.")) problems.push(`zone ${s.zone}: destination host ${JSON.stringify(d.host)} is not a lower-case DNS name (a leading *. for subdomains, wildcard set accordingly)`);
      if (!Number.isInteger(d.port) || d.port < 1 || d.port > 65535) problems.push(`zone ${s.zone}: destination port ${JSON.stringify(d.port)} of ${JSON.stringify(d.host)} is not a port from 1 to 65535`);
    }
  }
  return problems;
}

/** Plans the firewall for the given sources; deterministic (same sources and options, same text). */
export function planEgressFirewall(sources: readonly EgressSource[], options: FirewallRuleStyle | FirewallOptions = {}): EgressFirewallPlan {
  const opts: FirewallOptions = typeof options === "string" ? { style: options } : options;
  const problems = [...firewallOptionsProblems(opts), ...sourceProblems(sources)];
  if (problems.length) throw new Error(`egress firewall: ${problems.join("; ")}; fix the intent's egress allow-lists or the firewall options`);
  const style = opts.style ?? "suricata";
  const plainHttpPorts = [...new Set(opts.plainHttpPorts ?? DEFAULT_PLAIN_HTTP_PORTS)].sort((a, b) => a - b);
  const matching: Matching = { plainHttpPorts: new Set(plainHttpPorts), tlsInspection: opts.tlsInspection === true };
  const notes = sources.filter((s) => s.widenedWorkloads.length).map((s) => `zone ${s.zone}: the allow-lists of workloads ${s.widenedWorkloads.join(", ")} apply to the whole zone (the firewall sees subnets, not workloads)`);
  const tlsPortsOf = (s: EgressSource) => [...new Set(s.destinations.map((d) => d.port).filter((p) => !matching.plainHttpPorts.has(p)))].sort((a, b) => a - b);
  if (!matching.tlsInspection) {
    for (const s of sources) {
      const ports = tlsPortsOf(s);
      if (ports.length) notes.push(`zone ${s.zone}: TLS destinations are matched on the SNI, which the client chooses: a workload can name a listed host and reach any address that answers TLS on ${ports.map((p) => `tcp/${p}`).join(", ")}; use tlsInspection to have the name checked against the server's certificate`);
    }
  }
  const built = style === "suricata" ? { groups: suricataGroups(sources, matching), notes: [] } : domainListGroups(sources, matching);
  const tlsPorts = [...new Set(sources.flatMap(tlsPortsOf))].sort((a, b) => a - b);
  const inspected = sources.filter((s) => tlsPortsOf(s).length > 0);
  return {
    style,
    plainHttpPorts,
    ...(matching.tlsInspection && tlsPorts.length ? { tlsInspection: { scope: { sources: inspected.flatMap((s) => s.cidrs), destinationPorts: tlsPorts } } } : {}),
    ruleGroups: built.groups,
    policy: {
      statelessDefaultActions: ["aws:forward_to_sfe"],
      statelessFragmentDefaultActions: ["aws:forward_to_sfe"],
      statefulEngineOptions: { ruleOrder: "STRICT_ORDER", streamExceptionPolicy: "DROP" },
      statefulDefaultActions: [...FIREWALL_DEFAULT_ACTIONS],
    },
    notes: [...notes, ...built.notes],
  };
}
