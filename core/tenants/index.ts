export * from "./routing";
export * from "./tenant-intent";
export * from "./stability";
export * from "./shared-intent";
export * from "./fleet";
export * from "./fleet-join";
