/** Shared by the GCP subnet rules: which subnets are ordinary (not proxy or PSC subnets). */
import { str, UNKNOWN, type PlainObject } from "../../../core/resources";

export const GCP_SUBNET = "gcp:compute/subnetwork:Subnetwork";

/** Purposes whose subnets hold no VMs and cannot take flow logs or private access settings. */
const SPECIAL = ["REGIONAL_MANAGED_PROXY", "GLOBAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER", "PRIVATE_SERVICE_CONNECT", "PRIVATE_NAT"];

/** True for a subnet VMs live in; unknown purposes are judged too (PRIVATE is the default). */
export function isVmSubnet(props: PlainObject): boolean {
  const p = str(props.purpose);
  return p === UNKNOWN || p === undefined || !SPECIAL.includes(p);
}
