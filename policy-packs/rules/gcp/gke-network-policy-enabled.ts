/**
 * Passing condition: a GKE cluster enforces NetworkPolicy, through Dataplane V2
 * (`datapathProvider: ADVANCED_DATAPATH`, also Autopilot's) or the Calico add-on
 * (`networkPolicy.enabled` without `addonsConfig.networkPolicyConfig.disabled`); otherwise every
 * NetworkPolicy is silently ignored.
 */
import { z } from "zod";
import { bool, field, str, UNKNOWN } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const gkeNetworkPolicyEnabledConfig = z.object({});

export const gkeNetworkPolicyEnabled = resourceRule({
  name: "netseg-gke-network-policy-enabled",
  description: "Every GKE cluster enforces NetworkPolicy through Dataplane V2 or the network policy add-on.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set datapathProvider to ADVANCED_DATAPATH (Dataplane V2), or enable networkPolicy together with the networkPolicyConfig add-on, on the cluster.",
  config: gkeNetworkPolicyEnabledConfig,
  covers: { rows: [24], ids: ["CKV_GCP_12", "Trivy GCP-0056", "Pulumi compliance-policies"] },
  types: ["gcp:container/cluster:Cluster"],
  check: (r, _cfg, report) => {
    const p = r.props;
    const datapath = str(p.datapathProvider);
    if (datapath === "ADVANCED_DATAPATH" || datapath === UNKNOWN || bool(p.enableAutopilot) === true || bool(p.enableAutopilot) === UNKNOWN) return;
    const enabled = bool(field(p.networkPolicy, "enabled"));
    const addonDisabled = bool(field(field(p.addonsConfig, "networkPolicyConfig"), "disabled"));
    if (enabled === UNKNOWN || addonDisabled === UNKNOWN) return;
    if (enabled !== true) report(`GKE cluster ${label(r)} does not enforce NetworkPolicy (networkPolicy.enabled is not true and datapathProvider is not ADVANCED_DATAPATH)`);
    else if (addonDisabled === true) report(`GKE cluster ${label(r)} enables networkPolicy but disables the add-on (addonsConfig.networkPolicyConfig.disabled)`);
  },
});
