/**
 * Reads `kubectl get namespaces,deployments,statefulsets,daemonsets,pods,networkpolicies -A -o json`:
 * a `List` (`apiVersion: v1, kind: List, items`), a typed list (`DeploymentList`, whose items carry no
 * kind), or one object. Objects become the provider's resources as k8sObjectsToResources makes them
 * (`kubernetes:apps/v1:Deployment`, id `namespace/name` as the provider's). A pod a controller of
 * the inventory runs (a ReplicaSet's, a StatefulSet's...) is judged with that controller, and a
 * ReplicaSet a Deployment of the inventory owns with the Deployment, so no workload counts twice.
 * Kinds the engine and packs do not read (ConfigMaps, Secrets...) are listed as not read; a
 * Secret's data is never copied.
 */
import { k8sObjectsToResources } from "../../reachability/k8s/model";
import { AUDIT_PROJECT, AUDIT_STACK, arr, obj, text, type Tally } from "./common";

/** Kinds read, by `group/version kind`. */
const READ = new Set([
  "v1 Namespace", "v1 Pod", "v1 Service",
  "apps/v1 Deployment", "apps/v1 StatefulSet", "apps/v1 DaemonSet", "apps/v1 ReplicaSet",
  "batch/v1 Job", "batch/v1 CronJob",
  "networking.k8s.io/v1 NetworkPolicy",
]);

const CONTROLLERS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]);

interface Item {
  readonly object: Record<string, unknown>;
  readonly at: string;
  readonly kind: string;
  readonly apiVersion: string;
}

/** The items of a kubectl document, each with its JSON path. */
function itemsOf(doc: Record<string, unknown>, prefix: string): Item[] {
  const kind = text(doc.kind) ?? "";
  const apiVersion = text(doc.apiVersion) ?? "";
  if (kind.endsWith("List") && Array.isArray(doc.items)) {
    // A typed list's items carry no kind: it is the list's, less `List`.
    const itemKind = kind === "List" ? undefined : kind.slice(0, -"List".length);
    return arr(doc.items).map((x, i) => {
      const o = obj(x) ?? {};
      return { object: o, at: `${prefix}.items[${i}]`, kind: text(o.kind) ?? itemKind ?? "", apiVersion: text(o.apiVersion) ?? (itemKind ? apiVersion : "") };
    });
  }
  return [{ object: doc, at: prefix, kind, apiVersion }];
}

/** The controller (kind and name) that runs an object, from its owner references. */
function controllerOf(o: Record<string, unknown>): { kind: string; name: string } | undefined {
  for (const ref of arr(obj(o.metadata)?.ownerReferences)) {
    const r = obj(ref);
    if (r?.controller === true && typeof r.kind === "string" && typeof r.name === "string") return { kind: r.kind, name: r.name };
  }
  return undefined;
}

export function readKubectlDocuments(t: Tally, docs: readonly { doc: Record<string, unknown>; prefix: string }[]): void {
  const items = docs.flatMap(({ doc, prefix }) => itemsOf(doc, prefix));
  const key = (kind: string, ns: unknown, name: unknown) => `${kind}|${String(ns ?? "")}|${String(name ?? "")}`;
  const present = new Set(items.map((i) => key(i.kind, obj(i.object.metadata)?.namespace, obj(i.object.metadata)?.name)));
  /** The controller of the inventory that runs `o`, when there is one: `<kind> <name>`. */
  const judgedWith = (o: Record<string, unknown>, ns: unknown): string | undefined => {
    const owner = controllerOf(o);
    if (!owner || !CONTROLLERS.has(owner.kind)) return undefined;
    if (present.has(key(owner.kind, ns, owner.name))) return `${owner.kind} ${owner.name}`;
    // A pod of a ReplicaSet that is not listed: its Deployment is `<deployment>-<pod-template-hash>`.
    const hash = text(obj(obj(o.metadata)?.labels)?.["pod-template-hash"]);
    if (owner.kind === "ReplicaSet" && hash && owner.name.endsWith(`-${hash}`)) {
      const deployment = owner.name.slice(0, -(hash.length + 1));
      if (present.has(key("Deployment", ns, deployment))) return `Deployment ${deployment}`;
    }
    // A pod of a Job that is not listed, whose CronJob is: the CronJob names its Jobs `<cronjob>-<scheduled time>`.
    const cron = owner.kind === "Job" ? /^(.+)-\d+$/.exec(owner.name)?.[1] : undefined;
    if (cron && present.has(key("CronJob", ns, cron))) return `CronJob ${cron}`;
    return undefined;
  };
  for (const item of items) {
    const m = obj(item.object.metadata);
    const name = text(m?.name);
    const label = `${item.apiVersion} ${item.kind}`;
    if (!item.kind || !item.apiVersion) {
      t.skip(item.at, "kubernetes object", "no apiVersion or kind: not a Kubernetes object");
      continue;
    }
    if (!READ.has(label)) {
      t.skip(item.at, label, `${item.kind} is not read (read: ${[...READ].join(", ")})`, name);
      continue;
    }
    if (!name) {
      t.skip(item.at, label, "no metadata.name");
      continue;
    }
    const runBy = judgedWith(item.object, m?.namespace);
    if (runBy) {
      t.count(`${label} (run by ${runBy} of the inventory, judged with it)`);
      continue;
    }
    const [r] = k8sObjectsToResources([{ ...item.object, apiVersion: item.apiVersion, kind: item.kind }], AUDIT_STACK, AUDIT_PROJECT);
    const id = text(m?.namespace) ? `${m!.namespace}/${name}` : name;
    t.resources.push({ ...r, id });
    t.count(label);
  }
}
