/**
 * Turns a GCP network plan into resources, one to one. No decisions are made here: names,
 * CIDRs, priorities and which zones get NAT or the internet route all come from the plan
 * (core/rules/gcp), which has already been validated. Logical names come from the plan's
 * stable keys (zone, region, rule key), never from list positions; parents mirror the
 * topology (subnets and routes under the network, NAT under its router).
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { GcpFirewallRulePlan, GcpNetworkPlan, GcpZonePlan } from "../../core/rules/gcp";

export interface GcpNetworkResources {
  readonly network: gcp.compute.Network;
  /** By subnet key `<zone>-<region>`. */
  readonly subnets: Readonly<Record<string, gcp.compute.Subnetwork>>;
  /** By zone; empty when targeting by network tag. */
  readonly serviceAccounts: Readonly<Record<string, gcp.serviceaccount.Account>>;
  /** By zone; the email firewall rules name. */
  readonly serviceAccountEmails: Readonly<Record<string, pulumi.Output<string>>>;
  /** By rule key. */
  readonly firewalls: Readonly<Record<string, gcp.compute.Firewall>>;
  /** By route key. */
  readonly routes: Readonly<Record<string, gcp.compute.Route>>;
  /** By region. */
  readonly routers: Readonly<Record<string, gcp.compute.Router>>;
  readonly nats: Readonly<Record<string, gcp.compute.RouterNat>>;
}

/** Zone marks in text, for resources that take a description but no labels. */
function marksText(z: GcpZonePlan): string {
  return Object.entries(z.labels).map(([k, v]) => `${k}=${v}`).join(" ");
}

/**
 * A service account's email. GCP defines it as `<accountId>@<project>.iam.gserviceaccount.com`;
 * the provider's `email` output is used whenever it is known, and the definition only where a
 * runtime (such as a mock) leaves it empty.
 */
function emailOf(sa: gcp.serviceaccount.Account): pulumi.Output<string> {
  return pulumi.all([sa.email, sa.accountId, sa.project]).apply(([email, id, project]) => email || `${id}@${project}.iam.gserviceaccount.com`);
}

function firewallArgs(plan: GcpNetworkPlan, r: GcpFirewallRulePlan, network: gcp.compute.Network, emails: Readonly<Record<string, pulumi.Output<string>>>, project?: pulumi.Input<string>): gcp.compute.FirewallArgs {
  const byTag = plan.targeting === "tag";
  const tagOf = (zone: string) => plan.zones.find((z) => z.name === zone)!.networkTag;
  const targets = r.targetZones.length ? r.targetZones : undefined;
  const sources = r.sourceZones.length ? r.sourceZones : undefined;
  const blocks = r.protocols.map((p) => (p.ports ? { protocol: p.protocol, ports: [...p.ports] } : { protocol: p.protocol }));
  return {
    name: r.name,
    network: network.id,
    project,
    description: r.description,
    direction: r.direction,
    priority: r.priority,
    ...(r.action === "allow" ? { allows: blocks } : { denies: blocks }),
    sourceRanges: r.sourceRanges.length ? [...r.sourceRanges] : undefined,
    destinationRanges: r.destinationRanges.length ? [...r.destinationRanges] : undefined,
    // A quarantined workload's rules name its quarantine tag, whatever the network's targeting.
    targetTags: r.targetTags?.length ? [...r.targetTags] : byTag ? targets?.map(tagOf) : undefined,
    sourceTags: byTag ? sources?.map(tagOf) : undefined,
    targetServiceAccounts: byTag || r.targetTags?.length ? undefined : targets?.map((z) => emails[z]),
    sourceServiceAccounts: byTag ? undefined : sources?.map((z) => emails[z]),
    logConfig: { metadata: "INCLUDE_ALL_METADATA" },
  };
}

/** Creates every resource of the plan under `parent`. */
export function createGcpNetwork(name: string, plan: GcpNetworkPlan, parent: pulumi.Resource, project?: pulumi.Input<string>): GcpNetworkResources {
  const network = new gcp.compute.Network(
    `${name}-vpc`,
    {
      name: plan.networkName,
      project,
      description: `netseg segmented network of intent ${plan.intent}: custom-mode, default routes deleted, deny-all firewall`,
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
      deleteDefaultRoutesOnCreate: true,
    },
    { parent },
  );

  const subnets: Record<string, gcp.compute.Subnetwork> = {};
  for (const z of plan.zones) {
    for (const s of z.subnets) {
      subnets[s.key] = new gcp.compute.Subnetwork(
        `${name}-${s.key}`,
        {
          name: s.name,
          project,
          network: network.id,
          region: s.region,
          ipCidrRange: s.cidr,
          stackType: "IPV4_ONLY",
          privateIpGoogleAccess: true,
          logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
          description: `netseg zone ${z.name} in ${s.region} (${marksText(z)})`,
        },
        { parent: network },
      );
    }
  }

  const serviceAccounts: Record<string, gcp.serviceaccount.Account> = {};
  const serviceAccountEmails: Record<string, pulumi.Output<string>> = {};
  for (const z of plan.zones) {
    if (!z.serviceAccountId) continue;
    const sa = new gcp.serviceaccount.Account(
      `${name}-${z.name}-sa`,
      { accountId: z.serviceAccountId, project, displayName: `netseg zone ${z.name} (${plan.intent})`, description: `Identity of zone ${z.name}: netseg firewall rules select its instances by this account (${marksText(z)})` },
      { parent },
    );
    serviceAccounts[z.name] = sa;
    serviceAccountEmails[z.name] = emailOf(sa);
  }

  const firewalls: Record<string, gcp.compute.Firewall> = {};
  for (const r of plan.firewallRules) {
    firewalls[r.key] = new gcp.compute.Firewall(`${name}-fw-${r.key}`, firewallArgs(plan, r, network, serviceAccountEmails, project), { parent: network });
  }

  const routes: Record<string, gcp.compute.Route> = {};
  for (const r of plan.routes) {
    routes[r.key] = new gcp.compute.Route(
      `${name}-route-${r.key}`,
      { name: r.name, project, network: network.id, destRange: r.destRange, nextHopGateway: r.nextHopGateway, priority: r.priority, tags: [...r.tags], description: r.description },
      { parent: network },
    );
  }

  const routers: Record<string, gcp.compute.Router> = {};
  const nats: Record<string, gcp.compute.RouterNat> = {};
  for (const n of plan.nat) {
    const router = new gcp.compute.Router(
      `${name}-router-${n.region}`,
      { name: n.routerName, project, region: n.region, network: network.id, description: `netseg Cloud Router for NAT of the nat zones in ${n.region}` },
      { parent: network },
    );
    routers[n.region] = router;
    nats[n.region] = new gcp.compute.RouterNat(
      `${name}-nat-${n.region}`,
      {
        name: n.natName,
        project,
        region: n.region,
        router: router.name,
        natIpAllocateOption: "AUTO_ONLY",
        sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
        subnetworks: n.subnetKeys.map((k) => ({ name: subnets[k].id, sourceIpRangesToNats: ["ALL_IP_RANGES"] })),
        logConfig: { enable: true, filter: "ERRORS_ONLY" },
      },
      { parent: router },
    );
  }

  return { network, subnets, serviceAccounts, serviceAccountEmails, firewalls, routes, routers, nats };
}
