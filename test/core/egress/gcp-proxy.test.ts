import assert from "node:assert/strict";
import { planGcpEgressProxy, renderGcpProxyStartupScript, OPS_AGENT_CONFIG_PATH, SQUID_ACCESS_LOG } from "../../../core/egress";
import { parseIntent } from "../../../core/intent";
import { planGcpNetwork } from "../../../core/rules/gcp";
import { CidrSet } from "../../../core/net";
import { shop } from "./fixtures";

const REGIONS = ["europe-west1", "us-central1"];

describe("core/egress GCP proxy plan", () => {
  const intent = shop();
  const network = planGcpNetwork(intent, { regions: REGIONS });
  const plan = planGcpEgressProxy(intent, network);

  it("gives Squid the zones' GCP subnets as sources, so the per-zone ACLs match real clients", () => {
    const app = network.zones.find((z) => z.name === "app")!.subnets.map((s) => s.cidr);
    assert.deepEqual(plan.sources.find((s) => s.zone === "app")?.cidrs, app);
    assert.match(plan.squidConfig, new RegExp(`acl zone_app src ${app.join(" ").replace(/\./g, "\\.")}\n`));
  });

  it("places one proxy subnet per region in the reserved block, outside every zone, matching the network's proxy ranges", () => {
    assert.deepEqual(plan.regions.map((r) => [r.region, r.subnet.cidr]), REGIONS.map((r, i) => [r, network.egressProxyRanges[i]]));
    const zones = CidrSet.fromCidrs(network.subnets.map((s) => s.cidr));
    assert.ok(plan.regions.every((r) => !zones.overlaps(CidrSet.fromCidrs([r.subnet.cidr]))));
  });

  it("opens 3128 to the proxy from the proxied zones only, and the proxy out on the listed ports", () => {
    const byKey = Object.fromEntries(plan.firewalls.map((f) => [f.key, f]));
    assert.deepEqual(byKey.clients.sourceZones, ["app", "build"]);
    assert.deepEqual(byKey.clients.ports, [3128]);
    assert.deepEqual(byKey["zones-out"].destinationRanges, plan.regions.map((r) => r.subnet.cidr));
    assert.deepEqual(byKey.out.ports, [80, 443, 8443]);
    assert.ok(plan.firewalls.every((f) => !f.ports.includes(22)));
    assert.deepEqual(planGcpEgressProxy(intent, network, { bootstrapEgressPorts: [9418] }).firewalls.find((f) => f.key === "out")?.ports, [80, 443, 8443, 9418]);
  });

  it("with the network planned for its listen port, the zones reach it on tcp/3128 only and no extra rule is added", () => {
    const explicit = planGcpNetwork(intent, { regions: REGIONS, egressProxyPort: 3128 });
    const toProxy = explicit.firewallRules.filter((r) => r.kind === "egress-proxy");
    assert.deepEqual(toProxy.map((r) => r.targetZones[0]).sort(), ["app", "build"]);
    for (const r of toProxy) {
      assert.deepEqual(r.protocols, [{ protocol: "tcp", ports: ["3128"] }], `${r.name} opens only the listen port`);
      assert.equal(CidrSet.fromCidrs(r.destinationRanges).toString(), CidrSet.fromCidrs(explicit.egressProxyRanges).toString());
    }
    // planned for a transparent proxy, the same rules carry the destination ports
    const transparent = network.firewallRules.filter((r) => r.kind === "egress-proxy").flatMap((r) => r.protocols.flatMap((p) => p.ports ?? []));
    assert.ok(transparent.includes("443") && !transparent.includes("3128"));
    const p = planGcpEgressProxy(intent, explicit);
    assert.deepEqual(p.firewalls.map((f) => f.key), ["clients", "health", "out"]);
    assert.deepEqual(p.regions, plan.regions, "the proxy itself is the same");
  });

  it("refuses a network planned for another listen port, and a port that is not one, with the fix", () => {
    assert.throws(() => planGcpEgressProxy(intent, planGcpNetwork(intent, { regions: REGIONS, egressProxyPort: 8080 })), /open tcp\/8080 .* listens on tcp\/3128; build the SegmentedNetwork with egressProxyPort: 3128/);
    assert.throws(() => planGcpNetwork(intent, { regions: REGIONS, egressProxyPort: 70000 }), (err: Error) => /args\.egressProxyPort/.test(err.message) && /1 to 65535/.test(err.message));
  });

  it("is deterministic and names everything from stable keys", () => {
    assert.deepEqual(planGcpEgressProxy(shop(), planGcpNetwork(shop(), { regions: REGIONS })), plan);
    const grown = planGcpEgressProxy(intent, planGcpNetwork(intent, { regions: [...REGIONS, "us-east1"] }));
    assert.deepEqual(grown.regions.slice(0, 2).map((r) => r.names), plan.regions.map((r) => r.names), "adding a region renames nothing");
  });

  it("refuses tag targeting and intents without a proxied zone, with the fix", () => {
    assert.throws(() => planGcpEgressProxy(intent, planGcpNetwork(intent, { regions: REGIONS, targeting: "tag" })), /build the SegmentedNetwork with targeting: "serviceAccount"/);
    const plain = parseIntent({ name: "plain", addressSpace: "10.9.0.0/16", zones: [{ name: "app" }], flows: [] });
    assert.throws(() => planGcpEgressProxy(plain, planGcpNetwork(plain, { regions: REGIONS })), /has no zone with egress: proxy/);
  });
});

describe("core/egress GCP startup script", () => {
  const squid = planGcpEgressProxy(shop(), planGcpNetwork(shop(), { regions: REGIONS })).squidConfig;
  const script = renderGcpProxyStartupScript(squid);

  it("installs the generated Squid config verbatim and checks it before restarting", () => {
    const body = script.split("cat > /etc/squid/squid.conf <<'NETSEG_SQUID_CONF'\n")[1].split("\nNETSEG_SQUID_CONF\n")[0];
    assert.equal(body + "\n", squid);
    assert.ok(script.indexOf("squid -k parse") < script.indexOf("systemctl restart squid"));
    assert.ok(script.startsWith("#!/bin/bash\nset") || script.startsWith("#!/bin/bash\n#"));
    assert.match(script, /set -euo pipefail/);
  });

  it("ships Squid's access log to Cloud Logging through the Ops Agent", () => {
    const cfg = JSON.parse(script.split(`cat > ${OPS_AGENT_CONFIG_PATH} <<'NETSEG_OPS_AGENT_CONF'\n`)[1].split("\nNETSEG_OPS_AGENT_CONF\n")[0]);
    assert.ok(cfg.logging.receivers.squid.include_paths.includes(SQUID_ACCESS_LOG));
    assert.deepEqual(cfg.logging.service.pipelines.squid.receivers, ["squid"]);
  });
});
