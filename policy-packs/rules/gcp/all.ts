/** GCP rules: one line per rule (see ../registry.ts). */
export * from "./firewall-no-internet-admin-ports";
export * from "./firewall-no-wide-ports";
export * from "./firewall-no-unrestricted-egress";
export * from "./subnet-flow-logs";
export * from "./subnet-private-google-access";
export * from "./no-default-network";
export * from "./vm-no-external-ip";
export * from "./gke-network-policy-enabled";
export * from "./firewall-well-formed";
