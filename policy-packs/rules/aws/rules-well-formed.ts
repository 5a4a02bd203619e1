/**
 * Passing condition: every security-group rule and network ACL entry, inline or standalone, is
 * one AWS would accept: a protocol it knows, tcp/udp ports that are whole numbers 0-65535 in
 * order (-1 means "every" only with protocol -1 and for ICMP types and codes), CIDR blocks that
 * parse, NACL rule numbers 1-32766 and actions allow or deny. A malformed value fails the
 * deployment at best; at preview it is named here with its field and value, and the exposure
 * rules count the rule at its most open rather than guess.
 */
import { z } from "zod";
import {
  AWS_NACL_ACL_TYPES,
  AWS_NACL_TYPES,
  AWS_SG_GROUP_TYPES,
  AWS_SG_RULE_TYPES,
  inlineNaclEntries,
  inlineSgRules,
  isUnknown,
  naclEntryProblems,
  normaliseStandaloneSgRule,
  ruleProblems,
  showValue,
  standaloneNaclEntry,
  type PlainObject,
} from "../../../core/resources";
import { label, resourceRule } from "../define";

export const rulesWellFormedConfig = z.object({});

/** `ingress`/`egress` written as something other than a list. */
function listProblems(props: PlainObject): string[] {
  return (["ingress", "egress"] as const)
    .filter((d) => props[d] !== undefined && props[d] !== null && !isUnknown(props[d]) && !Array.isArray(props[d]))
    .map((d) => `${d} ${showValue(props[d])} is not a list of rules`);
}

export const rulesWellFormed = resourceRule({
  name: "netseg-aws-rules-well-formed",
  description: "Every security-group rule and network ACL entry has a valid protocol, ports, CIDR blocks, rule number and action.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Correct the field the message names: a protocol AWS accepts (tcp, udp, icmp, a number or -1), fromPort <= toPort within 0-65535, valid CIDR blocks, a NACL rule number between 1 and 32766 and an action of allow or deny.",
  config: rulesWellFormedConfig,
  covers: { rows: [1, 2, 3, 4, 7, 8], ids: ["netseg: fail closed on values AWS rejects"] },
  types: [...AWS_SG_GROUP_TYPES, ...AWS_SG_RULE_TYPES, ...AWS_NACL_ACL_TYPES, AWS_NACL_TYPES.rule],
  check: (r, _cfg, report) => {
    const say = (what: string, where: string, problems: readonly string[]) => {
      for (const p of problems) report(`${what} ${label(r)}${where ? ` ${where}` : ""}: ${p}; AWS would reject it, and netseg's exposure rules count it at its most open`);
    };
    if (AWS_SG_GROUP_TYPES.includes(r.type)) {
      say("security group", "", listProblems(r.props));
      for (const rule of inlineSgRules(r.props).rules) say("security group", rule.path, ruleProblems(rule));
    } else if (AWS_SG_RULE_TYPES.includes(r.type)) {
      const rule = normaliseStandaloneSgRule(r.type, r.props);
      if (rule) say("security-group rule", "", ruleProblems(rule));
    } else if (AWS_NACL_ACL_TYPES.includes(r.type)) {
      say("network ACL", "", listProblems(r.props));
      for (const e of inlineNaclEntries(r.props).entries) say("network ACL", e.path, naclEntryProblems(e));
    } else {
      say("network ACL rule", "", naclEntryProblems(standaloneNaclEntry(r.props)));
    }
  },
});
