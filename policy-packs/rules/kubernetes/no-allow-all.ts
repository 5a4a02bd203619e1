/**
 * Passing condition: no NetworkPolicy rule cancels isolation: a rule that names no peers (every
 * pod of every namespace and the whole internet, on every port or on the ports it lists), peers
 * that together select every pod of every namespace (an empty namespaceSelector, `Exists` on
 * kubernetes.io/metadata.name, `In` beside `NotIn`...), or ipBlocks that together cover the whole
 * internet without exceptions (0.0.0.0/1 and 128.0.0.0/1 in two peers). CIDRs are judged as
 * ranges, selectors over every label set, and a malformed port or CIDR at its widest.
 */
import { z } from "zod";
import { CidrSet } from "../../../core/net";
import { K8S_TYPES, normaliseNetworkPolicy, peersSelectEveryPod, type NetworkPolicyPeer, type NetworkPolicyRule, type Unknown } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const noAllowAllConfig = z.object({});

/** An ipBlock's addresses, an invalid CIDR at its widest (the whole internet). */
function blockCidrs(p: NetworkPolicyPeer): CidrSet | undefined {
  const b = p.ipBlock;
  if (!b || !b.complete || p.unknown) return undefined;
  return (b.malformed ? CidrSet.WORLD : b.cidrs).subtract(b.except);
}

function problems(rule: NetworkPolicyRule, namespace: string | Unknown): string[] {
  if (rule.peers === "all") return [rule.anyPort ? "allows every peer on every port" : "names no peers: allows every pod of every namespace and the whole internet"];
  const out: string[] = [];
  const blocks = rule.peers.map((p) => ({ p, cidrs: blockCidrs(p) })).filter((x): x is { p: NetworkPolicyPeer; cidrs: CidrSet } => x.cidrs !== undefined);
  const alone = blocks.filter((x) => x.cidrs.isWorld());
  for (const x of alone) out.push(`ipBlock ${x.p.ipBlock?.malformed ? "with an invalid CIDR (counted as the whole internet)" : x.p.ipBlock?.cidrs} is the whole internet with no except`);
  if (alone.length === 0 && blocks.length > 1 && blocks.reduce((acc, x) => acc.union(x.cidrs), CidrSet.EMPTY).isWorld()) {
    out.push(`ipBlocks ${blocks.map((x) => (x.p.ipBlock?.malformed ? "(invalid CIDR)" : String(x.p.ipBlock?.cidrs))).join(" + ")} together are the whole internet`);
  }
  const selectorPeers = rule.peers.filter((p) => !p.ipBlock && !p.unknown);
  if (selectorPeers.some((p) => peersSelectEveryPod([p], namespace))) out.push("a peer selects every pod in every namespace");
  else if (peersSelectEveryPod(selectorPeers, namespace)) out.push("its peers together select every pod in every namespace");
  return out;
}

export const noAllowAll = resourceRule({
  name: "netseg-k8s-no-allow-all",
  description: "No NetworkPolicy rule allows every peer, every pod of every namespace, or the whole internet through ipBlocks without except, alone or together.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Replace the empty peer or the 0.0.0.0/0 ipBlock with the pods, namespaces or CIDR ranges the flow needs, with except for private ranges where the internet is meant.",
  config: noAllowAllConfig,
  covers: { rows: [28], ids: ["Cyclonus lint", "Trivy KUBE-0001", "Trivy KUBE-0002"] },
  types: [K8S_TYPES.networkPolicy],
  check: (r, _cfg, report) => {
    const p = normaliseNetworkPolicy(r.props, r.name);
    for (const [dir, rules] of [["ingress", p.ingress], ["egress", p.egress]] as const) {
      rules.forEach((rule, i) => {
        // A malformed port is counted at its widest, and the message says so.
        const traffic = rule.problems.length > 0 ? `${rule.widestTraffic}; malformed values counted at their widest: ${rule.problems.join("; ")}` : String(rule.traffic);
        for (const m of problems(rule, p.namespace)) report(`NetworkPolicy ${label(r)} in namespace ${String(p.namespace)}: ${dir}[${i}] ${m} (${traffic})`);
      });
    }
  },
});
