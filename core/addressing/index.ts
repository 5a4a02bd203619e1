export * from "./plan";
export * from "./tenants";
