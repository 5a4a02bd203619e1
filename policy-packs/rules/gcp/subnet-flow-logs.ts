/**
 * Passing condition: every GCP subnet that holds VMs has VPC flow logs enabled (a `logConfig`
 * block), so the traffic segmentation allows and blocks can be audited.
 */
import { z } from "zod";
import { isObject, isUnknown } from "../../../core/resources";
import { label, resourceRule } from "../define";
import { GCP_SUBNET, isVmSubnet } from "./subnet-view";

export const subnetFlowLogsConfig = z.object({});

export const subnetFlowLogs = resourceRule({
  name: "netseg-gcp-subnet-flow-logs",
  description: "Every GCP subnet that holds VMs has VPC flow logs enabled.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Enable VPC flow logs on the subnetwork (logConfig with an aggregation interval and sampling rate).",
  config: subnetFlowLogsConfig,
  covers: { rows: [20], ids: ["CKV_GCP_26", "Trivy GCP-0029"] },
  types: [GCP_SUBNET],
  check: (r, _cfg, report) => {
    if (!isVmSubnet(r.props) || isUnknown(r.props.logConfig) || isObject(r.props.logConfig)) return;
    report(`subnet ${label(r)} (${String(r.props.ipCidrRange ?? "range unknown")}) has no flow logs (logConfig)`);
  },
});
