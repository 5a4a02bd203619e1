/**
 * `pulumi stack export` JSON as the deployed state: an untyped deployment `{version, deployment}`
 * whose deployment (version 3) holds `manifest`, `secrets_providers` and `resources`, each resource
 * a ResourceV3 (`urn`, `custom`, `id`, `type`, `inputs`, `outputs`, `parent`, `dependencies`,
 * `propertyDependencies`, `provider`, `delete`, `pendingReplacement`, `external`...).
 *
 * A resource's properties are its outputs (what the provider last read, so what a refresh saw)
 * over its inputs (what the program asked for): deployed values win, an output the provider left
 * as an empty string counting as unset. Secrets are stored as
 * `{<sig>: <secret sig>, ciphertext}` (or `plaintext`, a JSON text, with `--show-secrets`): a
 * plaintext is decoded, a ciphertext becomes Pulumi's unknown value, so the engine treats it as
 * "could be anything" and never as a wrong "denied". Components and providers are no network
 * resources: counted, not listed as not understood. A resource the cloud does not hold (pending
 * replacement) or a leftover awaiting deletion is listed with the reason; one the stack reads but
 * does not manage (`external`, from `get`) is analysed and named in `external`, so it is no drift.
 */
import type { NetResource } from "../reachability/model";
import { InventoryError, type ReadResult, type Skipped } from "./types";
import { parseJsonDocuments, positionOf } from "./readers/json-docs";

/** Pulumi's signature key of a special value in serialized properties, and the signature of a secret. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Pulumi's unknown-value sentinel (what the engine sends for a value it cannot know). */
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The count key for resources that are no network resources by kind (providers, components, the stack). */
export const NOT_NETWORK = "not network resources (stack, components, providers)";
/** Of those, the providers and the components (the report's resource line names them). */
export const PROVIDERS = "providers";
export const COMPONENTS = "components";

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** True when `doc` has the shape of a `pulumi stack export` (any version): `{version, deployment: {...}}`. */
export function isStackExport(doc: unknown): boolean {
  const r = asRecord(doc);
  return r !== undefined && "version" in r && asRecord(r.deployment) !== undefined;
}

/** Property values with Pulumi's secrets opened where the export holds them in plain text. */
export function revealSecrets(v: unknown): { value: unknown; encrypted: number } {
  let encrypted = 0;
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    const r = asRecord(x);
    if (!r) return x;
    if (r[SIG_KEY] === SECRET_SIG) {
      if (typeof r.plaintext === "string") {
        try {
          return walk(JSON.parse(r.plaintext));
        } catch {
          return r.plaintext;
        }
      }
      encrypted++;
      return UNKNOWN_VALUE;
    }
    return Object.fromEntries(Object.entries(r).map(([k, e]) => [k, walk(e)]));
  };
  return { value: walk(v), encrypted };
}

/**
 * Outputs less the empty strings the Terraform-bridged providers write for an optional text left
 * unset (`ipv6CidrBlock: ""` in every NACL entry, `natGatewayId: ""` in every route): read as
 * values, they would be malformed addresses and targets.
 */
function withoutUnsetStrings(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutUnsetStrings);
  const r = asRecord(v);
  if (!r) return v;
  return Object.fromEntries(Object.entries(r).filter(([, e]) => e !== "").map(([k, e]) => [k, withoutUnsetStrings(e)]));
}

/** The logical name of a URN (`urn:pulumi:stack::project::type::name`). */
export function urnName(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i === -1 ? urn : urn.slice(i + 2);
}

/** Line of the first `"key":` in `text`, as `line L, column C`, else the JSON path. */
function positionOfKey(text: string | undefined, key: string, fallback: string): string {
  if (text === undefined) return fallback;
  const m = new RegExp(`"${key}"\\s*:`).exec(text);
  if (!m) return fallback;
  const p = positionOf(text, m.index);
  return `line ${p.line}, column ${p.column} (${fallback})`;
}

/**
 * Reads one parsed stack export. Throws an InventoryError for another deployment version or a
 * deployment without a `resources` array; never for a resource it does not understand.
 */
export function readStackExport(file: string, doc: unknown, text?: string): ReadResult {
  const root = asRecord(doc);
  if (!root || !isStackExport(root)) {
    throw new InventoryError(file, "$", 'a Pulumi stack export: {"version": 3, "deployment": {...}}', "not a Pulumi stack export");
  }
  if (root.version !== 3) {
    throw new InventoryError(
      file,
      positionOfKey(text, "version", "$.version"),
      "deployment version 3 (what `pulumi stack export` writes since Pulumi 1.0); re-export the stack with a current Pulumi CLI",
      `unsupported deployment version ${JSON.stringify(root.version)}`,
    );
  }
  const deployment = asRecord(root.deployment)!;
  const list = deployment.resources ?? [];
  if (!Array.isArray(list)) {
    throw new InventoryError(file, positionOfKey(text, "resources", "$.deployment.resources"), "an array of resources", `deployment.resources is ${typeof list}`);
  }
  const resources: NetResource[] = [];
  const skipped: Skipped[] = [];
  const counts: Record<string, number> = {};
  const inlineOf = new Map<string, Set<string>>();
  const external: string[] = [];
  const count = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  list.forEach((item, i) => {
    const at = `$.deployment.resources[${i}]`;
    const r = asRecord(item);
    const type = typeof r?.type === "string" ? r.type : undefined;
    const urn = typeof r?.urn === "string" ? r.urn : undefined;
    if (!r || !type || !urn) {
      skipped.push({ file, at, kind: type ?? "resource", reason: `a resource needs a string "urn" and "type" (got ${!r ? JSON.stringify(item)?.slice(0, 60) : `urn ${JSON.stringify(r.urn)}, type ${JSON.stringify(r.type)}`})` });
      return;
    }
    if (type.startsWith("pulumi:providers:") || r.custom === false || type === "pulumi:pulumi:Stack") {
      count(NOT_NETWORK);
      if (type.startsWith("pulumi:providers:")) count(PROVIDERS);
      else if (type !== "pulumi:pulumi:Stack") count(COMPONENTS);
      return;
    }
    if (r.pendingReplacement === true) {
      skipped.push({ file, at, kind: type, reason: `${urnName(urn)} was deleted for a replacement not yet created (pendingReplacement): the cloud does not hold it` });
      return;
    }
    if (r.delete === true) {
      skipped.push({ file, at, kind: type, reason: `${urnName(urn)} is a replaced copy awaiting deletion (delete: true); the resource of the same URN that replaces it is analysed` });
      return;
    }
    const inputs = revealSecrets(asRecord(r.inputs) ?? {});
    const outputs = revealSecrets(asRecord(r.outputs) ?? {});
    const props = { ...(inputs.value as Record<string, unknown>), ...(withoutUnsetStrings(outputs.value) as Record<string, unknown>) };
    count(type);
    if (inputs.encrypted + outputs.encrypted > 0) count("encrypted secret values (read as unknown)");
    if (r.external === true) external.push(urn);
    inlineOf.set(urn, new Set(Object.keys(asRecord(r.inputs) ?? {}).filter((k) => k === "ingress" || k === "egress" || k === "routes")));
    resources.push({
      type,
      urn,
      name: urnName(urn),
      props,
      ...(typeof r.id === "string" && r.id !== "" ? { id: r.id } : {}),
      ...(typeof r.parent === "string" ? { parent: r.parent } : {}),
      dependencies: Array.isArray(r.dependencies) ? r.dependencies.filter((d): d is string => typeof d === "string") : [],
      propertyDependencies: Object.fromEntries(
        Object.entries(asRecord(r.propertyDependencies) ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.filter((d): d is string => typeof d === "string") : []]),
      ),
    });
  });
  return { format: "pulumi-stack-export", resources: withoutRulesManagedElsewhere(resources, inlineOf), skipped, counts, ...(external.length ? { external } : {}) };
}

// --- Rules the provider lists twice --------------------------------------------------------
//
// The AWS provider reads every rule of a security group into the group's `ingress`/`egress`
// outputs, and every route of a route table into its `routes`, also those that separate rule
// and route resources of the same stack manage. Analysed as they stand, each such rule would be
// counted twice and every group would look like one managed both ways. So where the program did
// not declare the list inline (its inputs lack it), the entries that a separate resource of the
// export manages are taken out; what is left was added outside the program, and stays, for the
// engine, the rules and the drift to see.

const SG = "aws:ec2/securityGroup:SecurityGroup";
const ROUTE_TABLE = "aws:ec2/routeTable:RouteTable";
const PROTOCOLS: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", all: "-1" };

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : typeof v === "string" && v !== "" ? [v] : [];
}

/** `protocol|ports` of a security-group rule: the part of its key every peer shares. */
function ruleHead(r: Record<string, unknown>, protocolField: string): string {
  const raw = String(r[protocolField] ?? "").toLowerCase();
  const protocol = PROTOCOLS[raw] ?? raw;
  return `${protocol}|${protocol === "-1" ? "*" : `${String(r.fromPort ?? "")}-${String(r.toPort ?? "")}`}`;
}

function peerKey(head: string, kind: string, value: string, sgId: string): string {
  return `${head}|${kind === "sg" && value === sgId ? "self" : `${kind}:${value}`}`;
}

/** Every (protocol, ports, peer) of a rule, as comparable keys. */
function ruleKeys(sgId: string, r: Record<string, unknown>, protocolField: string, peers: [string, string][]): string[] {
  const head = ruleHead(r, protocolField);
  const keys = peers.flatMap(([field, kind]) => strings(r[field]).map((v) => peerKey(head, kind, v, sgId)));
  return r.self === true ? [...keys, `${head}|self`] : keys;
}

const ENTRY_PEERS: [string, string][] = [["cidrBlocks", "cidr"], ["ipv6CidrBlocks", "cidr"], ["prefixListIds", "pl"], ["securityGroups", "sg"]];
const VPC_RULE_PEERS: [string, string][] = [["cidrIpv4", "cidr"], ["cidrIpv6", "cidr"], ["prefixListId", "pl"], ["referencedSecurityGroupId", "sg"]];
const EC2_RULE_PEERS: [string, string][] = [["cidrBlocks", "cidr"], ["ipv6CidrBlocks", "cidr"], ["prefixListIds", "pl"], ["sourceSecurityGroupId", "sg"]];

/** `sgId|ingress` -> the rule keys separate rule resources manage. */
function separatelyManagedRules(resources: readonly NetResource[]): Map<string, Set<string>> {
  const managed = new Map<string, Set<string>>();
  const add = (sgId: unknown, direction: string, keys: string[]) => {
    if (typeof sgId !== "string") return;
    const set = managed.get(`${sgId}|${direction}`) ?? new Set<string>();
    for (const key of keys) set.add(key);
    managed.set(`${sgId}|${direction}`, set);
  };
  for (const r of resources) {
    const p = r.props ?? {};
    const sgId = String(p.securityGroupId);
    if (r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") add(p.securityGroupId, "ingress", ruleKeys(sgId, p, "ipProtocol", VPC_RULE_PEERS));
    else if (r.type === "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") add(p.securityGroupId, "egress", ruleKeys(sgId, p, "ipProtocol", VPC_RULE_PEERS));
    else if (r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && (p.type === "ingress" || p.type === "egress")) add(p.securityGroupId, p.type, ruleKeys(sgId, p, "protocol", EC2_RULE_PEERS));
  }
  return managed;
}

/** An SG entry less the peers a separate resource manages; undefined when nothing is left. */
function entryLeft(sgId: string, entry: Record<string, unknown>, managed: Set<string>): Record<string, unknown> | undefined {
  const head = ruleHead(entry, "protocol");
  const left = Object.fromEntries(ENTRY_PEERS.filter(([field]) => field in entry).map(([field, kind]) => [field, strings(entry[field]).filter((v) => !managed.has(peerKey(head, kind, v, sgId)))]));
  const self = entry.self === true && !managed.has(`${head}|self`);
  if (!self && Object.values(left).every((l) => l.length === 0)) return undefined;
  return { ...entry, ...left, ...("self" in entry ? { self } : {}) };
}

const ROUTE_DESTINATIONS: [string, string][] = [["cidrBlock", "destinationCidrBlock"], ["ipv6CidrBlock", "destinationIpv6CidrBlock"], ["destinationPrefixListId", "destinationPrefixListId"]];

function withoutRulesManagedElsewhere(resources: NetResource[], inlineOf: ReadonlyMap<string, ReadonlySet<string>>): NetResource[] {
  const rules = separatelyManagedRules(resources);
  const routes = new Map<string, Set<string>>();
  for (const r of resources) {
    if (r.type !== "aws:ec2/route:Route") continue;
    const p = r.props ?? {};
    if (typeof p.routeTableId !== "string") continue;
    const set = routes.get(p.routeTableId) ?? new Set<string>();
    for (const [, field] of ROUTE_DESTINATIONS) for (const d of strings(p[field])) set.add(d);
    routes.set(p.routeTableId, set);
  }
  return resources.map((r) => {
    if (!r.id || !r.props) return r;
    const props = { ...r.props };
    // A list the program declared inline is the program's own: it is compared as it stands.
    const inline = inlineOf.get(r.urn);
    if (r.type === SG) {
      for (const direction of ["ingress", "egress"]) {
        const list = props[direction];
        if (!Array.isArray(list) || inline?.has(direction)) continue;
        const managed = rules.get(`${r.id}|${direction}`) ?? new Set<string>();
        const left = list.map((e) => (asRecord(e) ? entryLeft(r.id!, asRecord(e)!, managed) : e)).filter((e) => e !== undefined);
        // Nothing left: the group has no inline list, as the program declared it.
        if (left.length) props[direction] = left;
        else delete props[direction];
      }
    } else if (r.type === ROUTE_TABLE && Array.isArray(props.routes) && !inline?.has("routes")) {
      const managed = routes.get(r.id) ?? new Set<string>();
      const left = props.routes.filter((e) => !ROUTE_DESTINATIONS.some(([field]) => strings(asRecord(e)?.[field]).some((d) => managed.has(d))));
      if (left.length) props.routes = left;
      else delete props.routes;
    } else return r;
    return { ...r, props };
  });
}

/** Reads a stack export from its text (a truncated or broken file is an InventoryError with its line and column). */
export function readStackExportText(file: string, text: string): ReadResult {
  const docs = parseJsonDocuments(file, text);
  if (docs.length > 1) {
    throw new InventoryError(file, `line ${docs[1].line}`, "one JSON document, as `pulumi stack export` writes it", `${docs.length} JSON documents in one file`);
  }
  return readStackExport(file, docs[0].value, text);
}
