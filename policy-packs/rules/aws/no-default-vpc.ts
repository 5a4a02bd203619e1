/**
 * Passing condition: the stack neither adopts nor uses the default VPC or its default subnets:
 * the default VPC is one flat network with public subnets, the opposite of segmentation.
 */
import { z } from "zod";
import { label, resourceRule } from "../define";

export const noDefaultVpcConfig = z.object({});

export const noDefaultVpc = resourceRule({
  name: "netseg-aws-no-default-vpc",
  description: "No default VPC or default subnet is managed or used by the stack.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Create the resource in a VPC the stack declares (a SegmentedVpc, or an explicit vpcId/subnetId) instead of the default VPC, and stop managing the default VPC or its subnets.",
  config: noDefaultVpcConfig,
  covers: { rows: [10], ids: ["CKV_AWS_148", "Trivy AWS-0101"] },
  types: ["aws:ec2/defaultVpc:DefaultVpc", "aws:ec2/defaultSubnet:DefaultSubnet"],
  check: (r, _cfg, report) => {
    report(`${label(r)} puts the default VPC in use; create a segmented VPC instead`);
  },
});
