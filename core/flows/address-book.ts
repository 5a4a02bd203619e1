/**
 * Which intent endpoint an address belongs to, from the intent's address plan: a zone owns its
 * whole zone block (every AZ or region subnet, present and future: AWS and GCP cut the same
 * blocks), a peer its CIDRs, netseg's reserved infrastructure block (egress firewall, proxies,
 * transit) is `infrastructure`, the rest of the address space is `unallocated`, a tenant pool or
 * shared-services space is `tenants`, and any other address is the internet.
 * IPv4 lookups are a binary search over integer ranges (the hot path of a million records).
 */
import { planAddresses } from "../addressing";
import { parseCidr } from "../net/cidr";
import type { Intent } from "../intent/types";

export type EndpointKind = "zone" | "peer" | "infrastructure" | "unallocated" | "tenants" | "internet";

export interface BookEndpoint {
  readonly name: string;
  readonly kind: EndpointKind;
}

export const INTERNET = "internet";
export const INFRASTRUCTURE = "infrastructure";
export const UNALLOCATED = "unallocated";
export const TENANTS = "tenants";

interface Range4 {
  readonly start: number;
  readonly end: number;
  readonly index: number;
}

interface Range6 {
  readonly start: bigint;
  readonly end: bigint;
  readonly index: number;
}

/** An IPv4 address as an unsigned integer, or -1. */
export function ipv4ToInt(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 3) return -1;
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

export class AddressBook {
  /** Index 0 is the internet. */
  readonly endpoints: BookEndpoint[] = [{ name: INTERNET, kind: "internet" }];
  private readonly v4: Range4[] = [];
  private readonly v6: Range6[] = [];

  constructor(intent: Intent) {
    const plan = planAddresses(intent);
    // Most specific first: zone blocks and the infrastructure block sit inside the address space.
    for (const z of plan.zones) this.add(z.zone, "zone", [z.cidr]);
    this.add(INFRASTRUCTURE, "infrastructure", [plan.infrastructureBlock]);
    for (const p of intent.peers) this.add(p.name, "peer", p.cidrs);
    if (intent.tenants) this.add(TENANTS, "tenants", [intent.tenants.pool, intent.tenants.sharedServices.addressSpace]);
    this.add(UNALLOCATED, "unallocated", [plan.addressSpace]);
    // Stable sort by start then by size (smaller first), so a lookup finds the innermost block.
    this.v4.sort((a, b) => a.start - b.start || a.end - b.end);
  }

  private add(name: string, kind: EndpointKind, cidrs: readonly string[]): void {
    let index = this.endpoints.findIndex((e) => e.name === name && e.kind === kind);
    if (index < 0) index = this.endpoints.push({ name, kind }) - 1;
    for (const text of cidrs) {
      const c = parseCidr(text);
      if ("error" in c) throw new Error(`internal: ${name} has the CIDR ${text}: ${c.error}`);
      if (c.family === 4) this.v4.push({ start: Number(c.start), end: Number(c.end), index });
      else this.v6.push({ start: c.start, end: c.end, index });
    }
  }

  /** The endpoint index of an address; -1 when the text is not an address. */
  lookup(address: string): number {
    const n = ipv4ToInt(address);
    if (n >= 0) return this.lookup4(n);
    if (!address.includes(":")) return -1;
    const c = parseCidr(address);
    if ("error" in c || c.family !== 6 || c.prefix !== 128) return -1;
    let best = 0;
    let size = -1n;
    for (const r of this.v6) {
      if (c.start >= r.start && c.start <= r.end && (size < 0n || r.end - r.start < size)) {
        best = r.index;
        size = r.end - r.start;
      }
    }
    return best;
  }

  private lookup4(n: number): number {
    // The innermost range holding n: ranges nest (zones in the space) and never partly overlap
    // (the intent's validation refuses overlapping peers), so the last range starting at or
    // before n that still covers it, scanning back, is the smallest.
    let lo = 0;
    let hi = this.v4.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.v4[mid].start <= n) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let best = 0;
    let bestSize = Infinity;
    for (let i = last; i >= 0; i--) {
      const r = this.v4[i];
      if (r.end >= n && r.end - r.start < bestSize) {
        best = r.index;
        bestSize = r.end - r.start;
      }
    }
    return best;
  }
}
