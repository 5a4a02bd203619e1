/**
 * GCP workloads as endpoints of their own: instances with their fixed addresses, network tags,
 * service account and external IP; managed instance groups with their template; load balancers
 * as the internet's way in to their backends. Hand-worked cases on one network `net` (default
 * internet route kept) with zones web (10.1.0.0/24) and app (10.1.1.0/24) and an unmarked
 * subnetwork `legacy` (10.1.9.0/24).
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, explainBlocked, type NetResource } from "../../../core/reachability";
import { res, UNKNOWN_STRING, urnOf } from "./build";

const T = {
  net: "gcp:compute/network:Network",
  sub: "gcp:compute/subnetwork:Subnetwork",
  fw: "gcp:compute/firewall:Firewall",
  sa: "gcp:serviceaccount/account:Account",
  vm: "gcp:compute/instance:Instance",
  tpl: "gcp:compute/instanceTemplate:InstanceTemplate",
  mig: "gcp:compute/instanceGroupManager:InstanceGroupManager",
  rmig: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  fr: "gcp:compute/forwardingRule:ForwardingRule",
  gfr: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
  rbs: "gcp:compute/regionBackendService:RegionBackendService",
  bs: "gcp:compute/backendService:BackendService",
  httpProxy: "gcp:compute/targetHttpProxy:TargetHttpProxy",
  urlMap: "gcp:compute/uRLMap:URLMap",
  pool: "gcp:compute/targetPool:TargetPool",
} as const;

const tcp = (p: number) => TrafficSet.of("tcp", p);

function base(extra: NetResource[] = []): NetResource[] {
  return [
    res(T.net, "net", { name: "net", autoCreateSubnetworks: false }),
    res(T.sub, "sub-web", { network: "net-id", ipCidrRange: "10.1.0.0/24", description: "netseg-zone=web" }),
    res(T.sub, "sub-app", { network: "net-id", ipCidrRange: "10.1.1.0/24", description: "netseg-zone=app" }),
    res(T.sub, "legacy", { network: "net-id", ipCidrRange: "10.1.9.0/24" }),
    ...extra,
  ];
}

function fw(name: string, props: Record<string, unknown>): NetResource {
  return res(T.fw, name, { network: "net-id", priority: 1000, ...props });
}

function vm(name: string, subnet: string, props: Record<string, unknown> = {}, nic: Record<string, unknown> = {}, extra: Partial<NetResource> = {}): NetResource {
  return res(T.vm, name, { machineType: "e2-small", networkInterfaces: [{ network: "net-id", subnetwork: `${subnet}-id`, ...nic }], ...props }, extra);
}

const httpsFromAnywhere = fw("https", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["0.0.0.0/0"], targetTags: ["web"] });

describe("reachability / GCP workloads", () => {
  it("an instance is an endpoint named after its zone, kind and logical name, with its URN", () => {
    const m = analyseReachability(base([vm("web-1", "sub-web", { tags: ["web"] }, { networkIp: "10.1.0.10" }), vm("old-1", "legacy"), res(T.vm, "loose", { networkInterfaces: [{ network: "net-id" }] })]));
    const ep = (id: string) => m.endpoints.find((e) => e.id === id);
    assert.deepEqual(ep("gcp:web/vm:web-1"), { id: "gcp:web/vm:web-1", key: "web/vm:web-1", kind: "workload", platform: "gcp", zone: "web", workload: "web-1", resource: urnOf(T.vm, "web-1"), workloadKind: "vm", addresses: ep("gcp:web/vm:web-1")!.addresses });
    assert.equal(ep("gcp:web/vm:web-1")!.addresses!.toString(), "10.1.0.10/32");
    assert.equal(ep("gcp:subnet:legacy/vm:old-1")!.zone, undefined);
    assert.equal(ep("gcp:subnet:legacy/vm:old-1")!.network, urnOf(T.sub, "legacy"));
    assert.equal(ep("gcp:vm:loose")!.zone, undefined);
    // The zones stay as they were.
    assert.ok(ep("gcp:web") && ep("gcp:app") && ep("gcp:subnet:legacy"));
  });

  it("the internet reaches an instance only through an external IP, whatever the firewall allows", () => {
    const m = analyseReachability(base([httpsFromAnywhere, vm("web-1", "sub-web", { tags: ["web"] }, { accessConfigs: [{}] }), vm("web-2", "sub-web", { tags: ["web"] })]));
    assert.equal(m.pair("internet", "gcp:web/vm:web-1")!.allowed.toString(), "tcp/443");
    const p = m.pair("internet", "gcp:web/vm:web-2")!;
    assert.equal(p.possible.toString(), "nothing");
    assert.ok(explainBlocked(p, tcp(443)).some((b) => /web\/vm:web-2 has no external IP \(accessConfigs\): the internet cannot reach it directly/.test(b.reason)));
    // The zone endpoint still stands for its instances in general.
    assert.equal(m.pair("internet", "gcp:web")!.allowed.toString(), "tcp/443");
  });

  it("out to the internet without an external IP only through a Cloud NAT serving the instance's subnetwork", () => {
    const nat = [
      res("gcp:compute/router:Router", "router", { network: "net-id", region: "europe-west1" }),
      res("gcp:compute/routerNat:RouterNat", "nat", { router: "router-id", region: "europe-west1", natIpAllocateOption: "AUTO_ONLY", sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS", subnetworks: [{ name: "sub-web-id", sourceIpRangesToNats: ["ALL_IP_RANGES"] }] }),
    ];
    const rs = base([...nat, vm("web-1", "sub-web"), vm("app-1", "sub-app"), vm("app-2", "sub-app", {}, { accessConfigs: [{}] })]);
    const m = analyseReachability(rs);
    const web = m.pair("gcp:web/vm:web-1", "internet")!;
    assert.equal(web.allowed.toString(), "all");
    assert.ok(web.allowedBy.some((r) => r.urn === urnOf("gcp:compute/routerNat:RouterNat", "nat")));
    const app = m.pair("gcp:app/vm:app-1", "internet")!;
    assert.equal(app.possible.toString(), "nothing");
    assert.ok(explainBlocked(app, tcp(443)).some((b) => /app\/vm:app-1 has no external IP \(accessConfigs\) and no Cloud NAT of this stack serves its subnetwork/.test(b.reason)));
    assert.equal(m.pair("gcp:app/vm:app-2", "internet")!.allowed.toString(), "all");
    // In a network of another stack, a NAT may exist there: possible, not certain.
    const far = analyseReachability(base([res(T.vm, "far", { networkInterfaces: [{ network: "projects/p/global/networks/shared" }] })])).pair("gcp:vm:far", "internet")!;
    assert.equal(far.allowed.toString(), "nothing");
    assert.equal(far.possible.toString(), "all");
  });

  it("two instances with fixed IPs on either side of a deny get different answers", () => {
    const m = analyseReachability(
      base([
        fw("app-in", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], sourceRanges: ["10.1.0.0/24"], targetTags: ["app"] }),
        fw("deny-half", { direction: "INGRESS", priority: 900, denies: [{ protocol: "tcp" }], sourceRanges: ["10.1.0.128/25"], targetTags: ["app"] }),
        vm("web-low", "sub-web", {}, { networkIp: "10.1.0.10" }),
        vm("web-high", "sub-web", {}, { networkIp: "10.1.0.200" }),
        vm("app-1", "sub-app", { tags: ["app"] }, { networkIp: "10.1.1.5" }),
      ]),
    );
    assert.equal(m.pair("gcp:web/vm:web-low", "gcp:app/vm:app-1")!.allowed.toString(), "tcp/8080");
    const high = m.pair("gcp:web/vm:web-high", "gcp:app/vm:app-1")!;
    assert.equal(high.possible.toString(), "nothing");
    assert.deepEqual(explainBlocked(high, tcp(8080)).map((b) => b.reason), ["deny-half deny ingress priority 900 denies tcp/8080"]);
  });

  it("source tags name an instance's primary address, not its alias ranges", () => {
    const rs = base([
      fw("deny-web", { direction: "INGRESS", priority: 100, denies: [{ protocol: "all" }], sourceRanges: ["10.1.0.0/24"], targetTags: ["app"] }),
      fw("by-tag", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], sourceTags: ["web"], targetTags: ["app"] }),
      vm("web-1", "sub-web", { tags: ["web"] }, { networkIp: "10.1.0.10", aliasIpRanges: [{ ipCidrRange: "10.9.0.0/28" }] }),
      vm("app-1", "sub-app", { tags: ["app"] }, { networkIp: "10.1.1.5" }),
    ]);
    const p = analyseReachability(rs).pair("gcp:web/vm:web-1", "gcp:app/vm:app-1")!;
    assert.equal(p.possible.toString(), "nothing");
    const open = analyseReachability(rs.filter((r) => r.name !== "deny-web")).pair("gcp:web/vm:web-1", "gcp:app/vm:app-1")!;
    assert.equal(open.allowed.toString(), "tcp/8080");
  });

  it("an instance's address is picked in its subnetwork's primary range: a rule naming a secondary (pod) range leaves it certain", () => {
    const rs = base([
      fw("app-in", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], sourceRanges: ["10.1.0.0/24"], targetTags: ["app"] }),
      fw("pods-out", { direction: "INGRESS", priority: 900, denies: [{ protocol: "all" }], sourceRanges: ["10.8.0.0/16"], targetTags: ["app"] }),
      vm("web-any", "sub-web"),
      vm("app-1", "sub-app", { tags: ["app"] }, { networkIp: "10.1.1.5" }),
    ]).map((r) => (r.name === "sub-web" ? { ...r, props: { ...r.props, secondaryIpRanges: [{ rangeName: "pods", ipCidrRange: "10.8.0.0/16" }] } } : r));
    assert.equal(analyseReachability(rs).pair("gcp:web/vm:web-any", "gcp:app/vm:app-1")!.allowed.toString(), "tcp/8080");
  });

  it("an instance whose address GCP picks inside a range a rule cuts is a 'maybe', not a certainty", () => {
    const m = analyseReachability(
      base([
        fw("app-in", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], sourceRanges: ["10.1.0.0/25"], targetTags: ["app"] }),
        vm("web-any", "sub-web"),
        vm("app-1", "sub-app", { tags: ["app"] }, { networkIp: "10.1.1.5" }),
      ]),
    );
    const p = m.pair("gcp:web/vm:web-any", "gcp:app/vm:app-1")!;
    assert.equal(p.allowed.toString(), "nothing");
    assert.equal(p.possible.toString(), "tcp/8080");
  });

  it("rules target and name instances by service account and by tag", () => {
    const rs = base([
      res(T.sa, "sa-app", { accountId: "app", email: UNKNOWN_STRING }),
      fw("by-account", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["5432"] }], sourceTags: ["web"], targetServiceAccounts: ["app@p.iam.gserviceaccount.com"] }),
      vm("web-1", "sub-web", { tags: ["web"] }, { networkIp: "10.1.0.10" }),
      vm("web-2", "sub-web", { tags: ["other"] }, { networkIp: "10.1.0.11" }),
      vm("app-1", "sub-app", { serviceAccount: { email: UNKNOWN_STRING, scopes: [] } }, { networkIp: "10.1.1.5" }, { propertyDependencies: { serviceAccount: [urnOf(T.sa, "sa-app")] } }),
      vm("app-2", "sub-app", { serviceAccount: { email: "other@p.iam.gserviceaccount.com", scopes: [] } }, { networkIp: "10.1.1.6" }),
    ]);
    const m = analyseReachability(rs);
    assert.equal(m.pair("gcp:web/vm:web-1", "gcp:app/vm:app-1")!.allowed.toString(), "tcp/5432");
    assert.equal(m.pair("gcp:web/vm:web-2", "gcp:app/vm:app-1")!.possible.toString(), "nothing");
    assert.equal(m.pair("gcp:web/vm:web-1", "gcp:app/vm:app-2")!.possible.toString(), "nothing");
  });

  it("unknown at preview (subnetwork, tags, account) gives 'maybe', never a certain answer", () => {
    const rs = base([
      httpsFromAnywhere,
      fw("deny-all-in", { direction: "INGRESS", priority: 500, denies: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0"], targetTags: ["locked"] }),
      vm("u-subnet", "sub-web", { tags: ["web"] }, { subnetwork: UNKNOWN_STRING, accessConfigs: [{}] }),
      vm("u-tags", "sub-web", { tags: UNKNOWN_STRING }, { accessConfigs: [{}] }),
      vm("u-external", "sub-web", { tags: ["web"] }, { accessConfigs: UNKNOWN_STRING }),
      res(T.vm, "u-all", { networkInterfaces: UNKNOWN_STRING, tags: UNKNOWN_STRING, serviceAccount: UNKNOWN_STRING }),
    ]);
    const m = analyseReachability(rs);
    // A tag the firewall uses names the zone of the instance whose subnetwork is unknown; ingress
    // from the internet does not depend on its address, so that answer stays certain.
    assert.equal(m.pair("internet", "gcp:web/vm:u-subnet")!.allowed.toString(), "tcp/443");
    for (const id of ["gcp:web/vm:u-tags", "gcp:web/vm:u-external", "gcp:vm:u-all"]) {
      const p = m.pair("internet", id);
      assert.ok(p, `${id} is an endpoint`);
      assert.equal(p.allowed.toString(), "nothing", id);
      assert.equal(p.possible.intersect(tcp(443)).toString(), "tcp/443", `${id}: tcp/443 possible`);
    }
  });

  it("a rule naming sources by range is a 'maybe' for an instance whose subnetwork is unknown", () => {
    const rs = base([
      fw("from-web", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], sourceRanges: ["10.1.0.0/24"], targetTags: ["app"] }),
      vm("app-1", "sub-app", { tags: ["app"] }, { networkIp: "10.1.1.5" }),
      vm("u-subnet", "sub-web", {}, { subnetwork: UNKNOWN_STRING }),
      vm("known", "sub-web", {}, { networkIp: "10.1.0.7" }),
    ]);
    const m = analyseReachability(rs);
    const p = m.pair("gcp:vm:u-subnet", "gcp:app/vm:app-1")!;
    assert.equal(p.allowed.toString(), "nothing");
    assert.equal(p.possible.toString(), "tcp/8080");
    assert.equal(m.pair("gcp:web/vm:known", "gcp:app/vm:app-1")!.allowed.toString(), "tcp/8080");
  });

  it("a managed group runs its template's network, tags and account; a template no group uses is a note", () => {
    const rs = base([
      httpsFromAnywhere,
      res(T.tpl, "tpl-web", { tags: ["web"], networkInterfaces: [{ network: "net-id", subnetwork: "sub-web-id", accessConfigs: [{}] }] }),
      res(T.tpl, "tpl-unused", { tags: ["web"], networkInterfaces: [{ network: "net-id", subnetwork: "sub-web-id" }] }),
      res(T.mig, "grp-web", { baseInstanceName: "web", versions: [{ instanceTemplate: UNKNOWN_STRING }] }, { propertyDependencies: { versions: [urnOf(T.tpl, "tpl-web")] } }),
    ]);
    const m = analyseReachability(rs);
    assert.equal(m.pair("internet", "gcp:web/mig:grp-web")!.allowed.toString(), "tcp/443");
    assert.equal(m.endpoints.find((e) => e.id === "gcp:web/mig:grp-web")!.workloadKind, "mig");
    assert.ok(m.notes.some((n) => n.startsWith(`${urnOf(T.tpl, "tpl-unused")}: not analysed`)), m.notes.join("\n"));
    assert.ok(!m.endpoints.some((e) => e.resource === urnOf(T.tpl, "tpl-unused")));
  });

  it("an instance made from a template runs the template's interfaces and tags, overridden by its own", () => {
    const rs = base([
      httpsFromAnywhere,
      res(T.tpl, "tpl-web", { tags: ["web"], networkInterfaces: [{ network: "net-id", subnetwork: "sub-web-id", accessConfigs: [{}] }] }),
      res("gcp:compute/instanceFromTemplate:InstanceFromTemplate", "from-tpl", { sourceInstanceTemplate: "tpl-web-id" }),
      res("gcp:compute/instanceFromTemplate:InstanceFromTemplate", "untagged", { sourceInstanceTemplate: "tpl-web-id", tags: [] }),
    ]);
    const m = analyseReachability(rs);
    assert.equal(m.pair("internet", "gcp:web/vm:from-tpl")!.allowed.toString(), "tcp/443");
    assert.equal(m.pair("internet", "gcp:web/vm:untagged")!.possible.toString(), "nothing");
    assert.ok(!m.notes.some((n) => n.startsWith(urnOf(T.tpl, "tpl-web"))), m.notes.join("\n"));
  });

  describe("load balancers", () => {
    const group = [
      res(T.tpl, "tpl-app", { tags: ["app"], networkInterfaces: [{ network: "net-id", subnetwork: "sub-app-id" }] }),
      res(T.rmig, "grp-app", { baseInstanceName: "app", versions: [{ instanceTemplate: "tpl-app-id" }], namedPorts: [{ name: "http", port: 8080 }] }),
    ];

    it("an external passthrough rule lets the internet reach a backend without an external IP, on the rule's ports, as its firewall admits the client", () => {
      const lb = [
        res(T.rbs, "bs-app", { loadBalancingScheme: "EXTERNAL", protocol: "TCP", backends: [{ group: UNKNOWN_STRING }] }, { propertyDependencies: { backends: [urnOf(T.rmig, "grp-app")] } }),
        res(T.fr, "fr-app", { loadBalancingScheme: "EXTERNAL", ipProtocol: "TCP", ports: ["8080"], backendService: "bs-app-id" }),
      ];
      const open = fw("app-open", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080", "9090"] }], sourceRanges: ["0.0.0.0/0"], targetTags: ["app"] });
      const m = analyseReachability(base([...group, ...lb, open]));
      assert.equal(m.pair("internet", "gcp:app/mig:grp-app")!.allowed.toString(), "tcp/8080");
      assert.equal(m.pair("internet", "gcp:app/lb:fr-app")!.allowed.toString(), "tcp/8080");
      assert.equal(m.endpoints.find((e) => e.id === "gcp:app/lb:fr-app")!.resource, urnOf(T.fr, "fr-app"));
      // The client's address is what the firewall sees: a deny of part of the internet cuts only that part.
      const partly = analyseReachability(base([...group, ...lb, open, fw("deny-doc", { direction: "INGRESS", priority: 900, denies: [{ protocol: "all" }], sourceRanges: ["203.0.113.0/24"], targetTags: ["app"] })]));
      assert.equal(partly.pair("internet", "gcp:app/mig:grp-app")!.allowed.toString(), "tcp/8080");
      // Without the firewall's allow, nothing gets through.
      const closed = analyseReachability(base([...group, ...lb]));
      assert.equal(closed.pair("internet", "gcp:app/mig:grp-app")!.possible.toString(), "nothing");
      // An internal rule is not the internet's way in.
      const internal = analyseReachability(base([...group, open, lb[0], res(T.fr, "fr-app", { loadBalancingScheme: "INTERNAL", ipProtocol: "TCP", ports: ["8080"], backendService: "bs-app-id", subnetwork: "sub-app-id" })]));
      assert.equal(internal.pair("internet", "gcp:app/mig:grp-app")!.possible.toString(), "nothing");
    });

    it("a global proxy reaches its backends from Google's front ends (35.191.0.0/16, 130.211.0.0/22), on the backend service's named port", () => {
      const lb = [
        res(T.bs, "bs-app", { loadBalancingScheme: "EXTERNAL_MANAGED", protocol: "HTTP", portName: "http", backends: [{ group: UNKNOWN_STRING }] }, { propertyDependencies: { backends: [urnOf(T.rmig, "grp-app")] } }),
        res(T.urlMap, "um-app", { defaultService: UNKNOWN_STRING }, { propertyDependencies: { defaultService: [urnOf(T.bs, "bs-app")] } }),
        res(T.httpProxy, "px-app", { urlMap: UNKNOWN_STRING }, { propertyDependencies: { urlMap: [urnOf(T.urlMap, "um-app")] } }),
        res(T.gfr, "gfr-app", { loadBalancingScheme: "EXTERNAL_MANAGED", portRange: "80", target: UNKNOWN_STRING }, { propertyDependencies: { target: [urnOf(T.httpProxy, "px-app")] } }),
      ];
      const fromGfe = (port: string) => fw("gfe", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: [port] }], sourceRanges: ["35.191.0.0/16", "130.211.0.0/22"], targetTags: ["app"] });
      const ok = analyseReachability(base([...group, ...lb, fromGfe("8080")]));
      assert.equal(ok.pair("internet", "gcp:app/mig:grp-app")!.allowed.toString(), "tcp/80");
      assert.equal(ok.pair("internet", "gcp:app/lb:gfr-app")!.allowed.toString(), "tcp/80");
      // The firewall admits the front ends on another port than the named one: nothing passes.
      const wrongPort = analyseReachability(base([...group, ...lb, fromGfe("9090")]));
      assert.equal(wrongPort.pair("internet", "gcp:app/mig:grp-app")!.possible.toString(), "nothing");
      // A rule open to the internet but not to the front ends' ranges does not admit the proxies.
      const clientsOnly = analyseReachability(base([...group, ...lb, fw("office", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], sourceRanges: ["198.51.100.0/24"], targetTags: ["app"] })]));
      assert.equal(clientsOnly.pair("internet", "gcp:app/mig:grp-app")!.possible.toString(), "nothing");
    });

    it("an internal passthrough rule is reached from its network on its ports, as the backends' firewall admits each client", () => {
      const rs = base([
        ...group,
        fw("from-web", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080", "9090"] }], sourceRanges: ["10.1.0.0/25"], targetTags: ["app"] }),
        vm("web-low", "sub-web", {}, { networkIp: "10.1.0.10" }),
        vm("web-high", "sub-web", {}, { networkIp: "10.1.0.200" }),
        res(T.rbs, "bs-int", { loadBalancingScheme: "INTERNAL", protocol: "TCP", backends: [{ group: "grp-app-id" }] }),
        res(T.fr, "fr-int", { loadBalancingScheme: "INTERNAL", ipProtocol: "TCP", ports: ["8080"], backendService: "bs-int-id", network: "net-id", subnetwork: "sub-app-id", ipAddress: "10.1.1.100" }),
      ]);
      const m = analyseReachability(rs);
      assert.equal(m.endpoints.find((e) => e.id === "gcp:app/lb:fr-int")!.zone, "app");
      assert.equal(m.pair("gcp:web/vm:web-low", "gcp:app/lb:fr-int")!.allowed.toString(), "tcp/8080");
      assert.equal(m.pair("gcp:web/vm:web-high", "gcp:app/lb:fr-int")!.possible.toString(), "nothing");
      assert.equal(m.pair("internet", "gcp:app/lb:fr-int")!.possible.toString(), "nothing");
      // A load balancer starts no traffic of its own.
      assert.equal(m.pair("gcp:app/lb:fr-int", "gcp:app/mig:grp-app")!.possible.toString(), "nothing");
    });

    it("an internal proxy reaches its backends from the network's proxy-only subnetwork; without one in the stack, 'maybe'", () => {
      const proxy = [
        res(T.rbs, "bs-int", { loadBalancingScheme: "INTERNAL_MANAGED", protocol: "HTTP", backends: [{ group: "grp-app-id" }] }),
        res("gcp:compute/regionUrlMap:RegionUrlMap", "um-int", { defaultService: "bs-int-id" }),
        res("gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy", "px-int", { urlMap: "um-int-id" }),
        res(T.fr, "fr-int", { loadBalancingScheme: "INTERNAL_MANAGED", portRange: "80", target: "px-int-id", network: "net-id", subnetwork: "sub-app-id", ipAddress: "10.1.1.100" }),
        fw("from-proxies", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], sourceRanges: ["10.1.200.0/24"], targetTags: ["app"] }),
        vm("web-1", "sub-web", {}, { networkIp: "10.1.0.10" }),
      ];
      const only = res(T.sub, "proxy-only", { network: "net-id", ipCidrRange: "10.1.200.0/24", purpose: "REGIONAL_MANAGED_PROXY", role: "ACTIVE" });
      const m = analyseReachability(base([...group, ...proxy, only]));
      assert.equal(m.pair("gcp:web/vm:web-1", "gcp:app/lb:fr-int")!.allowed.toString(), "tcp/80");
      // The client reaches the backends through the proxy, though their firewall admits no client directly.
      assert.equal(m.pair("gcp:web/vm:web-1", "gcp:app/mig:grp-app")!.allowed.toString(), "tcp/80");
      const unknown = analyseReachability(base([...group, ...proxy])).pair("gcp:web/vm:web-1", "gcp:app/lb:fr-int")!;
      assert.equal(unknown.allowed.toString(), "nothing");
      assert.equal(unknown.possible.toString(), "tcp/80");
    });

    it("a target pool's instances and groups are its backends", () => {
      const rs = base([
        fw("app-open", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["0.0.0.0/0"], targetTags: ["app"] }),
        vm("app-1", "sub-app", { tags: ["app"] }, { networkIp: "10.1.1.5" }),
        res(T.pool, "pool", { instances: ["europe-west1-b/app-1"] }),
        res(T.fr, "fr-pool", { portRange: "443", target: "pool-id" }),
      ]);
      const m = analyseReachability(rs.map((r) => (r.name === "app-1" ? { ...r, props: { ...r.props, name: "app-1" } } : r)));
      assert.equal(m.pair("internet", "gcp:app/vm:app-1")!.allowed.toString(), "tcp/443");
    });

    it("a backend it cannot resolve is a note naming the rule's URN, and the load balancer a 'maybe'", () => {
      const rs = base([res(T.rbs, "bs-x", { backends: [{ group: "projects/p/zones/z/networkEndpointGroups/neg-1" }] }), res(T.fr, "fr-x", { ports: ["443"], backendService: "bs-x-id" })]);
      const m = analyseReachability(rs);
      assert.ok(m.notes.some((n) => n.startsWith(`${urnOf(T.rbs, "bs-x")}: not analysed: backends "projects/p/zones/z/networkEndpointGroups/neg-1"`)), m.notes.join("\n"));
      const p = m.pair("internet", "gcp:lb:fr-x")!;
      assert.equal(p.allowed.toString(), "nothing");
      assert.equal(p.possible.toString(), "all");
    });
  });
});
