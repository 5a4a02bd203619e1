/**
 * How much of a stack a non-default policy covers: AWS subnets associated with a NACL of their
 * own (not the VPC's default one), GCP zones targeted by at least one firewall rule (beyond the
 * implied ones), Kubernetes workloads selected by at least one NetworkPolicy. An advisory
 * figure: a subnet or workload outside every policy is where segmentation silently stops.
 */
import type { Intent } from "../intent/types";
import { ResourceGraph } from "./graph";
import type { NetResource } from "./model";
import { readAws } from "./aws/model";
import { AWS } from "./aws/types";
import { accountMatch, readGcp, type GcpFirewall, type GcpZone } from "./gcp/model";
import { readK8s } from "./k8s/model";
import { matchSelector } from "./k8s/selectors";
import { mayApplyTo, mergeScoped, type ScopedIntent } from "./scope";

export interface CoverageFigure {
  readonly covered: number;
  readonly total: number;
  /** Names of what no non-default policy covers, sorted. */
  readonly uncovered: readonly string[];
}

export interface CoverageReport {
  readonly awsSubnets: CoverageFigure;
  readonly gcpZones: CoverageFigure;
  readonly k8sWorkloads: CoverageFigure;
  /** Over all three; 1 when there is nothing to cover. */
  readonly share: number;
}

function targetsZone(f: GcpFirewall, z: GcpZone): boolean {
  if (!f.targetTags.length && !f.targetAccounts) return true;
  if (f.targetTags.some((t) => z.tags.has(t))) return true;
  return !!f.targetAccounts && accountMatch(f.targetAccounts, z) !== "no";
}

function figure(items: { name: string; covered: boolean }[]): CoverageFigure {
  return { covered: items.filter((i) => i.covered).length, total: items.length, uncovered: items.filter((i) => !i.covered).map((i) => i.name).sort() };
}

export function policyCoverage(resources: readonly NetResource[], opts: { intent?: Intent; intents?: readonly ScopedIntent[]; zoneTag?: string } = {}): CoverageReport {
  const intents = mergeScoped([...(opts.intent ? [{ intent: opts.intent }] : []), ...(opts.intents ?? [])]).filter((s) => mayApplyTo(s, "k8s"));
  // Namespaces an intent declares unmanaged (existing, not netseg's) are not counted.
  const unmanaged = new Set(intents.flatMap((s) => s.intent.zones.filter((z) => !z.managed).map((z) => z.name)));
  const g = new ResourceGraph(resources);
  const aws = readAws(g, opts.zoneTag);
  const defaults = new Set(g.ofType(AWS.defaultNacl).map((r) => r.urn));
  const awsSubnets = figure(aws.subnets.map((s) => ({ name: s.zone ? `${s.name} (zone ${s.zone})` : s.name, covered: !!s.nacl && !defaults.has(s.nacl.urn) })));
  const gcp = readGcp(g);
  const gcpZones = figure([...gcp.zones.values()].map((z) => ({ name: z.name, covered: gcp.firewalls.some((f) => f.direction === "INGRESS" && targetsZone(f, z)) })));
  const k8s = readK8s(g, intents);
  const k8sWorkloads = figure(
    k8s.workloads
      .filter((w) => !(w.namespace === "kube-system" && w.name === "kube-dns"))
      .filter((w) => !unmanaged.has(w.namespace))
      .map((w) => ({
        name: `${w.namespace}/${w.name}`,
        covered: k8s.policies.some((p) => p.namespace === w.namespace && matchSelector(p.spec.podSelector ?? {}, { labels: w.labels, complete: true }) !== "no"),
      })),
  );
  const covered = awsSubnets.covered + gcpZones.covered + k8sWorkloads.covered;
  const total = awsSubnets.total + gcpZones.total + k8sWorkloads.total;
  return { awsSubnets, gcpZones, k8sWorkloads, share: total ? covered / total : 1 };
}
