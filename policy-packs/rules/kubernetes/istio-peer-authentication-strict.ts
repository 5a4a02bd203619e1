/**
 * Passing condition: where the Istio mesh is used, mutual TLS is STRICT: no PeerAuthentication
 * (or port-level setting) relaxes it to PERMISSIVE or DISABLE, and every namespace with sidecar
 * injection is covered by a STRICT PeerAuthentication of its own or of the mesh root namespace.
 */
import { z } from "zod";
import { field, isEmptySelector, isObject, K8S_TYPES, nameOf, namespaceOf, str, stringMap, type StackResource } from "../../../core/resources";
import { stackRule } from "../define";

export const ISTIO_PEER_AUTHENTICATION = ["kubernetes:security.istio.io/v1:PeerAuthentication", "kubernetes:security.istio.io/v1beta1:PeerAuthentication"];

export const istioPeerAuthenticationStrictConfig = z.object({
  meshRootNamespace: z.string().default("istio-system").describe("Istio root namespace: a selector-less PeerAuthentication there applies mesh-wide."),
});

function mode(v: unknown): string | undefined {
  const m = str(field(v as never, "mode"));
  return typeof m === "string" ? m.toUpperCase() : undefined;
}

/** Namespaces with sidecar injection turned on by label. */
function meshNamespaces(ns: StackResource[]): string[] {
  return ns
    .filter((n) => {
      const labels = stringMap(field(n.props.metadata, "labels")).known;
      return labels["istio-injection"] === "enabled" || labels["istio.io/rev"] !== undefined || labels["istio.io/dataplane-mode"] === "ambient";
    })
    .map((n) => nameOf(n.props, n.name))
    .sort();
}

export const istioPeerAuthenticationStrict = stackRule({
  name: "netseg-istio-peer-authentication-strict",
  description: "Every mesh namespace is covered by a STRICT PeerAuthentication and none relaxes mutual TLS.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps: "Add a PeerAuthentication with mtls.mode STRICT in the mesh root namespace or in each mesh namespace, and remove PERMISSIVE or DISABLE modes and port overrides.",
  config: istioPeerAuthenticationStrictConfig,
  covers: { rows: [32], ids: ["seed example"] },
  types: [...ISTIO_PEER_AUTHENTICATION, K8S_TYPES.namespace],
  check: (stack, cfg, report) => {
    const pas = stack.ofType(...ISTIO_PEER_AUTHENTICATION);
    const strictFor = new Set<string>();
    for (const pa of pas) {
      const spec = pa.props.spec;
      const m = mode(field(spec, "mtls"));
      const ns = namespaceOf(pa.props);
      const name = nameOf(pa.props, pa.name);
      if (m === "PERMISSIVE" || m === "DISABLE") report(`PeerAuthentication ${name} in namespace ${String(ns)} sets mTLS mode ${m}; use STRICT`, pa.urn);
      const ports = field(spec, "portLevelMtls");
      if (isObject(ports)) {
        for (const [port, v] of Object.entries(ports).sort()) {
          const pm = mode(v);
          if (pm === "PERMISSIVE" || pm === "DISABLE") report(`PeerAuthentication ${name} in namespace ${String(ns)} sets mTLS mode ${pm} on port ${port}; use STRICT`, pa.urn);
        }
      }
      if (m === "STRICT" && isEmptySelector(field(spec, "selector")) && typeof ns === "string") strictFor.add(ns);
    }
    if (strictFor.has(cfg.meshRootNamespace)) return;
    for (const ns of meshNamespaces(stack.ofType(K8S_TYPES.namespace))) {
      if (!strictFor.has(ns)) report(`namespace ${ns} is in the mesh but no STRICT PeerAuthentication covers it (none in ${ns} without selector, none mesh-wide in ${cfg.meshRootNamespace})`);
    }
  },
});
