export * from "./types";
export { GCP_NAME_PATTERN, GCP_NAME_MAX, GCP_PREFIX_MAX, GCP_ACCOUNT_ID_MIN, GCP_ACCOUNT_ID_MAX, gcpName, gcpNameProblem, shortenName, serviceAccountId } from "./names";
export { GCP_FIREWALL_LIMITS, firewallZone, gcpProtocols } from "./firewall";
export { gcpFlowTuples, type TupleContext } from "./tuples";
export { planGcpNetwork, GCP_REGION_PATTERN, type GcpPlanOptions } from "./network";
