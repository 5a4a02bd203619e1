/**
 * Joins the files of one inventory: the same record seen twice (an interface in describe-instances
 * and describe-network-interfaces, a rule inline in describe-security-groups and again in
 * describe-security-group-rules, a VPC attachment in two transit outputs) becomes one resource,
 * completed by the fields the other copy adds; a prefix list whose entries arrived in another file
 * is no longer listed as unread; GCP networks lose the default route the engine assumes when the
 * inventory's own route list says whether it exists. Every record folded into another is counted.
 * Stack exports pass through untouched.
 */
import type { NetResource } from "../../reachability/model";
import { AWS } from "../../reachability/aws/types";
import { AWS_WORKLOAD } from "../../reachability/aws/workloads";
import { GCP } from "../../reachability/gcp/model";
import { AWS_SG_TYPES } from "../../resources/aws-security-groups";
import type { ReadResult, Skipped } from "../types";

const empty = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);

const STANDALONE_SG_RULES = new Set<string>([AWS_SG_TYPES.ingressRule, AWS_SG_TYPES.egressRule]);

export function joinInventory(all: readonly ReadResult[]): ReadResult[] {
  // A stack export is one program's whole state, never a partial view to complete: it passes through.
  const inventories = all.filter((r) => r.format !== "pulumi-stack-export");
  const joined = joinInventories(inventories);
  return all.map((r) => (r.format === "pulumi-stack-export" ? r : joined[inventories.indexOf(r)]));
}

function joinInventories(results: readonly ReadResult[]): ReadResult[] {
  const first = new Map<string, { r: NetResource; file: number }>();
  const drop = new Map<number, Map<NetResource, string>>();
  const dropIn = (file: number, r: NetResource, why: string) => {
    const m = drop.get(file) ?? new Map<NetResource, string>();
    m.set(r, why);
    drop.set(file, m);
  };
  /** Resources changed by the join, as copies: the results handed in are never modified. */
  const changed = new Map<NetResource, NetResource>();
  const propsToChange = (r: NetResource): Record<string, unknown> => {
    let c = changed.get(r);
    if (!c) changed.set(r, (c = { ...r, props: { ...r.props } }));
    return c.props as Record<string, unknown>;
  };
  results.forEach((res, file) =>
    res.resources.forEach((r) => {
      const seen = first.get(r.urn);
      if (!seen) return void first.set(r.urn, { r, file });
      // The first copy stays; fields only the later copy holds complete it.
      const props = propsToChange(seen.r);
      for (const [k, v] of Object.entries(r.props ?? {})) if (empty(props[k]) && !empty(v)) props[k] = v;
      dropIn(file, r, "read twice (e.g. in two outputs); merged into the first copy");
    }),
  );
  const all = [...first.values()];
  const ids = (type: string) => new Set(all.filter((x) => x.r.type === type).map((x) => x.r.id));
  const instances = ids(AWS_WORKLOAD.instance);
  const inlineGroups = new Set(all.filter((x) => (x.r.type === AWS.sg || x.r.type === AWS.defaultSg) && Array.isArray(x.r.props?.ingress)).map((x) => x.r.id));
  for (const { r, file } of all) {
    const p = r.props ?? {};
    if (r.type === AWS_WORKLOAD.eni) {
      const att = (p.attachments as { instance?: string; deviceIndex?: number }[] | undefined)?.[0];
      if (att?.deviceIndex === 0 && att.instance && instances.has(att.instance)) dropIn(file, r, "the primary interface of an instance of the inventory; read as the instance");
    }
    if (STANDALONE_SG_RULES.has(r.type) && inlineGroups.has(p.securityGroupId as string)) dropIn(file, r, "a rule of a group describe-security-groups gave with its rules; read there");
  }
  const prefixLists = ids(AWS_SG_TYPES.prefixList);
  const gcpRoutesRead = results.some((res) => res.format === "gcloud" && Object.keys(res.counts).some((k) => k.startsWith("compute#route")));
  if (gcpRoutesRead) {
    // gcloud's route list holds the default internet route when it exists: the engine must not assume one.
    for (const { r } of all) if (r.type === GCP.network) propsToChange(r).deleteDefaultRoutesOnCreate = true;
  }
  return results.map((res, file) => {
    const dropped = drop.get(file);
    const counts: Record<string, number> = { ...res.counts };
    for (const why of dropped?.values() ?? []) counts[`also counted above, folded into another record: ${why}`] = (counts[`also counted above, folded into another record: ${why}`] ?? 0) + 1;
    const skipped: Skipped[] = res.skipped.filter((s) => !(s.kind === "AWS::EC2::PrefixList" && s.id && prefixLists.has(s.id)));
    const kept = dropped ? res.resources.filter((r) => !dropped.has(r)) : res.resources;
    return { ...res, resources: kept.map((r) => changed.get(r) ?? r), skipped, counts };
  });
}
