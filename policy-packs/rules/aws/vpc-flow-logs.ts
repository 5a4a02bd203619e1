/**
 * Passing condition: every VPC of the stack has a flow log, joined by the flow log's `vpcId`
 * (by URN at preview, by id after deployment); segmentation nobody can audit is not kept.
 */
import { z } from "zod";
import { stackRule } from "../define";

const VPC = "aws:ec2/vpc:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

export const vpcFlowLogsConfig = z.object({});

export const vpcFlowLogs = stackRule({
  name: "netseg-aws-vpc-flow-logs",
  description: "Every VPC in the stack has a flow log attached.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Add an aws.ec2.FlowLog for the VPC (trafficType ALL) to CloudWatch Logs or S3 (SegmentedVpc's flowLogs option does this).",
  config: vpcFlowLogsConfig,
  covers: { rows: [6], ids: ["CKV2_AWS_11", "Trivy AWS-0178", "KICS f83121ea"] },
  types: [VPC],
  check: (stack, _cfg, report) => {
    const logged = new Set(stack.ofType(FLOW_LOG).flatMap((f) => stack.referencedOrOnlyDependency(f, "vpcId", [VPC]).map((v) => v.urn)));
    for (const vpc of stack.ofType(VPC)) {
      if (!logged.has(vpc.urn)) report(`VPC ${vpc.name} has no flow log (no aws.ec2.FlowLog with vpcId set to it)`, vpc.urn);
    }
  },
});
