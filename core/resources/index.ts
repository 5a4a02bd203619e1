/**
 * Resources as plain data: readers for AWS, GCP and Kubernetes network resources that turn
 * property bags (with unknown values) into TrafficSets and CidrSets, and stack-wide joins.
 * Pure: no Pulumi import. Used by the policy packs and the reachability engine.
 */
export * from "./plain";
export * from "./traffic";
export * from "./addresses";
export * from "./stack";
export * from "./exposure";
export * from "./aws-security-groups";
export * from "./aws-nacls";
export * from "./kubernetes";
export * from "./gcp";
