/** AWS components. */
export * from "./vpc";
export * from "./egress";
export * from "./tenants";
