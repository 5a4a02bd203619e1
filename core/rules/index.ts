export * from "./neutral";
export * from "./gcp";
export * from "./k8s";
export * from "./aws";
