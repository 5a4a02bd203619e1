/**
 * The allow-lists as AWS Network Firewall configuration: stateful rule groups and the policy
 * that holds them. Plain data shaped like the `aws.networkfirewall` inputs; the component passes
 * it through unchanged.
 *
 * Two rule styles, because the obvious one is not exact:
 * - `suricata` (default): one rule group of Suricata rules. Each zone's subnets are a rule
 *   variable, and each destination is a pass rule on TLS SNI and on HTTP Host *for its port*,
 *   so `api.stripe.com:443` allows exactly that. A wildcard `*.example.com` matches names ending
 *   in `.example.com`, which excludes the apex, as the intent defines it.
 * - `domain-list`: AWS's managed domain list (ALLOWLIST on TLS_SNI and HTTP_HOST), one group per
 *   zone with HOME_NET set to the zone's subnets. It is what most AWS users know, but a domain
 *   list cannot name ports and its `.example.com` also matches the apex. Ports are then held by
 *   the zones' security groups, which open egress only on the allow-listed ports (the rules IR
 *   gives the proxy peer exactly those ports); the apex widening is reported in `notes`.
 *
 * Either way the policy evaluates in STRICT_ORDER with the default actions
 * `aws:drop_established` + `aws:alert_established`: a TCP handshake may complete (the SNI or Host
 * is only visible after it), then any flow no pass rule accepted is dropped and logged. UDP and
 * ICMP from a proxied zone are dropped by explicit rules at the end of the group, because
 * "established" would let a first datagram through.
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

export interface EgressFirewallPlan {
  readonly style: FirewallRuleStyle;
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

/** The Suricata rules of one zone: pass per destination (TLS and HTTP), then explicit drops. */
function suricataRulesFor(source: EgressSource, sids: SidAllocator = new SidAllocator()): string[] {
  const v = `$${zoneVariable(source.zone)}`;
  const lines: string[] = [];
  for (const d of source.destinations) {
    const dest = destinationText(d);
    lines.push(
      `pass tls ${v} any -> any ${d.port} (msg:"netseg ${source.zone} -> ${dest} (tls)"; flow:to_server; tls.sni; ${hostMatch(d, true)} sid:${sids.next(`${source.zone}|tls|${dest}`)}; rev:1;)`,
      `pass http ${v} any -> any ${d.port} (msg:"netseg ${source.zone} -> ${dest} (http)"; flow:to_server; http.host; ${hostMatch(d, false)} sid:${sids.next(`${source.zone}|http|${dest}`)}; rev:1;)`,
    );
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

function suricataGroups(sources: readonly EgressSource[]): StatefulRuleGroupSpec[] {
  const sids = new SidAllocator();
  const lines = sources.flatMap((s) => [`# zone ${s.zone}: ${s.destinations.map(destinationText).join(", ") || "no destinations"}`, ...suricataRulesFor(s, sids)]);
  const rules = lines.filter((l) => !l.startsWith("#")).length;
  return [
    {
      key: "egress",
      capacity: capacityFor(rules),
      description: `netseg egress allow-lists of ${sources.map((s) => s.zone).join(", ")}`,
      ruleGroup: { ruleVariables: { ipSets: ipSets(sources) }, rulesSource: { rulesString: lines.join("\n") + "\n" }, statefulRuleOptions: STRICT },
    },
  ];
}

function domainListGroups(sources: readonly EgressSource[]): { groups: StatefulRuleGroupSpec[]; notes: string[] } {
  const notes: string[] = [];
  const groups = sources
    .filter((s) => s.destinations.length > 0)
    .map((s): StatefulRuleGroupSpec => {
      const targets = [...new Set(s.destinations.map((d) => (d.wildcard ? `.${wildcardSuffix(d)}` : d.host)))].sort();
      const ports = [...new Set(s.destinations.map((d) => d.port))].sort((a, b) => a - b);
      if (ports.length > 1) notes.push(`zone ${s.zone}: a domain list cannot tie a host to a port, so every listed host is reachable on every listed port (${ports.join(", ")}); use the suricata style for exact host:port pairs`);
      for (const d of s.destinations.filter((x) => x.wildcard)) notes.push(`zone ${s.zone}: the domain list entry .${wildcardSuffix(d)} also matches the apex ${wildcardSuffix(d)}, which ${d.host} excludes`);
      return {
        key: `egress-${s.zone}`,
        capacity: capacityFor(targets.length * 2),
        description: `netseg egress allow-list of zone ${s.zone} (ports held by its security group: ${ports.join(", ")})`,
        ruleGroup: {
          ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: [...s.cidrs] } }] },
          rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["HTTP_HOST", "TLS_SNI"], targets } },
          statefulRuleOptions: STRICT,
        },
      };
    });
  const drops = sources.map((s) => suricataRulesFor({ ...s, destinations: [] }));
  groups.push({
    key: "egress-drop",
    capacity: capacityFor(drops.flat().length),
    description: "netseg: UDP and ICMP egress of proxied zones denied",
    ruleGroup: { ruleVariables: { ipSets: ipSets(sources) }, rulesSource: { rulesString: drops.flat().join("\n") + "\n" }, statefulRuleOptions: STRICT },
  });
  return { groups, notes };
}

/** Plans the firewall for the given sources; deterministic (same sources, same text). */
export function planEgressFirewall(sources: readonly EgressSource[], style: FirewallRuleStyle = "suricata"): EgressFirewallPlan {
  const notes = sources.filter((s) => s.widenedWorkloads.length).map((s) => `zone ${s.zone}: the allow-lists of workloads ${s.widenedWorkloads.join(", ")} apply to the whole zone (the firewall sees subnets, not workloads)`);
  const built = style === "suricata" ? { groups: suricataGroups(sources), notes: [] } : domainListGroups(sources);
  return {
    style,
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
