/** AWS rules: one line per rule (see ../registry.ts). */
export * from "./sg-no-internet-admin-ports";
export * from "./sg-no-internet-all-ports";
export * from "./sg-internet-ingress-allowlist";
export * from "./sg-no-unrestricted-egress";
export * from "./default-sg-no-rules";
export * from "./default-sg-no-standalone-rules";
export * from "./vpc-flow-logs";
export * from "./nacl-no-internet-admin-ports";
export * from "./nacl-no-allow-all";
export * from "./subnet-no-public-ip-on-launch";
export * from "./no-default-vpc";
export * from "./instance-no-public-ip";
export * from "./datastore-not-public";
export * from "./sg-no-mixed-rule-management";
export * from "./sg-nacl-attached";
export * from "./no-shadowed-rules";
export * from "./sg-rule-descriptions";
