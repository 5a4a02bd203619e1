/**
 * Istio mode: mutual TLS is required in every managed namespace (PeerAuthentication STRICT), and
 * each flow target admits only the service accounts of its flows' sources, by their SPIFFE
 * principal `<trust domain>/ns/<namespace>/sa/<service account>`, optionally narrowed to the
 * flow's HTTP methods and paths. An ALLOW policy on a workload denies every request it does not
 * match, so a target's policy lists every flow into it; an empty `allow-nothing` policy per
 * namespace makes the mesh deny by default too, so a workload no flow reaches admits no call
 * even where the CNI does not enforce NetworkPolicies.
 */
import { MAX_PORT, MIN_PORT } from "../../net/ports";
import type { Intent, Zone } from "../../intent";
import type { NeutralRule } from "../neutral";
import type { AuthorizationPolicy, AuthorizationRule, PeerAuthentication } from "./manifests";
import type { ResolvedK8sOptions } from "./options";
import { ALLOW_NOTHING_NAME, objectName, PEER_AUTHENTICATION_NAME, type Target } from "./naming";
import type { MetaFor } from "./network-policies";

type Istio = NonNullable<ResolvedK8sOptions["istio"]>;

export function peerAuthentication(zone: Zone, istio: Istio, meta: MetaFor): PeerAuthentication {
  return { apiVersion: istio.apiVersion, kind: "PeerAuthentication", metadata: meta(zone, PEER_AUTHENTICATION_NAME, "mtls"), spec: { mtls: { mode: "STRICT" } } };
}

/** Istio's documented mesh default deny: an ALLOW policy with no rules matches nothing. */
export function allowNothing(zone: Zone, istio: Istio, meta: MetaFor): AuthorizationPolicy {
  return { apiVersion: istio.apiVersion, kind: "AuthorizationPolicy", metadata: meta(zone, ALLOW_NOTHING_NAME, "authz-default-deny"), spec: {} };
}

function principals(intent: Intent, rule: NeutralRule, istio: Istio): string[] {
  if (rule.peer.kind !== "zone") throw new Error(`internal: istio source of ${rule.flowKey} is not a zone (checks.ts should have refused it)`);
  const { zone, workload } = rule.peer;
  const source = intent.zones.find((z) => z.name === zone)!;
  const callers = workload ? source.workloads.filter((w) => w.name === workload) : source.workloads;
  const out = callers.map((w) => {
    if (!w.serviceAccount) throw new Error(`internal: ${zone}/${w.name} has no service account (checks.ts should have refused it)`);
    return `${istio.trustDomain}/ns/${zone}/sa/${w.serviceAccount}`;
  });
  return [...new Set(out)].sort();
}

/** Istio matches single ports only; a range or a whole protocol leaves the port to the NetworkPolicy. */
function operationPorts(rule: NeutralRule): string[] | undefined {
  const tcp = rule.ports.filter((p) => p.protocol === "tcp" || p.protocol === "all");
  if (tcp.length === 0 || tcp.some((p) => p.protocol === "all" || p.from !== p.to || (p.from === MIN_PORT && p.to === MAX_PORT))) return undefined;
  return tcp.map((p) => String(p.from));
}

function authorizationRule(intent: Intent, rule: NeutralRule, istio: Istio): AuthorizationRule {
  const operation: { ports?: string[]; methods?: string[]; paths?: string[] } = {};
  const ports = operationPorts(rule);
  if (ports) operation.ports = ports;
  if (rule.http?.methods?.length) operation.methods = [...rule.http.methods];
  if (rule.http?.paths?.length) operation.paths = [...rule.http.paths];
  return { from: [{ source: { principals: principals(intent, rule, istio) } }], to: [{ operation }] };
}

/** Whether a flow carries TCP, the only traffic the sidecars' authorization sees. */
function carriesTcp(rule: NeutralRule): boolean {
  return rule.ports.some((p) => p.protocol === "tcp" || p.protocol === "all");
}

/**
 * The AuthorizationPolicy of one target: one rule per flow into it that carries TCP, in flow-key
 * order. A UDP- or SCTP-only flow gets no rule: the sidecar never sees that traffic, and a rule
 * without ports would admit its caller on every TCP port (the NetworkPolicy carries such flows).
 * A target whose flows carry no TCP keeps its policy with no rules: it admits no TCP call.
 */
export function authorizationPolicy(intent: Intent, zone: Zone, target: Target, ingress: readonly NeutralRule[], istio: Istio, meta: MetaFor): AuthorizationPolicy | undefined {
  if (ingress.length === 0) return undefined;
  const sorted = ingress.filter(carriesTcp).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const labels = target.workload ? { ...zone.workloads.find((w) => w.name === target.workload)!.labels } : undefined;
  return {
    apiVersion: istio.apiVersion,
    kind: "AuthorizationPolicy",
    metadata: meta(zone, objectName(target, "authz"), "authz", target),
    spec: {
      ...(labels ? { selector: { matchLabels: labels } } : {}),
      action: "ALLOW",
      rules: sorted.map((r) => authorizationRule(intent, r, istio)),
    },
  };
}
