/**
 * Passing condition: no workload's pods use the node's network (hostNetwork) or bind a node
 * port (hostPort); both bypass NetworkPolicy entirely.
 */
import { z } from "zod";
import { bool, field, items, K8S_WORKLOADS, nameOf, namespaceOf, num, podTemplateOf } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const noHostNetworkConfig = z.object({
  exemptWorkloads: z.array(z.string()).default([]).describe("Workloads allowed to use the host network, as namespace/name (CNI or node agents)."),
});

export const noHostNetwork = resourceRule({
  name: "netseg-k8s-no-host-network",
  description: "No workload uses hostNetwork or a hostPort unless it is exempted by name.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Remove hostNetwork and hostPort from the pod spec and expose the workload through a Service; list node agents that need the host network in exemptWorkloads.",
  config: noHostNetworkConfig,
  covers: { rows: [31], ids: ["Checkov", "Pulumi compliance-policies", "KICS"] },
  types: Object.keys(K8S_WORKLOADS),
  check: (r, cfg, report) => {
    const t = podTemplateOf(r.type, r.props);
    if (!t) return;
    const id = `${String(namespaceOf(r.props))}/${nameOf(r.props, r.name)}`;
    if (cfg.exemptWorkloads.includes(id)) return;
    if (bool(field(t.spec, "hostNetwork")) === true) report(`workload ${label(r)} (${id}) uses hostNetwork, which bypasses NetworkPolicy`);
    for (const list of ["initContainers", "containers"]) {
      items(field(t.spec, list)).known.forEach((c, i) =>
        items(field(c, "ports")).known.forEach((p, j) => {
          const hp = num(field(p, "hostPort"));
          if (typeof hp === "number" && hp > 0) report(`workload ${label(r)} (${id}) ${list}[${i}].ports[${j}] binds hostPort ${hp}, which bypasses NetworkPolicy`);
        }),
      );
    }
  },
});
