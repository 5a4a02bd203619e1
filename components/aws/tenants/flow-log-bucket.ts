/**
 * One flow-log bucket for a whole tenant fleet (TenantVpcs `layout: "lean"`): private, public
 * access blocked, encrypted by S3 default, logs expired after the retention. Each tenant VPC
 * writes under its own prefix (`<bucket>/<tenant>/`), so one tenant's logs are still one
 * prefix to grant, export or delete, without a log group, a role and a policy per tenant.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { DEFAULT_RETENTION_DAYS } from "../vpc/args";

export function createFleetFlowLogBucket(name: string, tags: Record<string, string>, parent: pulumi.Resource, retentionDays = DEFAULT_RETENTION_DAYS): aws.s3.Bucket {
  const key = `${name}-flow-logs`;
  const bucket = new aws.s3.Bucket(key, { tags: { ...tags, Name: key } }, { parent });
  new aws.s3.BucketPublicAccessBlock(key, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, { parent: bucket });
  new aws.s3.BucketLifecycleConfiguration(key, { bucket: bucket.id, rules: [{ id: "expire-flow-logs", status: "Enabled", filter: {}, expiration: { days: retentionDays } }] }, { parent: bucket });
  return bucket;
}
