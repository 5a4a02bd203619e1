/** netseg's pure core: no Pulumi here (DESIGN.md). */
export * from "./net";
export * from "./intent";
export * from "./addressing";
export * from "./tags";
export * from "./rules";
export * from "./egress";
export * from "./tenants";
// Namespaced: their names (Endpoint, isUnknown...) would collide with the intent's.
export * as reachability from "./reachability";
export * as resources from "./resources";
export * as flows from "./flows";
