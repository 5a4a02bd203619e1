/**
 * Passing condition: every ALLOW rule of an Istio AuthorizationPolicy names who may call by
 * identity (principals, request principals or namespaces); a rule with no source, with source
 * addresses only, or with only "*" (every caller) as its identities, trusts the network instead
 * of the workload identity mTLS proves.
 */
import { z } from "zod";
import { field, items, namespaceOf, nameOf, str, strings } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const ISTIO_AUTHORIZATION_POLICY = ["kubernetes:security.istio.io/v1:AuthorizationPolicy", "kubernetes:security.istio.io/v1beta1:AuthorizationPolicy"];

export const istioAuthorizationByPrincipalConfig = z.object({});

const IDENTITY = ["principals", "requestPrincipals", "namespaces"];

export const istioAuthorizationByPrincipal = resourceRule({
  name: "netseg-istio-authorization-by-principal",
  description: "Every ALLOW rule of an Istio AuthorizationPolicy restricts its sources by principal, request principal or namespace.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Give every ALLOW rule a from.source with principals, requestPrincipals or namespaces, so it admits only identified callers.",
  config: istioAuthorizationByPrincipalConfig,
  covers: { rows: [32], ids: ["seed example"] },
  types: ISTIO_AUTHORIZATION_POLICY,
  check: (r, _cfg, report) => {
    const spec = r.props.spec;
    const action = str(field(spec, "action"));
    if (action !== undefined && action !== "ALLOW") return;
    const id = `${String(namespaceOf(r.props))}/${nameOf(r.props, r.name)}`;
    const rules = items(field(spec, "rules"));
    rules.known.forEach((rule, i) => {
      const from = items(field(rule, "from"));
      if (from.unknown) return;
      if (from.known.length === 0) {
        report(`AuthorizationPolicy ${label(r)} (${id}) rules[${i}] allows any source; name principals or namespaces in rules[${i}].from`);
        return;
      }
      from.known.forEach((f, j) => {
        const source = field(f, "source");
        // A list holding "*" matches every caller: it names no one.
        const lists = IDENTITY.map((k) => ({ k, l: strings(field(source, k)) }));
        const named = lists.some(({ l }) => l.unknown || (l.known.length > 0 && !l.known.includes("*")));
        const wildcards = lists.filter(({ l }) => l.known.includes("*")).map(({ k }) => `${k} ["*"]`);
        if (!named && wildcards.length > 0) report(`AuthorizationPolicy ${label(r)} (${id}) rules[${i}].from[${j}] names every caller (${wildcards.join(", ")}); name the principals or namespaces that may call`);
        else if (!named) report(`AuthorizationPolicy ${label(r)} (${id}) rules[${i}].from[${j}] identifies callers by address only; add principals or namespaces`);
      });
    });
  },
});
