/**
 * What Kubernetes rules are judged against: a pod endpoint (a workload, or a namespace's "any
 * other pod"), or one address class of an external (the internet, a peer). Shared by the
 * NetworkPolicy evaluation and the AdminNetworkPolicy layer on top of it.
 */
import { PROTOCOLS, type Protocol } from "../../net/ports";
import type { Endpoint } from "../model";
import type { External } from "../platform";
import type { AddressClass } from "../addr-classes";
import type { K8sNamespace, NamedPort } from "./model";
import type { LabelSet } from "./selectors";

export interface Pod {
  readonly ep: Endpoint;
  readonly ns: K8sNamespace;
  readonly labels: LabelSet;
  readonly ports?: readonly NamedPort[];
}

export type Target = { readonly pod: Pod } | { readonly ext: External; readonly cls: AddressClass };

/** Kubernetes protocol names (`TCP`, `UDP`, and `SCTP` once netseg models it) to netseg's. */
export const PROTOS: Readonly<Record<string, Exclude<Protocol, "icmp">>> = Object.fromEntries(PROTOCOLS.filter((p) => p !== "icmp").map((p) => [p.toUpperCase(), p]));
