/**
 * Generated stacks for the reachability benchmark: `zones` AWS zones in one VPC (a /24 subnet,
 * a security group and a NACL each), and `rules` rules spread evenly over them: 60% security
 * group rules (CIDR of another zone, a reference to another zone's group, or the internet) and
 * 40% NACL entries (allow and deny, request and ephemeral ranges). Deterministic for a size.
 */
import type { NetResource } from "../core/reachability";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SUBNET = "aws:ec2/subnet:Subnet";
const NACL = "aws:ec2/networkAcl:NetworkAcl";
const RT = "aws:ec2/routeTable:RouteTable";
const RTA = "aws:ec2/routeTableAssociation:RouteTableAssociation";
const IGW = "aws:ec2/internetGateway:InternetGateway";
const urn = (type: string, name: string) => `urn:pulumi:bench::netseg::${type}::${name}`;

/** Small deterministic PRNG (mulberry32), so every run analyses the same stack. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateAwsStack(rules: number, zones = 64): NetResource[] {
  const rand = rng(rules);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const cidrOf = (z: number) => `10.${Math.floor(z / 256)}.${z % 256}.0/24`;
  const names = Array.from({ length: zones }, (_, i) => `z${String(i).padStart(3, "0")}`);
  const sg = names.map(() => ({ ingress: [] as any[], egress: [] as any[] }));
  const acl = names.map(() => ({ ingress: [] as any[], egress: [] as any[] }));
  const ports = [22, 53, 80, 443, 5432, 6379, 8080, 8443, 9000];
  for (let i = 0; i < rules; i++) {
    const z = i % zones;
    const other = Math.floor(rand() * zones);
    const port = pick(ports);
    if (rand() < 0.6) {
      const egress = rand() < 0.5;
      const kind = rand();
      const rule: any = { protocol: "tcp", fromPort: port, toPort: port + (rand() < 0.2 ? 100 : 0), description: `r${i}` };
      if (kind < 0.5) rule.cidrBlocks = [cidrOf(other)];
      else if (kind < 0.9) rule.securityGroups = [`sg-${names[other]}-id`];
      else rule.cidrBlocks = ["0.0.0.0/0"];
      sg[z][egress ? "egress" : "ingress"].push(rule);
    } else {
      const egress = rand() < 0.5;
      const side = acl[z][egress ? "egress" : "ingress"];
      const ephemeral = rand() < 0.3;
      side.push({
        ruleNo: side.length + 1,
        action: rand() < 0.85 ? "allow" : "deny",
        protocol: "tcp",
        fromPort: ephemeral ? 1024 : port,
        toPort: ephemeral ? 65535 : port,
        cidrBlock: rand() < 0.1 ? "0.0.0.0/0" : rand() < 0.3 ? "10.0.0.0/8" : cidrOf(other),
      });
    }
  }
  const out: NetResource[] = [
    { type: "aws:ec2/vpc:Vpc", name: "vpc", urn: urn("aws:ec2/vpc:Vpc", "vpc"), id: "vpc-id", props: { cidrBlock: "10.0.0.0/8" } },
    { type: IGW, name: "igw", urn: urn(IGW, "igw"), id: "igw-id", props: { vpcId: "vpc-id" } },
    { type: RT, name: "rt-public", urn: urn(RT, "rt-public"), id: "rt-public-id", props: { vpcId: "vpc-id", routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-id" }] } },
  ];
  names.forEach((n, z) => {
    const tags = { "netseg:zone": n };
    out.push({ type: SG, name: `sg-${n}`, urn: urn(SG, `sg-${n}`), id: `sg-${n}-id`, props: { vpcId: "vpc-id", ingress: sg[z].ingress, egress: sg[z].egress, tags } });
    out.push({ type: SUBNET, name: `subnet-${n}`, urn: urn(SUBNET, `subnet-${n}`), id: `subnet-${n}-id`, props: { vpcId: "vpc-id", cidrBlock: cidrOf(z), tags } });
    out.push({ type: NACL, name: `acl-${n}`, urn: urn(NACL, `acl-${n}`), id: `acl-${n}-id`, props: { vpcId: "vpc-id", subnetIds: [`subnet-${n}-id`], ingress: acl[z].ingress, egress: acl[z].egress } });
    if (z % 4 === 0) out.push({ type: RTA, name: `rta-${n}`, urn: urn(RTA, `rta-${n}`), props: { subnetId: `subnet-${n}-id`, routeTableId: "rt-public-id" } });
  });
  return out;
}

/** Rules in a generated stack, counted as the engine reads them. */
export function countRules(rs: readonly NetResource[]): number {
  let n = 0;
  for (const r of rs) {
    const p = (r.props ?? {}) as Record<string, unknown>;
    for (const k of ["ingress", "egress"]) if (Array.isArray(p[k])) n += (p[k] as unknown[]).length;
  }
  return n;
}

/**
 * A GCP network with `zones` zones (a subnet and a service account each, marked with
 * netseg-zone) and `rules` firewall rules: ingress rules targeting one zone's account from
 * another zone's account or a range, egress rules from one zone to another's range, random
 * priorities, 15% denies, and netseg's deny-all pair at 65534.
 */
export function generateGcpStack(rules: number, zones = 64): NetResource[] {
  const rand = rng(rules + 1);
  const FW = "gcp:compute/firewall:Firewall";
  const SUB = "gcp:compute/subnetwork:Subnetwork";
  const SA = "gcp:serviceaccount/account:Account";
  const names = Array.from({ length: zones }, (_, i) => `z${String(i).padStart(3, "0")}`);
  const email = (z: number) => `sa-${names[z]}@p.iam.gserviceaccount.com`;
  const out: NetResource[] = [];
  names.forEach((n, z) => {
    out.push({ type: SUB, name: `sub-${n}`, urn: urn(SUB, `sub-${n}`), props: { network: "net", ipCidrRange: `10.${Math.floor(z / 256)}.${z % 256}.0/24`, description: `netseg-zone=${n}` } });
    out.push({ type: SA, name: `sa-${n}`, urn: urn(SA, `sa-${n}`), props: { accountId: `sa-${n}`, email: email(z), description: `netseg-zone=${n}` } });
  });
  const ports = ["22", "53", "80", "443", "5432", "6379", "8080", "8000-8100"];
  for (let i = 0; i < rules; i++) {
    const target = i % zones;
    const other = Math.floor(rand() * zones);
    const ingress = rand() < 0.6;
    const block = [{ protocol: rand() < 0.9 ? "tcp" : "udp", ports: [ports[Math.floor(rand() * ports.length)]] }];
    const props: Record<string, unknown> = {
      network: "net",
      direction: ingress ? "INGRESS" : "EGRESS",
      priority: 500 + Math.floor(rand() * 1500),
      [rand() < 0.85 ? "allows" : "denies"]: block,
      targetServiceAccounts: [email(target)],
    };
    if (ingress) {
      if (rand() < 0.7) props.sourceServiceAccounts = [email(other)];
      else props.sourceRanges = [rand() < 0.2 ? "0.0.0.0/0" : `10.${Math.floor(other / 256)}.${other % 256}.0/24`];
    } else props.destinationRanges = [`10.${Math.floor(other / 256)}.${other % 256}.0/24`];
    out.push({ type: FW, name: `fw-${i}`, urn: urn(FW, `fw-${i}`), props });
  }
  for (const dir of ["INGRESS", "EGRESS"]) {
    out.push({ type: FW, name: `deny-all-${dir}`, urn: urn(FW, `deny-all-${dir}`), props: { network: "net", direction: dir, priority: 65534, denies: [{ protocol: "all" }], ...(dir === "INGRESS" ? { sourceRanges: ["0.0.0.0/0"] } : { destinationRanges: ["0.0.0.0/0"] }) } });
  }
  return out;
}

/**
 * Kubernetes: 16 namespaces of 4 workloads, a default deny per namespace, and `rules`
 * NetworkPolicy rules spread over one policy per workload: peers by podSelector,
 * namespaceSelector, both, or ipBlock, with one or two ports.
 */
export function generateK8sStack(rules: number, namespaces = 16, perNs = 4): NetResource[] {
  const rand = rng(rules + 2);
  const objects: any[] = [];
  const apps = Array.from({ length: perNs }, (_, i) => `app${i}`);
  for (let n = 0; n < namespaces; n++) {
    const ns = `ns${String(n).padStart(2, "0")}`;
    objects.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { team: `t${n % 4}` } } });
    objects.push({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
    for (const a of apps) {
      objects.push({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: a, namespace: ns }, spec: { template: { metadata: { labels: { app: a } }, spec: { containers: [{ name: a, ports: [{ name: "http", containerPort: 8080 }] }] } } } });
      objects.push({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: `${a}-policy`, namespace: ns }, spec: { podSelector: { matchLabels: { app: a } }, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] } });
    }
  }
  const policies = objects.filter((o) => o.kind === "NetworkPolicy" && o.spec.ingress);
  const peers = () => {
    const r = rand();
    const app = `app${Math.floor(rand() * perNs)}`;
    const ns = `ns${String(Math.floor(rand() * namespaces)).padStart(2, "0")}`;
    if (r < 0.4) return { podSelector: { matchLabels: { app } } };
    if (r < 0.6) return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } }, podSelector: { matchLabels: { app } } };
    if (r < 0.8) return { namespaceSelector: { matchLabels: { team: `t${Math.floor(rand() * 4)}` } } };
    return { ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } };
  };
  const ports = [80, 443, 5432, "http", 53];
  for (let i = 0; i < rules; i++) {
    const p = policies[i % policies.length];
    const egress = rand() < 0.5;
    p.spec[egress ? "egress" : "ingress"].push({ [egress ? "to" : "from"]: [peers()], ports: [{ port: ports[Math.floor(rand() * ports.length)] }] });
  }
  return objects.map((o) => {
    const gv = o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`;
    const type = `kubernetes:${gv}:${o.kind}`;
    const name = `${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
    return { type, name, urn: urn(type, name), props: o };
  });
}

/**
 * The shape bench/preview.ts records: `resources` resources over as many VPCs as it takes, each
 * VPC with 4 zone-tagged zones of 3 subnets and a security group (tls from 10/8), no NACLs or
 * route tables of their own, ids unknown (joined by dependencies) as at a first preview.
 */
export function generateManyVpcStack(resources: number): NetResource[] {
  const zones = ["edge", "app", "data", "mgmt"];
  const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const out: NetResource[] = [];
  for (let v = 0; out.length < resources; v++) {
    const vpc = urn("aws:ec2/vpc:Vpc", `vpc-${v}`);
    out.push({ type: "aws:ec2/vpc:Vpc", name: `vpc-${v}`, urn: vpc, props: { cidrBlock: `10.${v % 250}.0.0/16` } });
    for (const [zi, zone] of zones.entries()) {
      for (let s = 0; s < 3 && out.length < resources; s++) {
        const name = `${zone}-${v}-${s}`;
        out.push({ type: SUBNET, name, urn: urn(SUBNET, name), props: { vpcId: unknown, cidrBlock: `10.${v % 250}.${zi * 3 + s}.0/24`, tags: { "netseg:zone": zone } }, dependencies: [vpc], propertyDependencies: { vpcId: [vpc] } });
      }
      if (out.length >= resources) break;
      const name = `${zone}-sg-${v}`;
      out.push({ type: SG, name, urn: urn(SG, name), props: { vpcId: unknown, tags: { "netseg:zone": zone }, ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] }] }, dependencies: [vpc], propertyDependencies: { vpcId: [vpc] } });
    }
  }
  return out;
}

/**
 * A tenant fleet behind one transit gateway, as TenantVpcs lays it out, in its costliest form
 * for the engine: `tenants` VPCs (one zone, two subnets sharing a route table) and a
 * shared-services VPC; every security group admits all of 10.0.0.0/8 and every subnet sends it
 * to the gateway, so every cross-VPC pairing reaches the TGW leg. Each tenant's TGW table routes
 * shared services and blackholes the pool; the shared table routes each tenant back. Ids are
 * known, joined by id.
 */
export function generateTenantFleetStack(tenants: number): NetResource[] {
  const T = {
    vpc: "aws:ec2/vpc:Vpc",
    route: "aws:ec2/route:Route",
    tgw: "aws:ec2transitgateway/transitGateway:TransitGateway",
    att: "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
    table: "aws:ec2transitgateway/routeTable:RouteTable",
    assoc: "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
    tgwRoute: "aws:ec2transitgateway/route:Route",
  };
  const out: NetResource[] = [];
  const add = (type: string, name: string, props: Record<string, unknown>) => out.push({ type, name, urn: urn(type, name), id: `${name}-id`, props });
  const pool = "10.128.0.0/9";
  const shared = "10.64.0.0/20";
  add(T.tgw, "tgw", { defaultRouteTableAssociation: "disable", defaultRouteTablePropagation: "disable" });
  const all = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] }];
  const vpc = (key: string, block: string, subnetBlocks: string[], tags: Record<string, string>) => {
    add(T.vpc, `vpc-${key}`, { cidrBlock: block });
    add(SG, `sg-${key}`, { vpcId: `vpc-${key}-id`, ingress: all, egress: all, tags });
    add(RT, `rt-${key}`, { vpcId: `vpc-${key}-id` });
    add(T.route, `rt-${key}-to-tgw`, { routeTableId: `rt-${key}-id`, destinationCidrBlock: "10.0.0.0/8", transitGatewayId: "tgw-id" });
    subnetBlocks.forEach((b, i) => {
      add(SUBNET, `subnet-${key}-${i}`, { vpcId: `vpc-${key}-id`, cidrBlock: b, tags });
      add(RTA, `rta-${key}-${i}`, { subnetId: `subnet-${key}-${i}-id`, routeTableId: `rt-${key}-id` });
    });
    add(T.att, `att-${key}`, { vpcId: `vpc-${key}-id`, transitGatewayId: "tgw-id", transitGatewayDefaultRouteTableAssociation: false, transitGatewayDefaultRouteTablePropagation: false });
    add(T.table, `tgw-rt-${key}`, { transitGatewayId: "tgw-id" });
    add(T.assoc, `assoc-${key}`, { transitGatewayAttachmentId: `att-${key}-id`, transitGatewayRouteTableId: `tgw-rt-${key}-id` });
  };
  vpc("shared", shared, ["10.64.0.0/24", "10.64.1.0/24"], { "netseg:zone": "services" });
  for (let i = 0; i < tenants; i++) {
    // /20 blocks from the pool: tenant i at 10.(128 + i/16).(i%16 * 16).0/20.
    const b = `10.${128 + Math.floor(i / 16)}.${(i % 16) * 16}`;
    vpc(`t${i}`, `${b}.0/20`, [`${b}.0/24`, `${b.replace(/\d+$/, (x) => String(Number(x) + 1))}.0/24`], { "netseg:zone": "app", "netseg:tenant": `t${i}` });
    add(T.tgwRoute, `tgw-rt-t${i}-to-shared`, { transitGatewayRouteTableId: `tgw-rt-t${i}-id`, destinationCidrBlock: shared, transitGatewayAttachmentId: "att-shared-id" });
    add(T.tgwRoute, `tgw-rt-t${i}-blackhole`, { transitGatewayRouteTableId: `tgw-rt-t${i}-id`, destinationCidrBlock: pool, blackhole: true });
    add(T.tgwRoute, `tgw-rt-shared-to-t${i}`, { transitGatewayRouteTableId: "tgw-rt-shared-id", destinationCidrBlock: `${b}.0/20`, transitGatewayAttachmentId: `att-t${i}-id` });
  }
  return out;
}

/**
 * Workloads in zones, as application teams deploy them: one VPC, `subnets` /24 subnets spread
 * over 20 zones (one NACL and route table per zone, every fourth zone public), each zone with
 * netseg's group and three application groups that admit each other's tiers by reference; and
 * `workloads` instances, each in a subnet of its zone with one of the zone's application groups,
 * one in five with a fixed private address. NACLs cut some subnets at a /26 (a deny before the
 * allow), so addresses on either side of a cut are treated apart. Deterministic for a size.
 */
export function generateWorkloadStack(workloads: number, subnets = 200): NetResource[] {
  const rand = rng(workloads + subnets);
  const zones = 20;
  const perZone = Math.ceil(subnets / zones);
  const name = (z: number) => `w${String(z).padStart(2, "0")}`;
  const INSTANCE = "aws:ec2/instance:Instance";
  const out: NetResource[] = [
    { type: "aws:ec2/vpc:Vpc", name: "vpc", urn: urn("aws:ec2/vpc:Vpc", "vpc"), id: "vpc-id", props: { cidrBlock: "10.0.0.0/16" } },
    { type: IGW, name: "igw", urn: urn(IGW, "igw"), id: "igw-id", props: { vpcId: "vpc-id" } },
  ];
  const tiers = ["web", "api", "db"];
  const ports: Record<string, number> = { web: 443, api: 8080, db: 5432 };
  const subnetCidr = (s: number) => `10.0.${s}.0/24`;
  for (let z = 0; z < zones; z++) {
    const n = name(z);
    const tags = { "netseg:zone": n };
    const mine = Array.from({ length: perZone }, (_, i) => z * perZone + i).filter((s) => s < subnets);
    out.push({ type: SG, name: `sg-${n}`, urn: urn(SG, `sg-${n}`), id: `sg-${n}-id`, props: { vpcId: "vpc-id", ingress: [], egress: [], tags } });
    tiers.forEach((t, i) => {
      // Each tier admits the tier before it in any zone nearby, and its own zone's netseg group.
      const from = i === 0 ? [`sg-${n}-id`] : [`sg-${n}-${tiers[i - 1]}-id`, `sg-${name((z + 1) % zones)}-${tiers[i - 1]}-id`];
      out.push({
        type: SG,
        name: `sg-${n}-${t}`,
        urn: urn(SG, `sg-${n}-${t}`),
        id: `sg-${n}-${t}-id`,
        props: {
          vpcId: "vpc-id",
          ingress: [{ protocol: "tcp", fromPort: ports[t], toPort: ports[t], securityGroups: from }, ...(i === 0 && z % 4 === 0 ? [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] : [])],
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        },
      });
    });
    const cut = `10.0.${mine[0]}.${64 * Math.floor(rand() * 4)}/26`;
    const acl = {
      ingress: [
        { ruleNo: 90, action: "deny", protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlock: cut },
        { ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "10.0.0.0/16" },
        ...(z % 4 === 0 ? [{ ruleNo: 110, action: "allow", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlock: "0.0.0.0/0" }] : []),
      ],
      egress: [{ ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }],
    };
    out.push({ type: NACL, name: `acl-${n}`, urn: urn(NACL, `acl-${n}`), id: `acl-${n}-id`, props: { vpcId: "vpc-id", subnetIds: mine.map((s) => `subnet-${s}-id`), ...acl } });
    const routes = z % 4 === 0 ? [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-id" }] : [];
    out.push({ type: RT, name: `rt-${n}`, urn: urn(RT, `rt-${n}`), id: `rt-${n}-id`, props: { vpcId: "vpc-id", routes } });
    for (const s of mine) {
      out.push({ type: SUBNET, name: `subnet-${s}`, urn: urn(SUBNET, `subnet-${s}`), id: `subnet-${s}-id`, props: { vpcId: "vpc-id", cidrBlock: subnetCidr(s), tags, mapPublicIpOnLaunch: z % 4 === 0 } });
      out.push({ type: RTA, name: `rta-${s}`, urn: urn(RTA, `rta-${s}`), props: { subnetId: `subnet-${s}-id`, routeTableId: `rt-${n}-id` } });
    }
  }
  const used = new Set<string>();
  for (let i = 0; i < workloads; i++) {
    const s = Math.floor(rand() * subnets);
    const z = Math.min(Math.floor(s / perZone), zones - 1);
    const tier = tiers[Math.floor(rand() * tiers.length)];
    let privateIp: string | undefined;
    if (rand() < 0.2) {
      const ip = `10.0.${s}.${4 + Math.floor(rand() * 250)}`;
      if (!used.has(ip)) privateIp = ip;
      used.add(ip);
    }
    const n = `i${String(i).padStart(5, "0")}`;
    out.push({ type: INSTANCE, name: n, urn: urn(INSTANCE, n), id: `${n}-id`, props: { subnetId: `subnet-${s}-id`, vpcSecurityGroupIds: [`sg-${name(z)}-${tier}-id`], ...(privateIp ? { privateIp } : {}) } });
  }
  return out;
}

/**
 * GCP workloads at scale: `workloads` workloads in `subnets` subnetworks (a /24 each) of four VPC
 * networks, in 20 zones (each zone's subnetworks in one network, marked `netseg-zone`). Per zone:
 * one managed instance group of web servers (an instance template), behind an external
 * passthrough load balancer in every fourth zone; the rest are instances spread at random over
 * the zone's subnetworks, each with a tier tag (web, api, db) and sometimes `ssh` (a rule names
 * it) or `team-<n>` (none does), db servers running as their own service account, one in five
 * with a fixed `networkIp`, web servers of every fourth zone with an external IP. Firewalls per
 * network: https from anywhere to web, api from web (source tags), db from api (target account),
 * ssh from 10.0.0.0/8, a deny of 5432 from a /26 of each zone's first subnetwork (priority 900,
 * before the allow: a partial deny), an egress deny to 203.0.113.0/24 and a deny-all ingress at
 * 65534; a Cloud NAT in two networks. Deterministic for a size.
 */
export function generateGcpWorkloadStack(workloads: number, subnets = 200): NetResource[] {
  const rand = rng(workloads + subnets + 7);
  const zones = 20;
  const networks = 4;
  const perZone = Math.ceil(subnets / zones);
  const T = {
    net: "gcp:compute/network:Network",
    sub: "gcp:compute/subnetwork:Subnetwork",
    fw: "gcp:compute/firewall:Firewall",
    sa: "gcp:serviceaccount/account:Account",
    vm: "gcp:compute/instance:Instance",
    tpl: "gcp:compute/instanceTemplate:InstanceTemplate",
    mig: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
    rbs: "gcp:compute/regionBackendService:RegionBackendService",
    fr: "gcp:compute/forwardingRule:ForwardingRule",
    router: "gcp:compute/router:Router",
    nat: "gcp:compute/routerNat:RouterNat",
  };
  const res = (type: string, name: string, props: Record<string, unknown>): NetResource => ({ type, name, urn: urn(type, name), id: `${name}-id`, props });
  const name = (z: number) => `g${String(z).padStart(2, "0")}`;
  const region = "europe-west1";
  const dbAccount = "sa-db@bench.iam.gserviceaccount.com";
  const out: NetResource[] = [res(T.sa, "sa-db", { accountId: "sa-db", email: dbAccount })];
  const zoneSubnets = (z: number) => Array.from({ length: perZone }, (_, i) => z * perZone + i).filter((s) => s < subnets);
  const cidr = (s: number) => `10.${Math.floor(s / 256)}.${s % 256}.0/24`;
  for (let n = 0; n < networks; n++) {
    const net = `net-${n}`;
    out.push(res(T.net, net, { name: net, autoCreateSubnetworks: false }));
    const fw = (suffix: string, props: Record<string, unknown>) => out.push(res(T.fw, `${net}-${suffix}`, { network: `${net}-id`, priority: 1000, ...props }));
    fw("https", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["0.0.0.0/0"], targetTags: ["web"] });
    fw("api-from-web", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], sourceTags: ["web"], targetTags: ["api"] });
    fw("db-from-api", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["5432"] }], sourceTags: ["api"], targetServiceAccounts: [dbAccount] });
    fw("ssh", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["10.0.0.0/8"], targetTags: ["ssh"] });
    const cuts = Array.from({ length: zones }, (_, z) => z)
      .filter((z) => z % networks === n)
      .map((z) => `${cidr(zoneSubnets(z)[0]).replace(/\.0\/24$/, "")}.${64 * Math.floor(rand() * 4)}/26`);
    fw("db-deny-cut", { direction: "INGRESS", priority: 900, denies: [{ protocol: "tcp", ports: ["5432"] }], sourceRanges: cuts, targetServiceAccounts: [dbAccount] });
    fw("no-doc-egress", { direction: "EGRESS", priority: 500, denies: [{ protocol: "all" }], destinationRanges: ["203.0.113.0/24"] });
    fw("deny-all", { direction: "INGRESS", priority: 65534, denies: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0"] });
    if (n < 2) {
      out.push(res(T.router, `router-${n}`, { network: `${net}-id`, region }));
      out.push(res(T.nat, `nat-${n}`, { router: `router-${n}-id`, region, natIpAllocateOption: "AUTO_ONLY", sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES" }));
    }
  }
  for (let z = 0; z < zones; z++) {
    const net = `net-${z % networks}-id`;
    for (const s of zoneSubnets(z)) out.push(res(T.sub, `subnet-${s}`, { network: net, region, ipCidrRange: cidr(s), description: `netseg-zone=${name(z)}` }));
    const first = `subnet-${zoneSubnets(z)[0]}-id`;
    out.push(res(T.tpl, `tpl-${name(z)}`, { tags: ["web"], networkInterfaces: [{ network: net, subnetwork: first }] }));
    out.push(res(T.mig, `mig-${name(z)}`, { baseInstanceName: `web-${name(z)}`, region, versions: [{ instanceTemplate: `tpl-${name(z)}-id` }], targetSize: 10 }));
    if (z % 4 === 0) {
      out.push(res(T.rbs, `bs-${name(z)}`, { region, loadBalancingScheme: "EXTERNAL", protocol: "TCP", backends: [{ group: `mig-${name(z)}-id` }] }));
      out.push(res(T.fr, `lb-${name(z)}`, { region, loadBalancingScheme: "EXTERNAL", ipProtocol: "TCP", ports: ["443"], backendService: `bs-${name(z)}-id` }));
    }
  }
  const tiers = ["web", "api", "db"];
  const used = new Set<string>();
  for (let i = 0; i < workloads - zones; i++) {
    const s = Math.floor(rand() * subnets);
    const z = Math.min(Math.floor(s / perZone), zones - 1);
    const tier = tiers[Math.floor(rand() * tiers.length)];
    const tags = [tier, ...(rand() < 0.1 ? ["ssh"] : []), ...(rand() < 0.3 ? [`team-${Math.floor(rand() * 5)}`] : [])];
    let networkIp: string | undefined;
    if (rand() < 0.2) {
      const ip = `${cidr(s).replace(/\.0\/24$/, "")}.${4 + Math.floor(rand() * 250)}`;
      if (!used.has(ip)) networkIp = ip;
      used.add(ip);
    }
    const n = `vm${String(i).padStart(5, "0")}`;
    out.push(
      res(T.vm, n, {
        machineType: "e2-small",
        zone: `${region}-b`,
        tags,
        ...(tier === "db" ? { serviceAccount: { email: dbAccount, scopes: ["cloud-platform"] } } : {}),
        networkInterfaces: [{ network: `net-${z % networks}-id`, subnetwork: `subnet-${s}-id`, ...(networkIp ? { networkIp } : {}), ...(tier === "web" && z % 4 === 0 ? { accessConfigs: [{}] } : {}) }],
      }),
    );
  }
  return out;
}
