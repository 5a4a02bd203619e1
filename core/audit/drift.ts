/**
 * Drift: what differs between the resources a program declares (a recorded `netseg preview
 * --format json`, its `declared` list) and what is deployed (a stack export): resources added
 * outside the program, deleted, or changed in a field the program sets or in a rule list
 * (`ingress`, `egress`, `routes`) the cloud holds. Resources pair by URN without its stack part.
 *
 * Values are compared as the network reads them: lists of rules or addresses as sets (AWS keeps
 * them unordered), an absent value like an empty one (inside a rule entry also like `false` or
 * `0`, the defaults the provider writes out), numbers like their decimal text, and a
 * reference to another resource of the same stack by that resource (a preview's mock ids and
 * the cloud's real ids differ; the resource they name does not). A declared value unknown at
 * preview, or deployed as an encrypted secret, is not compared, and counted as such.
 */
import type { NetResource } from "../reachability/model";
import { UNKNOWN_SENTINELS } from "../reachability/values";

/** A resource as the preview declares it (`netseg preview --format json`, field `declared`). */
export interface DeclaredResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly id?: string;
  readonly inputs: Record<string, unknown>;
}

export interface DriftItem {
  readonly change: "added" | "deleted" | "changed";
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** For `changed`: the field, with both values (undefined where a side has none). */
  readonly field?: string;
  readonly declared?: unknown;
  readonly deployed?: unknown;
  /** For a list compared as a set: its entries only one side holds. */
  readonly onlyDeclared?: unknown[];
  readonly onlyDeployed?: unknown[];
}

export interface DriftReport {
  /** Sorted by URN, then field. */
  readonly items: DriftItem[];
  /** Resources that differ (a resource changed in two fields counts once): the headline figure. */
  readonly count: number;
  readonly compared: number;
  /** Fields not compared, as `urn field`: the declared value was unknown at preview, or the deployed one is an encrypted secret. */
  readonly notCompared: string[];
}

/** Lists of rules the cloud holds whole, compared even when the program left them to other resources. */
const RULE_LISTS: Readonly<Record<string, readonly string[]>> = {
  "aws:ec2/securityGroup:SecurityGroup": ["ingress", "egress"],
  "aws:ec2/networkAcl:NetworkAcl": ["ingress", "egress"],
  "aws:ec2/routeTable:RouteTable": ["routes"],
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ["ingress", "egress"],
  "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": ["ingress", "egress"],
};

/** The URN without its stack: `project::type::name`. */
export function stacklessUrn(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts.slice(1).join("::") : urn;
}

function hasUnknown(v: unknown): boolean {
  if (typeof v === "string") return UNKNOWN_SENTINELS.has(v);
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(hasUnknown);
  return false;
}

const EMPTY = "";

/** A canonical text of a value: equal texts mean equal for the network. */
function canon(v: unknown, refOf: (id: string) => string | undefined): string {
  if (v === undefined || v === null) return EMPTY;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") {
    const ref = refOf(v);
    return ref !== undefined ? `ref(${ref})` : JSON.stringify(v) === '""' ? EMPTY : JSON.stringify(v).replace(/^"(-?\d+)"$/, "$1");
  }
  if (Array.isArray(v)) {
    const items = v.map((x) => canon(x, refOf)).filter((x) => x !== EMPTY);
    return items.length ? `[${[...new Set(items)].sort().join(",")}]` : EMPTY;
  }
  if (typeof v === "object") {
    const entries = Object.entries(v)
      .map(([k, x]) => [k, canon(x, refOf)] as const)
      // Inside an entry the provider writes its defaults out (`ipv6CidrBlock: ""`, `icmpType: 0`,
      // `self: false`) where the program left them: the same rule.
      .filter(([, x]) => x !== EMPTY && x !== "false" && x !== "0")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length ? `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${x}`).join(",")}}` : EMPTY;
  }
  return String(v);
}

function idMap<T extends { urn: string; id?: string }>(rs: readonly T[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of rs) if (r.id) m.set(r.id, stacklessUrn(r.urn));
  return m;
}

/**
 * Compares declared with deployed. `deployed` are the stack export's resources (props = deployed
 * values); `external` the URNs it reads without managing them, which no program declares.
 */
export function computeDrift(declared: readonly DeclaredResource[], deployed: readonly NetResource[], external: ReadonlySet<string> = new Set()): DriftReport {
  const wanted = declared.filter((r) => r.custom && !r.type.startsWith("pulumi:"));
  const declaredIds = idMap(wanted);
  const deployedIds = idMap(deployed);
  const byKey = new Map(deployed.map((r) => [stacklessUrn(r.urn), r]));
  const items: DriftItem[] = [];
  const notCompared: string[] = [];
  let compared = 0;
  const seen = new Set<string>();
  for (const d of wanted) {
    const key = stacklessUrn(d.urn);
    seen.add(key);
    const live = byKey.get(key);
    if (!live) {
      items.push({ change: "deleted", urn: d.urn, type: d.type, name: d.name });
      continue;
    }
    compared++;
    const props = live.props ?? live.inputs ?? {};
    const fields = new Set([...Object.keys(d.inputs), ...(RULE_LISTS[d.type] ?? []).filter((f) => f in props)]);
    for (const field of [...fields].sort()) {
      const want = d.inputs[field];
      if (hasUnknown(want)) {
        notCompared.push(`${d.urn} ${field}`);
        continue;
      }
      const have = props[field];
      if (hasUnknown(have)) {
        // An encrypted secret in the export: its value cannot be read, so not compared.
        notCompared.push(`${d.urn} ${field}`);
        continue;
      }
      const a = canon(want, (id) => declaredIds.get(id));
      const b = canon(have, (id) => deployedIds.get(id));
      if (a === b) continue;
      const item: DriftItem = { change: "changed", urn: live.urn, type: d.type, name: d.name, field, declared: want, deployed: have };
      if (Array.isArray(want) || Array.isArray(have)) {
        const side = (xs: unknown, refOf: (id: string) => string | undefined) => new Map((Array.isArray(xs) ? xs : []).map((x) => [canon(x, refOf), x] as const));
        const wa = side(want, (id) => declaredIds.get(id));
        const hb = side(have, (id) => deployedIds.get(id));
        items.push({ ...item, onlyDeclared: [...wa].filter(([k]) => !hb.has(k)).map(([, x]) => x), onlyDeployed: [...hb].filter(([k]) => !wa.has(k)).map(([, x]) => x) });
      } else items.push(item);
    }
  }
  for (const r of deployed) {
    if (!seen.has(stacklessUrn(r.urn)) && !external.has(r.urn)) items.push({ change: "added", urn: r.urn, type: r.type, name: r.name });
  }
  items.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : (a.field ?? "").localeCompare(b.field ?? "")));
  return { items, count: new Set(items.map((i) => stacklessUrn(i.urn))).size, compared, notCompared };
}

/** A value for a message: entries without their empty fields (`""`, `[]`, `false`), as JSON. */
function shown(v: unknown): string {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip);
    if (x !== null && typeof x === "object") {
      return Object.fromEntries(Object.entries(x).filter(([, e]) => e !== "" && e !== false && e !== null && !(Array.isArray(e) && e.length === 0)).map(([k, e]) => [k, strip(e)]));
    }
    return x;
  };
  return v === undefined ? "(none)" : JSON.stringify(strip(v));
}

/** One line per item: `changed: aws:ec2/securityGroup:SecurityGroup shop-edge, field ingress: ...`. */
export function driftLine(i: DriftItem): string {
  const what = `${i.type} ${i.name}`;
  if (i.change === "added") return `added outside the program: ${what} (${i.urn}) is deployed but not declared`;
  if (i.change === "deleted") return `deleted outside the program: ${what} (${i.urn}) is declared but not deployed`;
  if (i.onlyDeclared || i.onlyDeployed) {
    const parts = [
      ...(i.onlyDeployed?.length ? [`deployed has ${shown(i.onlyDeployed)}, which the program does not declare`] : []),
      ...(i.onlyDeclared?.length ? [`declared ${shown(i.onlyDeclared)} is not deployed`] : []),
    ];
    return `changed: ${what}, field ${i.field}: ${parts.join("; ") || `declared ${shown(i.declared)}, deployed ${shown(i.deployed)}`}`;
  }
  return `changed: ${what}, field ${i.field}: declared ${shown(i.declared)}, deployed ${shown(i.deployed)}`;
}
