export { SegmentedNetwork, type SegmentedNetworkArgs } from "./segmented-network";
export { createGcpNetwork, type GcpNetworkResources } from "./create";
export { GcpEgressProxy, type GcpEgressProxyArgs, type GcpEgressNetwork } from "./egress";
export { planGcpTelemetry, renderLogFilter, type GcpTelemetryArgs, type GcpTelemetryOptions, type GcpTelemetryPlan, type GcpTelemetryResources, type LogClause } from "./telemetry";
