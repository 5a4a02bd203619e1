export { EgressProxy } from "./egress-proxy";
export { egressNetworkOf, type EgressNetwork, type EgressProxyResourceArgs, type ProxyFleetOptions, type SegmentedVpcLike, type TlsInspectionOptions } from "./args";
export { AL2023_AMI } from "./proxy-fleet";
