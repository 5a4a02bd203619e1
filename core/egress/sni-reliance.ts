/**
 * Which sources an AWS Network Firewall rule group lets out on the TLS SNI alone, read back from
 * the group as deployed (netseg's or hand-written): the pass rules of a Suricata rules string
 * that match `tls.sni`, and a domain list on TLS_SNI. Sources are resolved through the group's
 * IP set variables; a source that cannot be resolved (an undefined variable, a negation, a
 * bidirectional rule) counts as every address, since reading it narrower could hide a finding;
 * a variable whose addresses are not known yet (a preview) makes the sources "unknown".
 */
import { CidrSet, parseCidr } from "../net/cidr";

export interface SniPass {
  /** The addresses the pass applies to, "any", or "unknown" (a variable not known yet). */
  readonly sources: CidrSet | "any" | "unknown";
  /** The rule, for messages: its msg, else its first 80 characters. */
  readonly rule: string;
}

/** IP set variables by name (without `$`), as the rule group defines them; "unknown" when not known yet. */
export type IpSets = Readonly<Record<string, readonly string[] | "unknown">>;

const RULE = /^pass\s+(\S+)\s+(\S+)\s+(\S+)\s+(->|<>)\s+(\S+)\s+(\S+)\s+\((.*)\)\s*$/;

function addresses(token: string, ipSets: IpSets): CidrSet | "any" | "unknown" {
  if (token === "any" || token.includes("!")) return "any";
  const parts = token.replace(/^\[|\]$/g, "").split(",").map((p) => p.trim()).filter(Boolean);
  let set = CidrSet.EMPTY;
  for (const p of parts) {
    if (p.startsWith("$")) {
      const defs = ipSets[p.slice(1)];
      if (defs === "unknown") return "unknown";
      if (!defs) return "any";
      for (const d of defs) {
        const c = parseCidr(d);
        if ("error" in c) return "any";
        set = set.union(CidrSet.fromCidrs([c]));
      }
      continue;
    }
    const c = parseCidr(p);
    if ("error" in c) return "any";
    set = set.union(CidrSet.fromCidrs([c]));
  }
  return set;
}

function ruleName(line: string, options: string): string {
  const msg = /msg:\s*"([^"]*)"/.exec(options);
  return msg ? msg[1] : line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** The SNI pass rules of a Suricata rules string. */
export function sniPassRules(rulesString: string, ipSets: IpSets): SniPass[] {
  const out: SniPass[] = [];
  for (const raw of rulesString.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = RULE.exec(line);
    if (!m) continue;
    const options = m[7];
    if (!/(^|;)\s*(tls\.sni|tls_sni)\s*;/.test(options)) continue;
    out.push({ sources: m[4] === "<>" ? "any" : addresses(m[2], ipSets), rule: ruleName(line, options) });
  }
  return out;
}

/** A domain list on TLS_SNI: its HOME_NET (every address when the group does not set it). */
export function domainListSniPass(targetTypes: readonly string[], ipSets: IpSets): SniPass[] {
  if (!targetTypes.includes("TLS_SNI")) return [];
  const home = ipSets.HOME_NET ? addresses("$HOME_NET", ipSets) : "any";
  return [{ sources: home, rule: "domain list on TLS_SNI" }];
}
