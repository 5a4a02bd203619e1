export * from "./sources";
export * from "./network-firewall";
export * from "./squid";
export * from "./user-data";
export * from "./aws-path";
export * from "./zone-rules";
export * from "./gcp-proxy";
export * from "./gcp-startup";
