export { SegmentedNetwork, type SegmentedNetworkArgs } from "./segmented-network";
export { createGcpNetwork, type GcpNetworkResources } from "./create";
export { GcpEgressProxy, type GcpEgressProxyArgs, type GcpEgressNetwork } from "./egress";
