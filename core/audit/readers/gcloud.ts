/**
 * Reads `gcloud compute networks|subnets|firewall-rules|routes|instances list --format=json`
 * outputs: a JSON array of Compute Engine API resources, each with its `kind` (`compute#firewall`...)
 * and its `selfLink`. Each becomes the Pulumi GCP provider's resource, props as the provider names
 * them (`allows[{protocol, ports}]`, `networkIp`, `serviceAccount`...), its id the provider's
 * (`projects/p/global/firewalls/name`), references kept as the self links the API gives, which
 * the engine joins by self link or by name. A record of another kind is listed as not read.
 */
import { GCP } from "../../reachability/gcp/model";
import { arr, obj, text, type Tally } from "./common";

/** `https://www.googleapis.com/compute/v1/projects/p/global/networks/n` -> `projects/p/global/networks/n`, the provider's id. */
export function providerId(selfLink: string): string {
  const m = /\/compute\/[^/]+\/(projects\/.*)$/.exec(selfLink);
  return m ? m[1] : selfLink;
}

/** Last segment of a URL (a region's or zone's name). */
const lastSegment = (v: unknown): string | undefined => {
  const s = text(v);
  return s === undefined ? undefined : s.slice(s.lastIndexOf("/") + 1);
};

type Reader = (t: Tally, r: Record<string, unknown>, id: string, at: string) => void;

const network: Reader = (t, r, id, at) => {
  t.add("compute#network", GCP.network, id, {
    name: r.name,
    selfLink: r.selfLink,
    description: text(r.description),
    autoCreateSubnetworks: r.autoCreateSubnetworks === true,
    routingMode: text(obj(r.routingConfig)?.routingMode),
    mtu: r.mtu,
    enableUlaInternalIpv6: r.enableUlaInternalIpv6 === true ? true : undefined,
  }, String(r.name));
  arr(r.peerings).forEach((x, i) => {
    const p = obj(x);
    const name = text(p?.name);
    if (!p || !name) return t.skip(`${at}.peerings[${i}]`, "compute#networkPeering", "no name");
    if (text(p.state) !== "ACTIVE") return t.skip(`${at}.peerings[${i}]`, "compute#networkPeering", `state ${text(p.state) ?? "missing"}: an inactive peering carries nothing`, name);
    t.add("compute#networkPeering", "gcp:compute/networkPeering:NetworkPeering", `${id}/peerings/${name}`, {
      name,
      network: r.selfLink,
      peerNetwork: p.network,
      state: p.state,
      exportCustomRoutes: p.exportCustomRoutes === true,
      importCustomRoutes: p.importCustomRoutes === true,
    }, name);
  });
};

const subnetwork: Reader = (t, r, id) => {
  t.add("compute#subnetwork", GCP.subnet, id, {
    name: r.name,
    selfLink: r.selfLink,
    description: text(r.description),
    network: r.network,
    region: lastSegment(r.region),
    ipCidrRange: r.ipCidrRange,
    secondaryIpRanges: arr(r.secondaryIpRanges).map((x) => ({ rangeName: obj(x)?.rangeName, ipCidrRange: obj(x)?.ipCidrRange })),
    stackType: text(r.stackType),
    ipv6AccessType: text(r.ipv6AccessType),
    ipv6CidrRange: text(r.ipv6CidrRange),
    externalIpv6Prefix: text(r.externalIpv6Prefix),
    internalIpv6Prefix: text(r.internalIpv6Prefix),
    purpose: text(r.purpose),
    role: text(r.role),
    privateIpGoogleAccess: r.privateIpGoogleAccess === true,
    gatewayAddress: text(r.gatewayAddress),
  }, String(r.name));
};

/** The API's `allowed`/`denied` (`IPProtocol`) as the provider's `allows`/`denies` (`protocol`). */
const protocols = (v: unknown) => arr(v).map((x) => ({ protocol: obj(x)?.IPProtocol, ...(obj(x)?.ports !== undefined ? { ports: obj(x)?.ports } : {}) }));

const firewall: Reader = (t, r, id) => {
  t.add("compute#firewall", GCP.firewall, id, {
    name: r.name,
    selfLink: r.selfLink,
    description: text(r.description),
    network: r.network,
    direction: r.direction ?? "INGRESS",
    priority: r.priority ?? 1000,
    disabled: r.disabled === true,
    allows: protocols(r.allowed),
    denies: protocols(r.denied),
    sourceRanges: r.sourceRanges,
    destinationRanges: r.destinationRanges,
    sourceTags: r.sourceTags,
    targetTags: r.targetTags,
    sourceServiceAccounts: r.sourceServiceAccounts,
    targetServiceAccounts: r.targetServiceAccounts,
    logConfig: obj(r.logConfig) ? { metadata: obj(r.logConfig)!.metadata ?? (obj(r.logConfig)!.enable ? "INCLUDE_ALL_METADATA" : undefined) } : undefined,
  }, String(r.name));
};

const route: Reader = (t, r, id, at) => {
  // Subnet routes (and peering routes) are implied by the subnetworks and peerings; the provider has no resource for them.
  if (text(r.nextHopNetwork) && !text(r.nextHopGateway) && !text(r.nextHopIp) && !text(r.nextHopInstance) && !text(r.nextHopIlb) && !text(r.nextHopVpnTunnel)) {
    return t.count("compute#route (subnet route, implied by its subnetwork)");
  }
  if (text(r.nextHopPeering)) return t.skip(at, "compute#route", `route imported through peering ${text(r.nextHopPeering)}: the peer network's routes are not analysed`, String(r.name));
  if (text(r.nextHopHub) || text(r.nextHopInterconnectAttachment)) return t.skip(at, "compute#route", "a Network Connectivity Center or Interconnect route: not analysed", String(r.name));
  t.add("compute#route", GCP.route, id, {
    name: r.name,
    selfLink: r.selfLink,
    description: text(r.description),
    network: r.network,
    destRange: r.destRange,
    priority: r.priority,
    tags: r.tags,
    nextHopGateway: text(r.nextHopGateway),
    nextHopIp: text(r.nextHopIp),
    nextHopInstance: text(r.nextHopInstance),
    nextHopIlb: text(r.nextHopIlb),
    nextHopVpnTunnel: text(r.nextHopVpnTunnel),
  }, String(r.name));
};

const instance: Reader = (t, r, id) => {
  const accounts = arr(r.serviceAccounts).map(obj);
  const tags = obj(r.tags);
  t.add("compute#instance", GCP.instance, id, {
    name: r.name,
    selfLink: r.selfLink,
    description: text(r.description),
    zone: lastSegment(r.zone),
    machineType: lastSegment(r.machineType),
    status: text(r.status),
    canIpForward: r.canIpForward === true,
    labels: obj(r.labels),
    tags: arr(tags?.items).filter((x) => typeof x === "string"),
    networkInterfaces: arr(r.networkInterfaces).map((x) => {
      const n = obj(x) ?? {};
      return {
        name: n.name,
        network: n.network,
        subnetwork: n.subnetwork,
        networkIp: n.networkIP,
        stackType: n.stackType,
        ipv6Address: n.ipv6Address,
        accessConfigs: arr(n.accessConfigs).map((a) => ({ natIp: obj(a)?.natIP, networkTier: obj(a)?.networkTier })),
        ipv6AccessConfigs: arr(n.ipv6AccessConfigs).map((a) => ({ externalIpv6: obj(a)?.externalIpv6, externalIpv6PrefixLength: obj(a)?.externalIpv6PrefixLength, networkTier: obj(a)?.networkTier })),
        aliasIpRanges: arr(n.aliasIpRanges).map((a) => ({ ipCidrRange: obj(a)?.ipCidrRange, subnetworkRangeName: obj(a)?.subnetworkRangeName })),
      };
    }),
    // The provider holds one account per instance (the API allows only one).
    serviceAccount: accounts[0] ? { email: accounts[0].email, scopes: accounts[0].scopes } : undefined,
  }, String(r.name));
};

const READERS: Readonly<Record<string, Reader>> = {
  "compute#network": network,
  "compute#subnetwork": subnetwork,
  "compute#firewall": firewall,
  "compute#route": route,
  "compute#instance": instance,
};

/** One gcloud document (an array of API resources) into `t`. */
export function readGcloudDocument(t: Tally, doc: readonly unknown[], prefix: string): void {
  doc.forEach((x, i) => {
    const r = obj(x);
    const at = `${prefix}[${i}]`;
    const kind = text(r?.kind);
    if (!r || !kind) return t.skip(at, "gcloud record", "no kind: not a Compute Engine API resource");
    const read = READERS[kind];
    if (!read) return t.skip(at, kind, `no reader for ${kind} (read: ${Object.keys(READERS).join(", ")})`, text(r.name));
    const self = text(r.selfLink);
    if (!self || !text(r.name)) return t.skip(at, kind, "no selfLink or name: the record cannot be joined to others");
    read(t, r, providerId(self), at);
  });
}
