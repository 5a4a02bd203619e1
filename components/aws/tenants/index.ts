export { TenantVpcs, type TenantVpcResources } from "./tenant-vpcs";
export type { TenantVpcsArgs, ExistingSharedServices } from "./args";
