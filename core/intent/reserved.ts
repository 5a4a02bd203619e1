/**
 * Names the intent vocabulary or a platform already gives a meaning to: `internet` is a flow
 * endpoint, Kubernetes owns its system namespaces, and tenants reach a peer netseg names
 * `shared-services`. A zone, peer or tenant taking one of them would be misread or would take
 * over something netseg must leave alone.
 */
import type { IntentDocument } from "./schema";
import type { Collector } from "./sections";

/** Kubernetes' own namespaces; every `kube-` name is reserved for the system too. */
const KUBERNETES_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
/** The peer every tenant VPC reaches (core/tenants/routing.ts SHARED_SERVICES; kept here so core/intent imports nothing above it). */
export const SHARED_SERVICES_NAME = "shared-services";

function isKubernetesNamespace(name: string): boolean {
  return KUBERNETES_NAMESPACES.includes(name) || name.startsWith("kube-");
}

export function checkReservedNames(c: Collector, doc: IntentDocument): void {
  const peerNames = new Set(doc.peers.map((p) => p.name));
  doc.zones.forEach((z, i) => {
    const path = `zones[${i}].name`;
    if (z.name === "internet") c.add(path, `"internet" is the flow endpoint for the internet, so a zone of that name could never be reached`, z.name, "give the zone another name");
    else if (z.managed && isKubernetesNamespace(z.name)) {
      c.add(path, `zone "${z.name}" is named like a Kubernetes system namespace: as a managed zone netseg would take that namespace over and deny all traffic in it`, z.name, `give the zone another name, or set managed: false to reference the existing namespace without taking it over`);
    }
  });
  const t = doc.tenants;
  if (!t) return;
  t.zones.forEach((z, i) => {
    const path = `tenants.zones[${i}].name`;
    if (z.name === "internet" || z.name === SHARED_SERVICES_NAME) {
      c.add(path, `"${z.name}" is a flow endpoint of every tenant VPC (${z.name === "internet" ? "the internet" : "the shared-services VPC"}), so a tenant zone of that name could never be reached`, z.name, "give the tenant zone another name");
    } else if (peerNames.has(z.name)) {
      c.add(path, `"${z.name}" is already the name of a peer, and a tenant flow naming it would mean the peer`, z.name, "give the tenant zone or the peer another name");
    }
  });
  doc.peers.forEach((p, i) => {
    if (p.name === SHARED_SERVICES_NAME) {
      c.add(`peers[${i}].name`, `"${SHARED_SERVICES_NAME}" is the peer netseg gives every tenant VPC for tenants.sharedServices; a peer of that name would be replaced by it`, p.name, "give the peer another name (tenants reach shared services on tenants.sharedServices.ports)");
    }
  });
  t.members.forEach((m, i) => {
    if (m.name === SHARED_SERVICES_NAME) c.add(`tenants.members[${i}].name`, `"${SHARED_SERVICES_NAME}" is reserved for the shared-services VPC`, m.name, "give the tenant another name");
  });
}
