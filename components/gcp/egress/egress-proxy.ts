/**
 * GcpEgressProxy: the intent's outbound allow-lists on GCP, as a Squid fleet per region behind
 * an internal passthrough TCP load balancer on 3128. A thin shell over `planGcpEgressProxy`
 * (core/egress/gcp-proxy.ts, where the why of every rule is written): this creates the plan's
 * resources one to one, named from its stable keys (region, rule key).
 *
 * Instances: no external IP, Shielded VM (secure boot, vTPM, integrity monitoring), OS Login on
 * and project SSH keys blocked, no SSH firewall rule at all, a dedicated service account that
 * may only write logs and metrics. Clients set HTTPS_PROXY to `proxyUrls[region]`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { GCP_ALLOW_PRIORITY, planGcpEgressProxy, renderGcpProxyStartupScript, type GcpEgressProxyPlan, type GcpProxyFirewallPlan, type GcpProxyRegionPlan } from "../../../core/egress";
import type { Intent } from "../../../core/intent/types";
import { MANAGED_BY, TAG } from "../../../core/tags";
import type { GcpNetworkPlan } from "../../../core/rules/gcp";

/** What the proxy needs from the network: a SegmentedNetwork has exactly these. */
export interface GcpEgressNetwork {
  readonly plan: GcpNetworkPlan;
  readonly networkId: pulumi.Input<string>;
  /** Service-account emails by zone; the proxied zones' are the proxy's only clients. */
  readonly serviceAccountEmails: Readonly<Record<string, pulumi.Input<string>>>;
}

export interface GcpEgressProxyArgs {
  readonly intent: Intent;
  readonly network: GcpEgressNetwork;
  /** Existing proxy subnets by region (`{ id, cidr }`); by default the reserved ones are created. */
  readonly subnets?: Readonly<Record<string, { readonly id: pulumi.Input<string>; readonly cidr: string }>>;
  /** Default e2-small. */
  readonly machineType?: pulumi.Input<string>;
  /** Default debian-cloud/debian-12 (the startup script is written for it). */
  readonly image?: pulumi.Input<string>;
  /** Instances per region; default 2 (the group spreads them over the region's zones). */
  readonly instancesPerRegion?: number;
  /** Ports the instances need out for their own packages and logs; default [443]. */
  readonly bootstrapEgressPorts?: readonly number[];
  readonly project?: pulumi.Input<string>;
}

export interface GcpProxyRegionResources {
  readonly subnetId: pulumi.Input<string>;
  readonly template: gcp.compute.InstanceTemplate;
  readonly healthCheck: gcp.compute.RegionHealthCheck;
  readonly group: gcp.compute.RegionInstanceGroupManager;
  readonly backend: gcp.compute.RegionBackendService;
  readonly forwardingRule: gcp.compute.ForwardingRule;
  readonly router: gcp.compute.Router;
  readonly nat: gcp.compute.RouterNat;
}

export class GcpEgressProxy extends pulumi.ComponentResource {
  readonly plan: GcpEgressProxyPlan;
  readonly serviceAccount: gcp.serviceaccount.Account;
  readonly firewalls: Readonly<Record<string, gcp.compute.Firewall>>;
  readonly route: gcp.compute.Route;
  readonly regions: Readonly<Record<string, GcpProxyRegionResources>>;
  /** `http://<load balancer address>:3128` by region: what clients set as HTTPS_PROXY. */
  readonly proxyUrls: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpEgressProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netseg:gcp:EgressProxy", name, {}, opts);
    const { network, project } = args;
    const given = args.subnets;
    try {
      this.plan = planGcpEgressProxy(args.intent, network.plan, { bootstrapEgressPorts: args.bootstrapEgressPorts, subnetCidrs: given ? network.plan.regions.map((r) => given[r]?.cidr ?? "") : undefined });
    } catch (e) {
      throw new pulumi.ResourceError(`GcpEgressProxy ${name}: ${(e as Error).message}`, this);
    }
    const plan = this.plan;
    const missing = plan.zones.filter((z) => network.serviceAccountEmails[z] === undefined);
    if (missing.length) throw new pulumi.ResourceError(`GcpEgressProxy ${name}: network.serviceAccountEmails has no account for the proxied zones ${missing.join(", ")}; the proxy admits clients by their zone's service account`, this);
    if (given) {
      const absent = network.plan.regions.filter((r) => !given[r]?.cidr);
      if (absent.length) throw new pulumi.ResourceError(`GcpEgressProxy ${name}: subnets has no proxy subnet for regions ${absent.join(", ")}; give { id, cidr } per region, or leave subnets out to create the reserved ones`, this);
    }

    this.serviceAccount = new gcp.serviceaccount.Account(`${name}-sa`, { accountId: plan.serviceAccountId, project, displayName: `netseg egress proxy (${args.intent.name})`, description: "Identity of the egress proxy instances: clients are admitted to them by firewall rules, and it may only write logs and metrics" }, { parent: this });
    const email = pulumi.all([this.serviceAccount.email, this.serviceAccount.accountId, this.serviceAccount.project]).apply(([e, id, p]) => e || `${id}@${p}.iam.gserviceaccount.com`);
    const projectId = project ? pulumi.output(project) : gcp.organizations.getClientConfigOutput({ parent: this }).project;
    for (const role of ["roles/logging.logWriter", "roles/monitoring.metricWriter"]) {
      new gcp.projects.IAMMember(`${name}-${role.split("/")[1].replace(/\./g, "-")}`, { project: projectId, role, member: pulumi.interpolate`serviceAccount:${email}` }, { parent: this.serviceAccount });
    }

    const firewalls: Record<string, gcp.compute.Firewall> = {};
    for (const f of plan.firewalls) firewalls[f.key] = new gcp.compute.Firewall(`${name}-fw-${f.key}`, firewallArgs(f, plan, network, email, project), { parent: this });
    this.firewalls = firewalls;
    this.route = new gcp.compute.Route(
      `${name}-internet`,
      { name: plan.route.name, project, network: network.networkId, destRange: plan.route.destRange, nextHopGateway: "default-internet-gateway", priority: plan.route.priority, tags: [plan.networkTag], description: "netseg: the egress proxy's route to the internet (through Cloud NAT); only proxy instances carry its tag" },
      { parent: this },
    );

    const startupScript = renderGcpProxyStartupScript(plan.squidConfig);
    const regions: Record<string, GcpProxyRegionResources> = {};
    const proxyUrls: Record<string, pulumi.Output<string>> = {};
    for (const r of plan.regions) {
      regions[r.region] = this.createRegion(name, r, args, email, startupScript, given?.[r.region]?.id);
      proxyUrls[r.region] = pulumi.interpolate`http://${regions[r.region].forwardingRule.ipAddress}:${plan.listenPort}`;
    }
    this.regions = regions;
    this.proxyUrls = proxyUrls;
    this.registerOutputs({ proxyUrls, serviceAccountEmail: email });
  }

  private createRegion(name: string, r: GcpProxyRegionPlan, args: GcpEgressProxyArgs, email: pulumi.Output<string>, startupScript: string, existingSubnet: pulumi.Input<string> | undefined): GcpProxyRegionResources {
    const { network, project } = args;
    const plan = this.plan;
    const key = `${name}-${r.region}`;
    const subnetId =
      existingSubnet ??
      new gcp.compute.Subnetwork(
        `${name}-${r.subnet.key}`,
        {
          name: r.subnet.name,
          project,
          network: network.networkId,
          region: r.region,
          ipCidrRange: r.subnet.cidr,
          stackType: "IPV4_ONLY",
          privateIpGoogleAccess: true,
          logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
          description: `netseg egress proxy subnet of ${args.intent.name} in ${r.region}`,
        },
        { parent: this },
      ).id;
    const template = new gcp.compute.InstanceTemplate(
      key,
      {
        namePrefix: r.names.templatePrefix,
        project,
        region: r.region,
        description: `netseg egress proxy of ${args.intent.name} (Squid)`,
        machineType: args.machineType ?? "e2-small",
        canIpForward: false,
        disks: [{ boot: true, autoDelete: true, sourceImage: args.image ?? "debian-cloud/debian-12", diskSizeGb: 10 }],
        networkInterfaces: [{ network: network.networkId, subnetwork: subnetId }],
        serviceAccount: { email, scopes: ["cloud-platform"] },
        shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
        metadata: { "enable-oslogin": "TRUE", "block-project-ssh-keys": "TRUE", "startup-script": startupScript },
        tags: [plan.networkTag],
        labels: { [TAG.gcp.managedBy]: MANAGED_BY, [TAG.gcp.intent]: args.intent.name.toLowerCase(), [TAG.gcp.role]: "egress-proxy" },
      },
      { parent: this },
    );
    const healthCheck = new gcp.compute.RegionHealthCheck(key, { name: r.names.healthCheck, project, region: r.region, tcpHealthCheck: { port: plan.listenPort }, checkIntervalSec: 10, timeoutSec: 5, logConfig: { enable: true } }, { parent: this });
    const group = new gcp.compute.RegionInstanceGroupManager(
      key,
      {
        name: r.names.group,
        project,
        region: r.region,
        baseInstanceName: r.names.group,
        versions: [{ instanceTemplate: template.selfLinkUnique, name: "squid" }],
        targetSize: args.instancesPerRegion ?? 2,
        autoHealingPolicies: { healthCheck: healthCheck.id, initialDelaySec: 300 },
        updatePolicy: { type: "PROACTIVE", minimalAction: "REPLACE", maxSurgeFixed: 3, maxUnavailableFixed: 0 },
      },
      { parent: this },
    );
    const backend = new gcp.compute.RegionBackendService(
      key,
      { name: r.names.backend, project, region: r.region, loadBalancingScheme: "INTERNAL", protocol: "TCP", healthChecks: healthCheck.id, backends: [{ group: group.instanceGroup, balancingMode: "CONNECTION" }], logConfig: { enable: true } },
      { parent: this },
    );
    const forwardingRule = new gcp.compute.ForwardingRule(
      key,
      { name: r.names.forwardingRule, project, region: r.region, loadBalancingScheme: "INTERNAL", ipProtocol: "TCP", ports: [String(plan.listenPort)], backendService: backend.id, network: network.networkId, subnetwork: subnetId, allowGlobalAccess: false, description: `netseg egress proxy of ${args.intent.name}: set HTTPS_PROXY to this address, port ${plan.listenPort}` },
      { parent: this },
    );
    const router = new gcp.compute.Router(`${key}-router`, { name: r.names.router, project, region: r.region, network: network.networkId, description: "netseg Cloud Router for the egress proxy's NAT" }, { parent: this });
    const nat = new gcp.compute.RouterNat(
      `${key}-nat`,
      { name: r.names.nat, project, region: r.region, router: router.name, natIpAllocateOption: "AUTO_ONLY", sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS", subnetworks: [{ name: subnetId, sourceIpRangesToNats: ["ALL_IP_RANGES"] }], logConfig: { enable: true, filter: "ALL" } },
      { parent: router },
    );
    return { subnetId, template, healthCheck, group, backend, forwardingRule, router, nat };
  }
}

function firewallArgs(f: GcpProxyFirewallPlan, plan: GcpEgressProxyPlan, network: GcpEgressNetwork, proxyEmail: pulumi.Output<string>, project: pulumi.Input<string> | undefined): gcp.compute.FirewallArgs {
  const zoneEmails = (zones: readonly string[]) => zones.map((z) => network.serviceAccountEmails[z]);
  return {
    name: f.name,
    project,
    network: network.networkId,
    description: f.description,
    direction: f.direction,
    priority: GCP_ALLOW_PRIORITY,
    allows: [{ protocol: "tcp", ports: f.ports.map(String) }],
    targetServiceAccounts: f.target === "proxy" ? [proxyEmail] : zoneEmails(plan.zones),
    sourceServiceAccounts: f.sourceZones.length ? zoneEmails(f.sourceZones) : undefined,
    sourceRanges: f.sourceRanges.length ? [...f.sourceRanges] : undefined,
    destinationRanges: f.destinationRanges.length ? [...f.destinationRanges] : undefined,
    logConfig: { metadata: "INCLUDE_ALL_METADATA" },
  };
}
