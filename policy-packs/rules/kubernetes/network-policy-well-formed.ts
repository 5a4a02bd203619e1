/**
 * Passing condition: every NetworkPolicy is one the API server would accept: ports 1-65535 or a
 * port name, endPort at or above a numeric port, protocols TCP, UDP or SCTP, ipBlock CIDRs that
 * parse, label selectors with known operators, rule and peer lists that are lists. A malformed
 * value is named here with its field and value; no-allow-all counts it at its widest.
 */
import { z } from "zod";
import { field, isObject, isUnknown, items, K8S_TYPES, normaliseNetworkPolicy, requirementsOf, showValue, type Plain } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const networkPolicyWellFormedConfig = z.object({});

function selectorProblem(where: string, selector: Plain): string[] {
  const r = requirementsOf(selector);
  return r !== undefined && !Array.isArray(r) ? [`${where}: ${r.error}`] : [];
}

/** Lists that are not lists, bad policyTypes, malformed selectors: what normalising cannot see. */
function specProblems(spec: Plain): string[] {
  if (spec !== undefined && spec !== null && !isUnknown(spec) && !isObject(spec)) return [`spec ${showValue(spec)} is not an object`];
  const out: string[] = [...selectorProblem("podSelector", field(spec, "podSelector"))];
  for (const key of ["ingress", "egress", "policyTypes"]) {
    const v = field(spec, key);
    if (v !== undefined && v !== null && !isUnknown(v) && !Array.isArray(v)) out.push(`${key} ${showValue(v)} is not a list`);
  }
  items(field(spec, "policyTypes")).known.forEach((t, i) => {
    if (!isUnknown(t) && t !== "Ingress" && t !== "Egress") out.push(`policyTypes[${i}] ${showValue(t)} is neither "Ingress" nor "Egress"`);
  });
  for (const [dir, peersKey] of [["ingress", "from"], ["egress", "to"]] as const) {
    items(field(spec, dir)).known.forEach((rule, i) => {
      items(field(rule, peersKey)).known.forEach((peer, j) => {
        const set = ["podSelector", "namespaceSelector", "ipBlock"].filter((k) => field(peer, k) !== undefined && field(peer, k) !== null);
        if (!isUnknown(peer) && set.length === 0) out.push(`${dir}[${i}].${peersKey}[${j}] names neither a podSelector, a namespaceSelector nor an ipBlock`);
        if (set.includes("ipBlock") && set.length > 1) out.push(`${dir}[${i}].${peersKey}[${j}] sets an ipBlock beside a selector; an ipBlock stands alone`);
        for (const s of ["podSelector", "namespaceSelector"]) out.push(...selectorProblem(`${dir}[${i}].${peersKey}[${j}].${s}`, field(peer, s)));
      });
    });
  }
  return out;
}

export const networkPolicyWellFormed = resourceRule({
  name: "netseg-k8s-network-policy-well-formed",
  description: "Every NetworkPolicy has valid ports, protocols, ipBlock CIDRs, selectors and lists.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Correct the field the message names: ports within 1-65535 (endPort not below port), TCP, UDP or SCTP protocols, valid ipBlock CIDRs with except inside cidr, and valid selectors.",
  config: networkPolicyWellFormedConfig,
  covers: { rows: [28], ids: ["netseg: fail closed on values the API server rejects"] },
  types: [K8S_TYPES.networkPolicy],
  check: (r, _cfg, report) => {
    const p = normaliseNetworkPolicy(r.props, r.name);
    const problems = [...specProblems(r.props.spec), ...[...p.ingress, ...p.egress].flatMap((rule) => rule.problems)];
    for (const m of problems) report(`NetworkPolicy ${label(r)} in namespace ${String(p.namespace)}: ${m}; the API server would reject it, and netseg counts it at its widest`);
  },
});
