export { GcpEgressProxy, type GcpEgressProxyArgs, type GcpEgressNetwork, type GcpProxyRegionResources } from "./egress-proxy";
