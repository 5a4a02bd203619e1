/**
 * Passing condition: no GCP network is an auto-mode network (one subnet per region, created for
 * you, with the default network's flat addressing) or named "default". `autoCreateSubnetworks`
 * defaults to true, so a network that does not set it to false is auto-mode.
 */
import { z } from "zod";
import { bool, str } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const noDefaultNetworkConfig = z.object({});

export const noDefaultNetwork = resourceRule({
  name: "netseg-gcp-no-default-network",
  description: "No GCP network is auto-mode or named default.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Create the network with autoCreateSubnetworks set to false and a name other than default, and declare its subnets explicitly (a SegmentedNetwork does this).",
  config: noDefaultNetworkConfig,
  covers: { rows: [22], ids: ["CKV_GCP_27", "Trivy GCP-0073"] },
  types: ["gcp:compute/network:Network"],
  check: (r, _cfg, report) => {
    const auto = bool(r.props.autoCreateSubnetworks);
    if (auto === true || auto === undefined) report(`network ${label(r)} is auto-mode (autoCreateSubnetworks ${auto === undefined ? "unset, defaults to true" : "true"}); set it to false and declare subnets per zone`);
    if (str(r.props.name) === "default") report(`network ${label(r)} is named default`);
  },
});
