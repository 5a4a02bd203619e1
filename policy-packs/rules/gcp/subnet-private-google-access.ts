/**
 * Passing condition: every GCP subnet that holds VMs has Private Google Access, so its VMs reach
 * Google APIs without external IPs or a path to the internet.
 */
import { z } from "zod";
import { bool } from "../../../core/resources";
import { label, resourceRule } from "../define";
import { GCP_SUBNET, isVmSubnet } from "./subnet-view";

export const subnetPrivateGoogleAccessConfig = z.object({});

export const subnetPrivateGoogleAccess = resourceRule({
  name: "netseg-gcp-subnet-private-google-access",
  description: "Every GCP subnet that holds VMs has Private Google Access enabled.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps: "Set privateIpGoogleAccess to true on the subnetwork so its VMs reach Google APIs without external IPs.",
  config: subnetPrivateGoogleAccessConfig,
  covers: { rows: [21], ids: ["CKV_GCP_74", "Trivy GCP-0075"] },
  types: [GCP_SUBNET],
  check: (r, _cfg, report) => {
    const v = bool(r.props.privateIpGoogleAccess);
    if (!isVmSubnet(r.props) || (v !== false && v !== undefined)) return;
    report(`subnet ${label(r)} (${String(r.props.ipCidrRange ?? "range unknown")}) has privateIpGoogleAccess off`);
  },
});
