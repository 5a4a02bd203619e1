/**
 * What an intent must satisfy before it can become Kubernetes objects, beyond the intent's own
 * checks: names the API server accepts, label selectors that select something, protocols a
 * NetworkPolicy can express, and (in Istio mode) a service account behind every flow source.
 * Each problem names its path in the intent, so it reads like any other intent error.
 */
import type { Intent, Workload, Zone } from "../../intent";
import type { IntentIssue } from "../../intent";
import { dns1123LabelProblem, dns1123SubdomainProblem, labelValueProblem } from "./names";
import { TAG } from "../../tags";
import { labelIssues, type ResolvedK8sOptions } from "./options";
import { objectName, policyNames } from "./naming";

function zoneIndex(intent: Intent): Map<string, { zone: Zone; index: number }> {
  return new Map(intent.zones.map((zone, index) => [zone.name, { zone, index }]));
}

/** True when a pod carrying `labels` is selected by `selector` (matchLabels semantics). */
function selects(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

function checkNames(intent: Intent, issues: IntentIssue[]): void {
  const iv = labelValueProblem(intent.name);
  if (iv) issues.push({ path: "name", value: intent.name, message: `the intent name is the value of every object's ${TAG.k8s.intent} label, and a label value ${iv}`, fix: "shorten the intent name" });
  intent.zones.forEach((z, i) => {
    const p = dns1123LabelProblem(z.name);
    if (p) issues.push({ path: `zones[${i}].name`, value: z.name, message: `zone "${z.name}" is a Kubernetes namespace, and a namespace name ${p}`, fix: "rename the zone to a lower-case DNS label of at most 63 characters" });
    z.workloads.forEach((w, j) => {
      const path = `zones[${i}].workloads[${j}]`;
      const np = dns1123LabelProblem(w.name);
      if (np) issues.push({ path: `${path}.name`, value: w.name, message: `workload "${w.name}" names Kubernetes objects, and its name ${np}`, fix: "rename the workload to a lower-case DNS label" });
      for (const kind of ["policy", "authz", "fqdn"] as const) {
        const name = objectName({ zone: z.name, workload: w.name }, kind);
        const sp = dns1123SubdomainProblem(name);
        if (sp && !np) issues.push({ path: `${path}.name`, value: w.name, message: `the object name "${name}" derived from workload "${w.name}" ${sp}`, fix: "shorten the workload name" });
      }
      if (Object.keys(w.labels).length === 0) {
        issues.push({ path: `${path}.labels`, value: "{}", message: `workload "${w.name}" has no labels, so its selector would match every pod of namespace "${z.name}"`, fix: "give the labels its pods carry, or omit labels to use { app: <name> }" });
      }
      issues.push(...labelIssues(`${path}.labels`, w.labels, `workload "${w.name}":`));
      if (w.serviceAccount !== undefined) {
        const sp = dns1123SubdomainProblem(w.serviceAccount);
        if (sp) issues.push({ path: `${path}.serviceAccount`, value: w.serviceAccount, message: `a service account name ${sp}`, fix: "use the name of the workload's ServiceAccount object" });
      }
    });
    z.workloads.forEach((a, j) => {
      z.workloads.forEach((b, k) => {
        if (j === k || !selects(a.labels, b.labels) || (k < j && selects(b.labels, a.labels))) return;
        issues.push({ path: `zones[${i}].workloads[${j}].labels`, value: JSON.stringify(a.labels), message: `the selector of workload "${a.name}" also selects the pods of workload "${b.name}" (its labels are a subset of theirs), so every flow to or from "${a.name}" would apply to "${b.name}" too`, fix: `give "${a.name}" a label that "${b.name}" does not carry` });
      });
    });
    const names = new Map<string, string>();
    for (const n of policyNames(z)) {
      const prior = names.get(n.object);
      if (prior !== undefined) issues.push({ path: `zones[${i}].workloads`, value: n.object, message: `${n.owner} and ${prior} would both own the object "${n.object}" in namespace "${z.name}"`, fix: "rename one of the workloads" });
      else names.set(n.object, n.owner);
    }
  });
}

function checkProtocols(intent: Intent, issues: IntentIssue[]): void {
  intent.flows.forEach((f, k) => {
    if (f.ports.some((p) => p.protocol === "icmp")) {
      issues.push({ path: `flows[${k}].ports`, value: "icmp", message: `flow ${f.key}: a NetworkPolicy filters TCP, UDP and SCTP only, so icmp cannot be allowed on Kubernetes`, fix: "remove icmp from the flow (pods answer ping within the cluster without a policy rule only when no policy isolates them)" });
    }
  });
}

function sourceWorkloads(zone: Zone, workload?: string): readonly Workload[] {
  return workload ? zone.workloads.filter((w) => w.name === workload) : zone.workloads;
}

/** Istio authorises a caller by its service account: every flow into a managed zone needs one. */
function checkIstioSources(intent: Intent, issues: IntentIssue[]): void {
  const zones = zoneIndex(intent);
  intent.flows.forEach((f, k) => {
    if (f.to.kind !== "zone" || !zones.get(f.to.zone)?.zone.managed) return;
    if (f.from.kind !== "zone") {
      issues.push({ path: `flows[${k}].from`, value: f.key, message: `istio is on, and flow ${f.key} comes from "${f.from.kind === "internet" ? "internet" : f.from.peer}", which has no service account to authorise by principal (and STRICT mTLS refuses its plain-text traffic)`, fix: "bring the traffic in through an ingress controller or gateway declared as a zone/workload with a serviceAccount, or turn istio off" });
      return;
    }
    const { zone, index } = zones.get(f.from.zone)!;
    const callers = sourceWorkloads(zone, f.from.workload);
    if (callers.length === 0) {
      issues.push({ path: `flows[${k}].from`, value: f.key, message: `istio is on, and flow ${f.key} comes from zone "${zone.name}", which declares no workloads and so no service accounts to authorise`, fix: `declare the zone's workloads with their serviceAccount, or name one as "${zone.name}/<workload>"` });
    }
    for (const w of callers) {
      if (w.serviceAccount === undefined) {
        const j = zone.workloads.indexOf(w);
        issues.push({ path: `zones[${index}].workloads[${j}].serviceAccount`, value: `${zone.name}/${w.name}`, message: `istio is on, and workload "${zone.name}/${w.name}" is a source of flow ${f.key} but has no serviceAccount, so no principal can authorise it`, fix: `set serviceAccount on workload "${w.name}" to the ServiceAccount its pods run as` });
      }
    }
  });
}

/** Every problem that keeps the intent from being planned for Kubernetes; empty when it can be. */
export function k8sIntentIssues(intent: Intent, options: ResolvedK8sOptions): IntentIssue[] {
  const issues: IntentIssue[] = [];
  checkNames(intent, issues);
  checkProtocols(intent, issues);
  if (options.istio) checkIstioSources(intent, issues);
  const unique = new Map(issues.map((i) => [`${i.path}\u0000${i.message}`, i]));
  return [...unique.values()];
}
