/**
 * Passing condition: every AWS subnet has a NACL of its own, every GCP zone is targeted by a
 * firewall rule and every Kubernetes workload is selected by a NetworkPolicy; the share covered
 * is reported as a figure whenever it falls below the configured minimum.
 */
import { z } from "zod";
import { NETWORK_TYPES, policyCoverage, type CoverageFigure } from "../../../core/reachability";
import { stackRule } from "../define";
import { findIntents } from "./intent-source";

export const policyCoverageConfig = z.object({
  minimum: z.number().min(0).max(1).default(1).describe("Share (0-1) of subnets, GCP zones and workloads that must be under a non-default policy."),
  zoneTag: z.string().optional().describe("Tag/label key naming a resource's zone on hand-written resources."),
  intent: z.union([z.string(), z.record(z.string(), z.unknown())]).optional().describe("The intent, to count its workloads too (same as netseg-intent-conformance)."),
});

const percent = (n: number) => `${Math.round(n * 1000) / 10}%`;

function line(what: string, f: CoverageFigure): string | undefined {
  if (!f.total) return undefined;
  const list = f.uncovered.length ? `; not covered: ${f.uncovered.slice(0, 20).join(", ")}${f.uncovered.length > 20 ? `, and ${f.uncovered.length - 20} more` : ""}` : "";
  return `${what} ${f.covered}/${f.total}${list}`;
}

export const netsegPolicyCoverage = stackRule({
  name: "netseg-policy-coverage",
  description: "Subnets, GCP zones and Kubernetes workloads are all under a non-default network policy.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Give every subnet a NACL of its own, target every GCP zone with firewall rules and select every workload with a NetworkPolicy (netseg's components do all three), or lower minimum knowingly.",
  config: policyCoverageConfig,
  covers: { rows: [26], ids: ["KICS workload-without-network-policy"] },
  types: [...NETWORK_TYPES],
  check: (stack, cfg, report) => {
    const { intents } = findIntents(stack, cfg.intent);
    const c = policyCoverage(stack.resources, { intents, zoneTag: cfg.zoneTag });
    if (c.share >= cfg.minimum) return;
    const parts = [line("AWS subnets with their own NACL", c.awsSubnets), line("GCP zones targeted by a firewall rule", c.gcpZones), line("Kubernetes workloads selected by a NetworkPolicy", c.k8sWorkloads)].filter(Boolean);
    report(`policy coverage ${percent(c.share)} (minimum ${percent(cfg.minimum)}): ${parts.join("; ")}`);
  },
});
