export * from "./neutral";
export * from "./gcp";
