export { TenantVpcs, type TenantVpcResources } from "./tenant-vpcs";
export type { TenantVpcsArgs, ExistingSharedServices } from "./args";
export { TenantFleetTransit, TenantFleetShard, fleetTransitFromStack, fleetTransit, type FleetTenantResources } from "./fleet";
export { FLEET_TRANSIT_OUTPUTS, type FleetTransitRefs, type TenantFleetShardArgs, type TenantFleetTransitArgs } from "./fleet-args";
export { DEFAULT_TENANTS_IN_FLIGHT, type TenantRegistration } from "./registration";
