/**
 * GCP VPC firewall reachability. Rules apply to their targets (tags, service accounts, or every
 * instance); they are taken by priority, lowest number first, and at equal priority a deny
 * beats an allow; after them come the implied rules at 65535: allow all egress, deny all
 * ingress. Firewalls are stateful, so a pair needs the source's egress and the target's
 * ingress only. Traffic to or from the internet also needs a route to the default internet
 * gateway for the instance (GCP's default route, or a tagged route when it was deleted).
 */
import type { Endpoint, Path, Stage } from "../model";
import type { External, PlatformAnalysis } from "../platform";
import { blockStage, firstMatchStage, passStage, type Entry } from "../stage";
import { triAnd, triOr, type Tri } from "../values";
import { accountMatch, type GcpFirewall, type GcpModel, type GcpZone } from "./model";

type Side = { readonly zone: GcpZone } | { readonly ext: External };

function targets(f: GcpFirewall, z: GcpZone): Tri {
  if (f.targetTags.length) return f.targetTags.some((t) => z.tags.has(t)) ? "yes" : "no";
  if (f.targetAccounts) return accountMatch(f.targetAccounts, z);
  return "yes";
}

function rangesTouch(ranges: GcpFirewall["sourceRanges"], side: Side): Tri {
  if (!ranges) return "no";
  if ("ext" in side) return ranges.overlaps(side.ext.addresses) ? "yes" : "no";
  if (side.zone.rangesUnknown || !side.zone.ranges) return ranges.isEmpty() ? "no" : "maybe";
  return ranges.overlaps(side.zone.ranges) ? "yes" : "no";
}

function sourceMatch(f: GcpFirewall, src: Side): Tri {
  const any = f.sourceRanges || f.sourceTags.length || f.sourceAccounts;
  if (!any) return "yes"; // no source given: GCP applies the rule to 0.0.0.0/0
  let m: Tri = rangesTouch(f.sourceRanges, src);
  if ("zone" in src) {
    if (f.sourceTags.some((t) => src.zone.tags.has(t))) m = "yes";
    if (f.sourceAccounts) m = triOr(m, accountMatch(f.sourceAccounts, src.zone));
  }
  return m;
}

function destinationMatch(f: GcpFirewall, dst: Side): Tri {
  return f.destinationRanges ? rangesTouch(f.destinationRanges, dst) : "yes";
}

const byPriority = (a: GcpFirewall, b: GcpFirewall) => a.priority - b.priority || (a.action === b.action ? 0 : a.action === "deny" ? -1 : 1);

export function analyseGcp(model: GcpModel, externals: readonly External[]): PlatformAnalysis {
  const zones = new Map<string, { ep: Endpoint; zone: GcpZone }>();
  for (const z of [...model.zones.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    zones.set(`gcp:${z.name}`, { ep: { id: `gcp:${z.name}`, key: z.name, kind: "zone", platform: "gcp", zone: z.name, ...(z.sensitive ? { sensitive: true } : {}) }, zone: z });
  }
  const sorted = [...model.firewalls].sort(byPriority);
  /** zone -> direction -> rules that may apply to it, in evaluation order */
  const applying = new Map<string, { INGRESS: { f: GcpFirewall; t: Tri }[]; EGRESS: { f: GcpFirewall; t: Tri }[] }>();
  for (const { zone } of zones.values()) {
    const a = { INGRESS: [] as { f: GcpFirewall; t: Tri }[], EGRESS: [] as { f: GcpFirewall; t: Tri }[] };
    for (const f of sorted) {
      if (f.network && zone.networks.size && !zone.networks.has(f.network)) continue;
      const t = targets(f, zone);
      if (t !== "no") a[f.direction].push({ f, t: f.rangesUnknown && t === "yes" ? "yes" : t });
    }
    applying.set(zone.name, a);
  }
  const extById = new Map(externals.map((e) => [e.endpoint.id, e]));

  function stage(zone: GcpZone, dir: "INGRESS" | "EGRESS", other: Side, otherKey: string): Stage {
    const entries: Entry[] = [];
    for (const { f, t } of applying.get(zone.name)![dir]) {
      let m = triAnd(t, dir === "INGRESS" ? sourceMatch(f, other) : destinationMatch(f, other));
      if (m !== "no" && (f.rangesUnknown || !f.certain)) m = "maybe";
      if (m !== "no") entries.push({ rule: f.ref, action: f.action, traffic: f.traffic, match: m });
    }
    const ingress = dir === "INGRESS";
    const label = `firewall ${ingress ? "ingress to" : "egress from"} ${zone.name}`;
    const implied = { urn: "", resource: "GCP implied rule", rule: ingress ? "deny all ingress, priority 65535" : "allow all egress, priority 65535" };
    return firstMatchStage(label, entries, { rule: implied, action: ingress ? "deny" : "allow" }, `no firewall rule allows ${ingress ? "ingress to" : "egress from"} ${zone.name} ${ingress ? "from" : "to"} ${otherKey}`);
  }

  function internetRoute(zone: GcpZone, ext: External): Stage | undefined {
    if (ext.endpoint.kind !== "internet") return undefined;
    const label = `route from ${zone.name} to the internet`;
    for (const r of model.routes) {
      if (!r.internet || !r.dest || !r.dest.overlaps(ext.addresses)) continue;
      if (r.network && zone.networks.size && !zone.networks.has(r.network)) continue;
      if (!r.tags.length || r.tags.some((t) => zone.tags.has(t))) return passStage(label, r.ref);
    }
    if ([...zone.networks].some((n) => model.defaultRoute.has(n)) || zone.networks.size === 0) {
      return passStage(label, { urn: "", resource: "GCP default route", rule: "0.0.0.0/0 via default-internet-gateway" });
    }
    return blockStage(label, `no route to the default internet gateway for ${zone.name} (default routes deleted, no route tagged for it)`);
  }

  return {
    endpoints: [...zones.values()].map((z) => z.ep),
    notes: [],
    paths(from, to): Path[] | undefined {
      const a = zones.get(from.id);
      const b = zones.get(to.id);
      const label = `${from.key} -> ${to.key}`;
      if (a && b) {
        const shared = !a.zone.networks.size || !b.zone.networks.size || [...a.zone.networks].some((n) => b.zone.networks.has(n));
        if (!shared) return [{ label, stages: [blockStage("network", `${from.key} and ${to.key} are in different VPC networks`)] }];
        return [{ label, stages: [stage(a.zone, "EGRESS", { zone: b.zone }, to.key), stage(b.zone, "INGRESS", { zone: a.zone }, from.key)] }];
      }
      if (a && extById.has(to.id)) {
        const ext = extById.get(to.id)!;
        const route = internetRoute(a.zone, ext);
        return [{ label, stages: [stage(a.zone, "EGRESS", { ext }, to.key), ...(route ? [route] : [])] }];
      }
      if (b && extById.has(from.id)) {
        const ext = extById.get(from.id)!;
        const route = internetRoute(b.zone, ext);
        return [{ label, stages: [stage(b.zone, "INGRESS", { ext }, from.key), ...(route ? [route] : [])] }];
      }
      return undefined;
    },
  };
}

