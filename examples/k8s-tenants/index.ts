/**
 * Tenants on one shared cluster, from examples/k8s-tenants/intent.yaml: per tenant the namespaces
 * <tenant>-web, <tenant>-app and <tenant>-data with a default deny, DNS, and one NetworkPolicy per
 * flow target; shared-services reachable from every tenant zone on 443; and the cluster
 * guardrails: per tenant an AdminNetworkPolicy denying every other tenant, per zone one that
 * allows DNS, passes the declared flows to the NetworkPolicies and denies every other zone, and
 * the BaselineAdminNetworkPolicy for namespaces whose owners removed netseg's policies. A
 * NetworkPolicy a namespace owner adds can narrow what netseg allows, never open a path between
 * zones or tenants that the intent does not declare.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { TenantNamespaces } from "../../components/k8s";

const config = new pulumi.Config();

const tenants = new TenantNamespaces("tenants", {
  intent: path.join(__dirname, "intent.yaml"),
  clusterGuardrails: config.getBoolean("clusterGuardrails") ?? true,
});

export const tenantNamespaces = tenants.tenantNamespaces;
export const adminNetworkPolicies = (tenants.plan.adminNetworkPolicies ?? []).map((p) => p.metadata.name);
export const baselineAdminNetworkPolicy = tenants.plan.baselineAdminNetworkPolicy?.metadata.name ?? null;
