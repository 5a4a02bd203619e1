/**
 * netseg's reachability engine: who can reach whom, computed from the resources a stack
 * declares (AWS security groups, NACLs, route tables by longest prefix, and transit gateways:
 * a packet sent to a TGW goes where its attachment's TGW route table sends it, both ways; GCP
 * firewall rules; Kubernetes NetworkPolicies), and held against the intent. Pure: no Pulumi import.
 *
 * Stable entry points (the preview CLI and the policy packs import these names):
 * - `analyseReachability(resources, options)` -> `Matrix`: endpoints, and per pair the traffic
 *   certainly (`allowed`) and possibly (`possible`, wider only where values are unknown at
 *   preview) allowed, with the rules that allow it and the paths to explain what is blocked.
 * - `explainBlocked(pair, traffic)`: the rule, or the missing rule, that stops traffic.
 * - Return traffic through stateless filters (NACLs) goes to the client's ephemeral port: a path
 *   is open when one port of the client's range (`ephemeralPorts`, default 1024-65535) gets its
 *   replies back through every return check; `explainReplies` says when only part of it does.
 * - `explainCut(pair, traffic)`: per address class of the pair (a rule may cut part of an
 *   endpoint), where the traffic passes and what stops it elsewhere.
 * - `compareWithIntent(matrix, intent, { platforms })`: unintended paths, accidental denies,
 *   internet paths into sensitive zones, each naming the resources (URNs) responsible.
 *
 * Intents are per platform (./scope): an intent a netseg component carries applies to that
 * component's platform (`netseg:aws:*` -> aws, `netseg:gcp:*` -> gcp, `netseg:k8s:*` -> k8s);
 * one the caller gives (pack config, `--intent`) to every platform with an endpoint for one of
 * its zones. Each is compared with each of its platforms' sub-matrix separately, and never
 * makes a platform invent endpoints (no namespace out of an AWS intent). A Kubernetes intent's
 * workloads are endpoints where the stack declares no pods carrying their labels.
 *
 * Endpoint ids (what findings name): `<platform>:<zone>` (`aws:app`, `gcp:data`), Kubernetes
 * workloads `k8s:<namespace>/<workload>` (`k8s:<namespace>/<Kind>/<workload>` where two workloads of
 * one namespace share a name), cloud workloads `aws:<zone>/<kind>:<name>`, and AWS zones of a tenant VPC (tagged `netseg:tenant`)
 * `aws:<tenant>/<zone>`; the internet is `internet`, peers their names.
 * - `policyCoverage(resources)`: share of workloads and subnets under a non-default policy.
 */

/** Input and output shapes: resources in, matrix of endpoints and pairs out. */
export type { NetResource, Endpoint, Platform, RuleRef, Grant, Stage, ClientPorts, Path, Block, PairResult, Matrix, ExternalPeer } from "./model";
/** Which platforms an intent applies to (component intents vs caller intents). */
export { componentPlatform, componentTenant, mergeScoped, platformsOf, platformsIn, type ScopedIntent } from "./scope";
/** Builds the connectivity matrix of a stack from its resources. */
export { analyseReachability, type AnalyseOptions } from "./analyse";
/** Explains the blocked part of some traffic for one pair, which of its address classes it reaches, and traffic that works for part of the client ports only. */
export { explainBlocked, explainCut, explainReplies, type CutReport } from "./explain";
/** The client's ephemeral ports that replies return to through stateless filters (option `ephemeralPorts`). */
export { DEFAULT_EPHEMERAL_PORTS, EPHEMERAL_PRESETS, parseEphemeralPorts, resolveEphemeralPorts, type EphemeralPorts, type EphemeralPortsInput, type EphemeralPreset } from "./ephemeral";
/** Pulumi's unknown sentinels, as the engine recognises them. */
export { UNKNOWN_SENTINELS, isUnknown } from "./values";
/** The public address space that stands for "the internet" in the matrix. */
export { INTERNET } from "./platform";
/** Parsed Kubernetes manifests as resources, so hand-written YAML can be analysed like a stack. */
export { k8sObjectsToResources } from "./k8s/model";
/** Holds a matrix against the intent: unintended paths, accidental denies, internet -> sensitive. */
export { compareWithIntent, rulesAllowing, type ConformanceReport, type ConformanceOptions, type Finding } from "./conformance";
/** Share of subnets, GCP zones and workloads under a non-default policy. */
export { policyCoverage, type CoverageReport, type CoverageFigure } from "./coverage";
/** Resource type tokens the engine reads (for callers choosing what to hand it). */
export { NETWORK_TYPES } from "./types";
/** The matrix as plain sorted rows (JSON-safe), for rendering. */
export { summariseMatrix, type MatrixSummary, type MatrixRow } from "./summary";
