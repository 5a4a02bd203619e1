export { EgressProxy } from "./egress-proxy";
export { egressNetworkOf, type EgressNetwork, type EgressProxyResourceArgs, type ProxyFleetOptions, type SegmentedVpcLike } from "./args";
export { AL2023_AMI } from "./proxy-fleet";
