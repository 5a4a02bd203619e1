/**
 * Builds the connectivity matrix: every platform found in the resources contributes its
 * endpoints and judges its own pairs (and pairs with the internet and peers); the matrix keeps,
 * per pair, what is certainly and possibly allowed, the rules behind it, and the paths so that
 * any blocked traffic can be explained later.
 */
import type { Intent } from "../intent/types";
import { ResourceGraph } from "./graph";
import type { Endpoint, ExternalPeer, Matrix, NetResource, PairResult, Path, RuleRef } from "./model";
import { INTERNET, type External, type PlatformAnalysis } from "./platform";
import { pathTraffic } from "./stage";
import { cidrSet } from "./values";
import { readAws } from "./aws/model";
import { analyseAws } from "./aws/evaluate";
import { readK8s } from "./k8s/model";
import { analyseK8s } from "./k8s/evaluate";
import { readGcp } from "./gcp/model";
import { analyseGcp } from "./gcp/evaluate";
import { TrafficSet } from "../net/ports";
import { mergeScoped, type ScopedIntent } from "./scope";
import { resolveEphemeralPorts, type EphemeralPorts, type EphemeralPortsInput } from "./ephemeral";

export interface AnalyseOptions {
  /** External networks to show as endpoints (the intent's peers are added when `intent` is given). */
  readonly peers?: readonly ExternalPeer[];
  /** An intent given by the caller, unscoped (see ./scope): same as `intents: [{ intent }]`. */
  readonly intent?: Intent;
  /**
   * The intents, each with the platforms it applies to: their peers become endpoints, and a
   * Kubernetes intent's workloads become endpoints where the stack has no pods for them.
   */
  readonly intents?: readonly ScopedIntent[];
  /** Tag/label key naming a resource's zone, when not netseg's own. */
  readonly zoneTag?: string;
  /**
   * Above this many endpoints no pair is judged: the matrix comes back with `skipped` set. Pairs
   * grow with the square of the endpoints (resources only linearly): see bench/RESULTS-reachability.md.
   */
  readonly maxEndpoints?: number;
  /**
   * The client's ephemeral (source) ports, to which replies return through stateless filters
   * (AWS NACLs): a TCP or UDP path is open when one of them gets its replies back through every
   * return check. A preset (`linux` 32768-60999, `windows` 49152-65535, `nat` 1024-65535), a
   * range `"from-to"` or `{ from, to }`. Default `nat`, the widest: a narrower range can only
   * report fewer paths. A malformed value throws, naming it.
   */
  readonly ephemeralPorts?: EphemeralPortsInput;
}

type PlatformReader = (graph: ResourceGraph, externals: readonly External[], opts: AnalyseOptions, ephemeral: EphemeralPorts) => PlatformAnalysis | undefined;

/** Each platform reads its own resources; one with nothing in the stack sits out. */
const readers: readonly PlatformReader[] = [
  (g, ext, opts, ephemeral) => {
    const model = readAws(g, opts.zoneTag);
    return model.sgs.size || model.subnets.length ? analyseAws(model, ext, ephemeral) : undefined;
  },
  (g, ext, opts) => {
    const model = readK8s(g, intentsOf(opts));
    return model.present ? analyseK8s(model, ext) : undefined;
  },
  (g, ext) => {
    const model = readGcp(g);
    return model.present ? analyseGcp(model, ext) : undefined;
  },
];

/** Every intent of the options, merged by name. */
export function intentsOf(opts: AnalyseOptions): ScopedIntent[] {
  return mergeScoped([...(opts.intent ? [{ intent: opts.intent }] : []), ...(opts.intents ?? [])]);
}

export function externalsFor(opts: AnalyseOptions): External[] {
  const peers = new Map<string, readonly string[]>();
  for (const s of intentsOf(opts)) for (const p of s.intent.peers) if (!peers.has(p.name)) peers.set(p.name, p.cidrs);
  for (const p of opts.peers ?? []) peers.set(p.name, p.cidrs);
  const out: External[] = [{ endpoint: { id: "internet", key: "internet", kind: "internet" }, addresses: INTERNET }];
  for (const [name, cidrs] of [...peers.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // Read leniently: a malformed block (from a caller, not a validated intent) is left out.
    out.push({ endpoint: { id: name, key: name, kind: "peer" }, addresses: cidrSet(cidrs).set });
  }
  return out;
}

function ruleKey(r: RuleRef): string {
  return `${r.urn}\u0000${r.resource}\u0000${r.rule}`;
}

/**
 * A pair's verdict; the rules behind it are gathered only when asked for. Its paths are kept, or
 * (for the matrix's own pairs, which may number hundreds of thousands) made again when asked
 * for: the platform's stages are cached, so that costs little, and the matrix keeps only verdicts.
 */
class Pair implements PairResult {
  private rules?: RuleRef[];

  constructor(
    readonly from: string,
    readonly to: string,
    readonly allowed: TrafficSet,
    readonly possible: TrafficSet,
    private readonly pathsOrMake: readonly Path[] | (() => readonly Path[]),
  ) {}

  get paths(): readonly Path[] {
    return typeof this.pathsOrMake === "function" ? this.pathsOrMake() : this.pathsOrMake;
  }

  get allowedBy(): readonly RuleRef[] {
    if (!this.rules) {
      const rules = new Map<string, RuleRef>();
      for (const p of this.paths) {
        const t = pathTraffic(p);
        if (t.upper.isEmpty()) continue;
        for (const s of p.stages) {
          for (const g of s.grants) if (s.reply || !g.traffic.intersect(t.upper).isEmpty()) rules.set(ruleKey(g.rule), g.rule);
        }
      }
      this.rules = [...rules.values()].sort((a, b) => (ruleKey(a) < ruleKey(b) ? -1 : ruleKey(a) > ruleKey(b) ? 1 : 0));
    }
    return this.rules;
  }

  toJSON(): object {
    return { from: this.from, to: this.to, allowed: this.allowed.toString(), possible: this.possible.toString(), allowedBy: this.allowedBy };
  }
}

/** The verdict of a pair from its paths; with `remake`, the paths are dropped and made again when asked for. */
export function pairResult(from: string, to: string, paths: Path[], remake?: () => readonly Path[]): PairResult {
  let allowed = TrafficSet.EMPTY;
  let possible = TrafficSet.EMPTY;
  for (const p of paths) {
    const t = pathTraffic(p);
    if (!t.lower.isEmpty()) allowed = allowed.isEmpty() ? t.lower : allowed.union(t.lower);
    if (!t.upper.isEmpty()) possible = possible.isEmpty() ? t.upper : possible.union(t.upper);
  }
  return new Pair(from, to, allowed, possible, remake ?? paths);
}

/**
 * The connectivity matrix of a stack, from its resources alone. Unknown values at preview
 * make `possible` wider than `allowed` instead of failing; nothing here throws on odd resources
 * (a malformed option does throw, naming it).
 */
export function analyseReachability(resources: readonly NetResource[], opts: AnalyseOptions = {}): Matrix {
  const ephemeral = resolveEphemeralPorts(opts.ephemeralPorts, "analyseReachability options.ephemeralPorts");
  const graph = new ResourceGraph(resources);
  const externals = externalsFor(opts);
  const platforms = readers.map((r) => r(graph, externals, opts, ephemeral)).filter((p): p is PlatformAnalysis => p !== undefined);
  const endpoints: Endpoint[] = [...platforms.flatMap((p) => p.endpoints), ...externals.map((e) => e.endpoint)].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Workloads alike (`sameAs`) are judged through their representative: only the others count.
  const judged = endpoints.filter((e) => !e.sameAs).length;
  if (opts.maxEndpoints !== undefined && judged > opts.maxEndpoints) {
    const alike = endpoints.length - judged;
    const skipped = `${judged} endpoints to judge${alike ? ` (and ${alike} workloads alike to one of them)` : ""}, above the limit of ${opts.maxEndpoints}: no pair was judged`;
    return { ...makeMatrix(endpoints, [], platforms.flatMap((p) => p.notes)), skipped };
  }
  const pairs: PairResult[] = [];
  for (const platform of platforms) {
    const mine = [...platform.endpoints.filter((e) => !e.sameAs), ...externals.map((e) => e.endpoint)];
    for (const from of mine) {
      for (const to of mine) {
        if (!from.platform && !to.platform) continue;
        const remake = () => platform.paths(from, to) ?? [];
        if (platform.closed?.(from, to)) {
          pairs.push(pairResult(from.id, to.id, [], remake));
          continue;
        }
        const paths = platform.paths(from, to);
        if (paths) pairs.push(pairResult(from.id, to.id, paths, remake));
      }
    }
  }
  pairs.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  const subnetsOf = (id: string) => {
    for (const p of platforms) {
      const s = p.subnetsOf?.(id);
      if (s) return s;
    }
    return undefined;
  };
  return makeMatrix(endpoints, pairs, platforms.flatMap((p) => p.notes), subnetsOf);
}

/**
 * Whether a path of a class pair holds for two particular workloads: paths marked `between`
 * hold for members in one subnet of that network group, or in different ones.
 */
function holdsFor(p: Path, from: ReadonlyMap<string, readonly string[]> | undefined, to: ReadonlyMap<string, readonly string[]> | undefined): boolean {
  if (!p.between) return true;
  const a = from?.get(p.between.key);
  const b = to?.get(p.between.key);
  if (!a || !b) return true;
  return p.between.same ? a.some((u) => b.includes(u)) : a.some((u) => b.some((v) => v !== u));
}

export function makeMatrix(endpoints: Endpoint[], pairs: PairResult[], notes: string[], subnetsOf?: (id: string) => ReadonlyMap<string, readonly string[]> | undefined): Matrix {
  const byIds = new Map(pairs.map((p) => [`${p.from}\u0000${p.to}`, p]));
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  const byKey = new Map<string, Endpoint>();
  for (const e of endpoints) if (!byKey.has(e.key)) byKey.set(e.key, e);
  const endpointOf = (x: string) => byId.get(x) ?? byKey.get(x);
  return {
    endpoints,
    pairs,
    notes: [...new Set(notes)].sort(),
    pair: (from, to) => {
      const a = endpointOf(from);
      const b = endpointOf(to);
      const [fa, fb] = [a?.id ?? from, b?.id ?? to];
      const [ra, rb] = [a?.sameAs ?? fa, b?.sameAs ?? fb];
      const found = byIds.get(`${ra}\u0000${rb}`);
      if (!found) return undefined;
      // A class pair's paths may hold for some of its member pairs only (in one subnet or not).
      const [sa, sb] = [subnetsOf?.(fa), subnetsOf?.(fb)];
      if (sa && sb) {
        const paths = found.paths; // made again on each access: once here
        if (paths.some((p) => !holdsFor(p, sa, sb))) return pairResult(fa, fb, paths.filter((p) => holdsFor(p, sa, sb)));
      }
      // A workload alike to another answers with its representative's verdict, under its own name.
      return ra === fa && rb === fb ? found : new AlikePair(fa, fb, found);
    },
  };
}

/** The verdict of a pair of representatives, for a pair of workloads alike to them. */
class AlikePair implements PairResult {
  constructor(
    readonly from: string,
    readonly to: string,
    private readonly of: PairResult,
  ) {}
  get allowed(): TrafficSet {
    return this.of.allowed;
  }
  get possible(): TrafficSet {
    return this.of.possible;
  }
  get allowedBy(): readonly RuleRef[] {
    return this.of.allowedBy;
  }
  get paths(): readonly Path[] {
    return this.of.paths;
  }
  toJSON(): object {
    return { from: this.from, to: this.to, allowed: this.allowed.toString(), possible: this.possible.toString(), allowedBy: this.allowedBy, sameAs: [this.of.from, this.of.to] };
  }
}
