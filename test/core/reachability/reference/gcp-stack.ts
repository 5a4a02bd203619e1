/**
 * A small GCP stack as plain data (the soundness test's generator fills it in), its readable
 * form for a failing case, and the resources a preview would record for it: VPC networks
 * (default routes kept or deleted), subnetworks marked with a zone (`netseg-zone=<zone>` in the
 * description) or not, one instance template per zone carrying its network tags, firewall rules
 * and routes to the default internet gateway.
 */
import type { NetResource } from "../../../../core/reachability";
import { res } from "../build";

export const GCP_TYPES = {
  network: "gcp:compute/network:Network",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  firewall: "gcp:compute/firewall:Firewall",
  route: "gcp:compute/route:Route",
  template: "gcp:compute/instanceTemplate:InstanceTemplate",
  instance: "gcp:compute/instance:Instance",
  account: "gcp:serviceaccount/account:Account",
} as const;

/** The email of service account `id` in the tests' project. */
export const accountEmail = (id: string) => `${id}@proj.iam.gserviceaccount.com`;

export interface GcpNetworkSpec {
  readonly name: string;
  /** `deleteDefaultRoutesOnCreate`: without GCP's default route to the internet. */
  readonly deleteDefaultRoutes: boolean;
}

export interface GcpSubnetSpec {
  readonly name: string;
  readonly network: string;
  readonly cidr: string;
  readonly zone?: string;
}

/** An instance template of a zone (labelled with it) and the network tags its instances carry; a zone may have several. */
export interface GcpZoneTags {
  readonly zone: string;
  readonly tags: readonly string[];
}

export interface GcpFirewallSpec {
  readonly name: string;
  readonly network: string;
  readonly direction: "INGRESS" | "EGRESS";
  readonly priority: number;
  readonly action: "allow" | "deny";
  readonly protocol: "tcp" | "udp" | "icmp" | "all";
  /** `22`, `80-443`; none: every port of the protocol. */
  readonly ports: readonly string[];
  readonly sourceRanges: readonly string[];
  readonly sourceTags: readonly string[];
  /** Service account ids (`sa-web`); GCP takes these or source tags, not both. */
  readonly sourceAccounts: readonly string[];
  readonly destinationRanges: readonly string[];
  readonly targetTags: readonly string[];
  /** Service account ids; GCP takes these or target tags, not both. */
  readonly targetAccounts: readonly string[];
}

export interface GcpRouteSpec {
  readonly name: string;
  readonly network: string;
  readonly dest: string;
  readonly tags: readonly string[];
}

/** A VM with a fixed internal address (`networkIp`) in a subnetwork, its own tags, and an external IPv4 address or not. */
export interface GcpInstanceSpec {
  readonly name: string;
  readonly subnet: string;
  readonly ip: string;
  readonly tags: readonly string[];
  readonly external: boolean;
  /** The service account id it runs as, if any. */
  readonly account?: string;
}

export interface GcpSpec {
  readonly networks: readonly GcpNetworkSpec[];
  readonly subnets: readonly GcpSubnetSpec[];
  readonly zoneTags: readonly GcpZoneTags[];
  readonly firewalls: readonly GcpFirewallSpec[];
  readonly routes: readonly GcpRouteSpec[];
  readonly instances: readonly GcpInstanceSpec[];
  /** Service accounts marked with a zone (`sa-<zone>`, `netseg-zone=<zone>`): the zone's instances run as them. */
  readonly zoneAccounts: readonly string[];
}

function firewallText(f: GcpFirewallSpec): string {
  const traffic = f.protocol === "all" || f.protocol === "icmp" || !f.ports.length ? f.protocol : `${f.protocol}:${f.ports.join(",")}`;
  const peers = f.direction === "INGRESS" ? [...f.sourceRanges, ...f.sourceTags.map((t) => `tag ${t}`), ...f.sourceAccounts.map((a) => `account ${a}`)] : f.destinationRanges;
  const targets = f.targetTags.length ? `tags ${f.targetTags.join(",")}` : f.targetAccounts.length ? `accounts ${f.targetAccounts.join(",")}` : "all instances";
  return `firewall ${f.name} ${f.network} ${f.direction} priority ${f.priority} ${f.action} ${traffic} ${f.direction === "INGRESS" ? "from" : "to"} ${peers.join(" | ")} on ${targets}`;
}

/** The stack as lines a person can check by hand. */
export function describeGcp(spec: GcpSpec): string {
  return [
    ...spec.networks.map((n) => `network ${n.name}${n.deleteDefaultRoutes ? " (default routes deleted)" : ""}`),
    ...spec.subnets.map((s) => `subnetwork ${s.name} ${s.network} ${s.cidr} zone=${s.zone ?? "-"}`),
    ...spec.zoneTags.map((z, i) => `template tpl-${z.zone}-${i} of zone ${z.zone}: instances tagged ${z.tags.join(",") || "(none)"}`),
    ...spec.zoneAccounts.map((z) => `service account sa-${z} of zone ${z}`),
    ...spec.instances.map((i) => `instance ${i.name} in ${i.subnet} at ${i.ip} tagged ${i.tags.join(",") || "(none)"}${i.account ? ` as ${i.account}` : ""}${i.external ? " with an external IP" : ""}`),
    ...spec.firewalls.map(firewallText),
    ...spec.routes.map((r) => `route ${r.name} ${r.network} ${r.dest} -> default-internet-gateway for ${r.tags.length ? `tags ${r.tags.join(",")}` : "all instances"}`),
  ].join("\n");
}

const id = (name: string) => `${name}-id`;

export function gcpStackResources(spec: GcpSpec): NetResource[] {
  const out: NetResource[] = spec.networks.map((n) => res(GCP_TYPES.network, n.name, { name: n.name, autoCreateSubnetworks: false, ...(n.deleteDefaultRoutes ? { deleteDefaultRoutesOnCreate: true } : {}) }));
  for (const s of spec.subnets) {
    out.push(res(GCP_TYPES.subnet, s.name, { network: id(s.network), ipCidrRange: s.cidr, description: s.zone ? `zone ${s.zone} (netseg-zone=${s.zone})` : "hand-made subnetwork" }));
  }
  for (const [i, z] of spec.zoneTags.entries()) out.push(res(GCP_TYPES.template, `tpl-${z.zone}-${i}`, { machineType: "e2-small", labels: { "netseg-zone": z.zone }, tags: [...z.tags] }));
  for (const z of spec.zoneAccounts) out.push(res(GCP_TYPES.account, `sa-${z}`, { accountId: `sa-${z}`, email: accountEmail(`sa-${z}`), description: `identity of zone ${z} (netseg-zone=${z})` }));
  for (const i of spec.instances) {
    out.push(
      res(GCP_TYPES.instance, i.name, {
        machineType: "e2-small",
        zone: "europe-west1-b",
        bootDisk: { initializeParams: { image: "debian-cloud/debian-12" } },
        tags: [...i.tags],
        ...(i.account ? { serviceAccount: { email: accountEmail(i.account), scopes: ["cloud-platform"] } } : {}),
        networkInterfaces: [{ subnetwork: id(i.subnet), networkIp: i.ip, ...(i.external ? { accessConfigs: [{}] } : {}) }],
      }),
    );
  }
  for (const f of spec.firewalls) {
    out.push(
      res(GCP_TYPES.firewall, f.name, {
        network: id(f.network),
        direction: f.direction,
        priority: f.priority,
        [f.action === "allow" ? "allows" : "denies"]: [{ protocol: f.protocol, ...(f.ports.length ? { ports: [...f.ports] } : {}) }],
        ...(f.sourceRanges.length ? { sourceRanges: [...f.sourceRanges] } : {}),
        ...(f.sourceTags.length ? { sourceTags: [...f.sourceTags] } : {}),
        ...(f.destinationRanges.length ? { destinationRanges: [...f.destinationRanges] } : {}),
        ...(f.targetTags.length ? { targetTags: [...f.targetTags] } : {}),
        ...(f.sourceAccounts.length ? { sourceServiceAccounts: f.sourceAccounts.map(accountEmail) } : {}),
        ...(f.targetAccounts.length ? { targetServiceAccounts: f.targetAccounts.map(accountEmail) } : {}),
      }),
    );
  }
  for (const r of spec.routes) out.push(res(GCP_TYPES.route, r.name, { network: id(r.network), destRange: r.dest, nextHopGateway: "default-internet-gateway", ...(r.tags.length ? { tags: [...r.tags] } : {}) }));
  return out;
}
