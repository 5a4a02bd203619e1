/**
 * VPC flow logs, on by default: the audit trail every segmentation review starts from. To
 * CloudWatch Logs (a log group with a retention and a role the flow-logs service assumes, with
 * write access to that group only), or to S3 (a given bucket, or a private bucket whose
 * lifecycle expires logs after the retention).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { FlowLogsArgs, SegmentedVpcPlan } from "./args";
import type { VpcTags } from "./tags";

export interface FlowLogResources {
  readonly flowLog?: aws.ec2.FlowLog;
  readonly logGroup?: aws.cloudwatch.LogGroup;
  readonly role?: aws.iam.Role;
  readonly bucket?: aws.s3.Bucket;
}

/** `vpcId` names the VPC logged; `vpc` is the parent of what is created (the VPC, or the component for an existing VPC). */
export function createFlowLogs(name: string, plan: SegmentedVpcPlan, args: FlowLogsArgs | undefined, tags: VpcTags, vpcId: pulumi.Input<string>, vpc: pulumi.Resource): FlowLogResources {
  const cfg = plan.flowLogs;
  if (!cfg.enabled) return {};
  const key = `${name}-flow-logs`;
  const t = tags.shared("flow-logs", "flow-logs");
  if (cfg.destination === "s3") {
    const given = args && args.destination === "s3" ? args.bucketArn : undefined;
    let bucket: aws.s3.Bucket | undefined;
    if (!given) {
      bucket = new aws.s3.Bucket(key, { tags: t }, { parent: vpc });
      new aws.s3.BucketPublicAccessBlock(key, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, { parent: bucket });
      new aws.s3.BucketLifecycleConfiguration(key, { bucket: bucket.id, rules: [{ id: "expire-flow-logs", status: "Enabled", filter: {}, expiration: { days: cfg.retentionDays } }] }, { parent: bucket });
    }
    const flowLog = new aws.ec2.FlowLog(key, { vpcId, trafficType: cfg.trafficType, logDestinationType: "s3", logDestination: given ?? bucket!.arn, maxAggregationInterval: 60, tags: t }, { parent: vpc });
    return { flowLog, bucket };
  }
  const logGroup = new aws.cloudwatch.LogGroup(key, { retentionInDays: cfg.retentionDays, tags: t }, { parent: vpc });
  const role = new aws.iam.Role(
    key,
    {
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      tags: t,
    },
    { parent: vpc },
  );
  new aws.iam.RolePolicy(
    key,
    {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"], Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`] }],
      }),
    },
    { parent: role },
  );
  const flowLog = new aws.ec2.FlowLog(key, { vpcId, trafficType: cfg.trafficType, logDestinationType: "cloud-watch-logs", logDestination: logGroup.arn, iamRoleArn: role.arn, maxAggregationInterval: 60, tags: t }, { parent: vpc });
  return { flowLog, logGroup, role };
}
