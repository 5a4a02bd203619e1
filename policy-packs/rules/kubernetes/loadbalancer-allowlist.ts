/**
 * Passing condition: only allow-listed Services are of type LoadBalancer (or NodePort when so
 * configured); a Service nobody listed opens the cluster to the outside, around every
 * NetworkPolicy that assumed traffic comes from inside.
 */
import { z } from "zod";
import { K8S_TYPES, nameOf, namespaceOf, str, field } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const loadBalancerAllowlistConfig = z.object({
  allowedServices: z.array(z.string()).default([]).describe("Services allowed to be exposed, as namespace/name."),
  exposedTypes: z.array(z.enum(["LoadBalancer", "NodePort"])).default(["LoadBalancer"]).describe("Service types that expose a service outside the cluster."),
});

export const loadBalancerAllowlist = resourceRule({
  name: "netseg-k8s-loadbalancer-allowlist",
  description: "Only allow-listed Services are exposed outside the cluster as LoadBalancer (or configured NodePort) services.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Make the Service ClusterIP and expose it through the cluster's ingress, or list it as namespace/name in allowedServices if it is meant to be public.",
  config: loadBalancerAllowlistConfig,
  covers: { rows: [31], ids: ["Checkov", "Pulumi compliance-policies", "KICS"] },
  types: [K8S_TYPES.service],
  check: (r, cfg, report) => {
    const type = str(field(r.props.spec, "type"));
    if (typeof type !== "string" || !(cfg.exposedTypes as string[]).includes(type)) return;
    const id = `${String(namespaceOf(r.props))}/${nameOf(r.props, r.name)}`;
    if (!cfg.allowedServices.includes(id)) report(`Service ${label(r)} (${id}) is of type ${type} but is not in allowedServices`);
  },
});
