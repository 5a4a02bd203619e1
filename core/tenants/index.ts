export * from "./routing";
export * from "./tenant-intent";
export * from "./stability";
