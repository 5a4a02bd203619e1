export { SegmentedVpc, SegmentedVpcError, SEGMENTED_VPC_TYPE } from "./segmented-vpc";
export { type ExistingVpcArgs, type ExistingVpcPlan } from "./existing-vpc";
export { planSegmentedVpc, LOG_RETENTION_DAYS, DEFAULT_RETENTION_DAYS, type SegmentedVpcArgs, type SegmentedVpcPlan, type NatGatewayStrategy, type GatewayEndpointService, type FlowLogsArgs, type EgressProxyArgs } from "./args";
export { DEFAULT_ROUTE } from "./routing";
export type { NetworkResources } from "./network";
export type { RoutingResources } from "./routing";
export type { SecurityResources } from "./security";
export type { FlowLogResources } from "./flow-logs";
export { planAwsTelemetry, awsDashboardBody, type AwsTelemetryArgs, type AwsTelemetryOptions, type AwsTelemetryPlan, type TelemetryResources } from "./telemetry";
