/**
 * What the intent allows between two address-book endpoints, as traffic sets with the reason
 * each part is allowed (its basis):
 *
 * - `flow`: a declared flow between the two endpoints (zone, peer, internet).
 * - `workload-flow`: a declared flow naming a workload (`zone/workload`): an address says only
 *   the zone, so such a record is counted as allowed and marked, never as a certain verdict.
 * - `egress-allow-list`: a zone's egress allow-list, towards the internet, on the listed ports
 *   (flow logs carry addresses, not host names: the host is not checked), and the legs through
 *   netseg's egress path (zone to the infrastructure block, infrastructure block to the internet,
 *   on those ports and the explicit proxy's port 3128).
 * - `nat-transit`: a NAT gateway in an internet-facing zone carries the flows of `egress: nat`
 *   zones to the internet. Its interface logs the client's packets with their real destination
 *   (the nat zone to the internet: the zone's own flow), then sends them on from its own address
 *   in the internet-facing zone: that leg, internet-facing zone to the internet on the ports of
 *   the nat zones' declared flows to the internet, is allowed as transit. An instance of that zone
 *   using the same ports would be counted as transit too (its address cannot be told from the NAT
 *   gateway's): the report names the basis, so such records stay visible.
 * - `quarantine-dns`: a quarantined zone that keeps DNS (`dns: keep`) may still send udp/53 and
 *   tcp/53 anywhere (where the resolver sits is the platform's business).
 *
 * A quarantined zone (intent `quarantine`, a whole zone) has no other allowance across its
 * boundary: its flows, allow-lists and NAT legs are withdrawn, so traffic it still exchanges is
 * "accepted but not allowed" (a breach) and what is denied is expected. A quarantined workload
 * cannot be told from its zone by address: its zone is judged as usual.
 */
import { TrafficSet, type PortSpec } from "../net/ports";
import type { Endpoint, Intent } from "../intent/types";
import { INFRASTRUCTURE, type AddressBook } from "./address-book";
import { PROTOCOL_NUMBERS } from "./types";

export type AllowBasis = "flow" | "workload-flow" | "egress-allow-list" | "nat-transit" | "quarantine-dns";

export interface Allowance {
  readonly traffic: TrafficSet;
  /** An `all` spec: every IP protocol, including those the intent cannot name (GRE, ESP...). */
  readonly anyProtocol: boolean;
  readonly basis: AllowBasis;
  /** The flow keys (or allow-list zone) behind it, for the report. */
  readonly source: string;
}

/** The explicit egress proxy's default listen port (Squid), which netseg's proxy fleet uses. */
const PROXY_PORT = 3128;

export class AllowedTraffic {
  private readonly byPair = new Map<number, Allowance[]>();

  constructor(
    readonly book: AddressBook,
    intent: Intent,
  ) {
    const n = book.endpoints.length;
    const idx = (name: string, kinds: readonly string[]) => book.endpoints.findIndex((e) => e.name === name && kinds.includes(e.kind));
    const endpointIndex = (e: Endpoint): number => (e.kind === "internet" ? 0 : e.kind === "peer" ? idx(e.peer, ["peer"]) : idx(e.zone, ["zone"]));
    const quarantined = new Set((intent.quarantine ?? []).filter((q) => !q.workload).map((q) => idx(q.zone, ["zone"])));
    const add = (from: number, to: number, specs: readonly PortSpec[], basis: AllowBasis, source: string) => {
      if (from < 0 || to < 0) return;
      if (basis !== "quarantine-dns" && from !== to && (quarantined.has(from) || quarantined.has(to))) return;
      const key = from * n + to;
      const list = this.byPair.get(key) ?? [];
      list.push({ traffic: TrafficSet.fromSpecs(specs), anyProtocol: specs.some((s) => s.protocol === "all"), basis, source });
      this.byPair.set(key, list);
    };
    for (const f of intent.flows) {
      const workload = (f.from.kind === "zone" && f.from.workload) || (f.to.kind === "zone" && f.to.workload);
      add(endpointIndex(f.from), endpointIndex(f.to), f.ports, workload ? "workload-flow" : "flow", f.key);
    }
    const infra = idx(INFRASTRUCTURE, ["infrastructure"]);
    for (const list of intent.egress) {
      const zone = idx(list.zone, ["zone"]);
      const ports = [...new Set(list.destinations.map((d) => d.port))].map((p): PortSpec => ({ protocol: "tcp", from: p, to: p }));
      const source = `egress allow-list of ${list.workload ? `${list.zone}/${list.workload}` : list.zone}`;
      add(zone, 0, ports, "egress-allow-list", source);
      add(zone, infra, [...ports, { protocol: "tcp", from: PROXY_PORT, to: PROXY_PORT }], "egress-allow-list", source);
      add(infra, 0, ports, "egress-allow-list", source);
    }
    for (const q of intent.quarantine ?? []) {
      if (q.workload || q.dns !== "keep") continue;
      const dns: PortSpec[] = [{ protocol: "udp", from: 53, to: 53 }, { protocol: "tcp", from: 53, to: 53 }];
      for (let to = 0; to < n; to++) if (to !== idx(q.zone, ["zone"])) add(idx(q.zone, ["zone"]), to, dns, "quarantine-dns", `quarantine of ${q.zone} (dns: keep)`);
    }
    const natHosts = intent.zones.filter((z) => z.internet === "inbound").map((z) => idx(z.name, ["zone"]));
    for (const z of intent.zones.filter((x) => x.egress === "nat" && x.internet !== "inbound")) {
      const ports = intent.flows.filter((f) => f.from.kind === "zone" && f.from.zone === z.name && f.to.kind === "internet").flatMap((f) => f.ports);
      if (!ports.length) continue;
      for (const host of natHosts) {
        add(host, 0, ports, "nat-transit", `NAT for ${z.name}`);
      }
    }
  }

  /** The first allowance covering (protocol, port) from `from` to `to`; port undefined: protocols without ports, or a log without them. */
  find(from: number, to: number, protocol: number, port: number | undefined): Allowance | undefined {
    const list = this.byPair.get(from * this.book.endpoints.length + to);
    if (!list) return undefined;
    const name = PROTOCOL_NUMBERS[protocol];
    // A flow for the whole zone wins over a workload-scoped one, so "allowed only for a workload" is never overstated.
    let scoped: Allowance | undefined;
    for (const a of list) {
      let ok = a.anyProtocol;
      if (!ok && name) {
        const ports = a.traffic.ports(name);
        // icmp spans every "port"; a ported protocol without a logged port is allowed only when every port is.
        ok = !ports.isEmpty() && (name === "icmp" || (port === undefined ? ports.has(0) && ports.has(65535) && ports.intervals.length === 1 : ports.has(port)));
      }
      if (!ok) continue;
      if (a.basis !== "workload-flow") return a;
      scoped ??= a;
    }
    return scoped;
  }

  /** Whether the intent declares anything from `from` to `to` (used for same-zone records). */
  declares(from: number, to: number): boolean {
    return this.byPair.has(from * this.book.endpoints.length + to);
  }
}
