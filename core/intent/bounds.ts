/**
 * What an intent may claim, checked on the whole document: address blocks a cloud will deploy
 * (and that are not special-use space), peers that stay outside the networks netseg builds, and
 * peers judged by the addresses they cover, so that one covering the internet is treated as
 * `internet` whatever it is called.
 */
import { CidrSet, parseCidr, type Cidr } from "../net/cidr";
import type { IntentDocument } from "./schema";
import type { Collector } from "./sections";
import type { Peer, Zone } from "./types";

/**
 * AWS accepts VPC CIDR blocks from /16 to /28. `addressSpace` and
 * `tenants.sharedServices.addressSpace` each become one VPC's CIDR block, so they keep to it
 * (GCP has no network-wide block and would take larger ones, but one intent must deploy on
 * every platform). `tenants.pool` is no VPC: tenant blocks (blockPrefix, /16 to /28) are carved
 * from it, so it may be larger, up to /8: no private range is larger, and a wider pool takes in
 * public space, which netseg routes to a blackhole in every tenant VPC.
 */
export const WIDEST_VPC_PREFIX = 16;
export const WIDEST_POOL_PREFIX = 8;

/**
 * Special-use IPv4 space no cloud assigns to a network ("this network", loopback, link-local,
 * multicast and reserved): CidrSet.NON_PUBLIC's IPv4 part less 100.64.0.0/10, which is not
 * public either but which AWS and GCP accept as a VPC block (shared address space).
 */
const SPECIAL_USE = CidrSet.fromCidrs(["0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3"]);

/**
 * The most public space one organisation holds: a /8 of IPv4 (the legacy class-A allocations),
 * a /16 of IPv6 (the largest ISP allocations are /19 to /20). A peer covering more than that
 * spans unrelated organisations: it is the internet in all but name.
 */
const MAX_PEER_PUBLIC_V4 = 1n << 24n;
const MAX_PEER_PUBLIC_V6 = 1n << 112n;

type BlockField = { path: string; text: string; widest: number; what: string; familyChecked?: boolean };

/** An IPv4 block of the right size for its field, outside special-use space; undefined if not (the problem is reported). */
function checkBlock(c: Collector, f: BlockField): Cidr | undefined {
  const parsed = parseCidr(f.text, { strict: true });
  if ("error" in parsed) return undefined; // reported by the section that reads the field
  if (parsed.family !== 4) {
    if (!f.familyChecked) c.add(f.path, `must be an IPv4 block: ${f.what}`, f.text, "use an RFC 1918 block such as 10.64.0.0/20");
    return undefined;
  }
  let ok = true;
  if (parsed.prefix < f.widest) {
    c.add(f.path, `${parsed.text} is larger than /${f.widest}: ${f.what}`, f.text, `use a /${f.widest} or smaller block, such as ${f.widest === WIDEST_POOL_PREFIX ? "10.0.0.0/8" : "10.20.0.0/16"}`);
    ok = false;
  }
  const special = CidrSet.fromCidrs([parsed]).intersect(SPECIAL_USE);
  if (!special.isEmpty()) {
    c.add(f.path, `${parsed.text} takes in special-use space (${special}) that no cloud assigns to a network`, f.text, "use an RFC 1918 block (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)");
    ok = false;
  }
  return ok ? parsed : undefined;
}

export interface Blocks {
  readonly space?: Cidr;
  readonly pool?: Cidr;
  readonly shared?: Cidr;
}

/** Checks addressSpace and the tenant blocks against what a cloud deploys; returns those that passed. */
export function checkAddressBlocks(c: Collector, doc: IntentDocument): Blocks {
  const space = checkBlock(c, { path: "addressSpace", text: doc.addressSpace, widest: WIDEST_VPC_PREFIX, what: "it becomes the VPC's CIDR block, and AWS accepts /16 to /28", familyChecked: true });
  const t = doc.tenants;
  if (!t) return { space };
  const pool = checkBlock(c, { path: "tenants.pool", text: t.pool, widest: WIDEST_POOL_PREFIX, what: "tenant blocks are carved from the pool, and no private range is larger than /8 (netseg routes the whole pool to a blackhole in every tenant VPC)" });
  const shared = checkBlock(c, { path: "tenants.sharedServices.addressSpace", text: t.sharedServices.addressSpace, widest: WIDEST_VPC_PREFIX, what: "it becomes the shared-services VPC's CIDR block, and AWS accepts /16 to /28" });
  return { space, pool, shared };
}

/** Why a peer stands in for the internet, or undefined when it is a network of its own. */
export function internetLikeReason(peer: Peer): string | undefined {
  const set = CidrSet.fromCidrs(peer.cidrs);
  if (set.v4.covers(CidrSet.WORLD_V4.v4)) return "its cidrs cover the whole IPv4 internet";
  if (set.v6.covers(CidrSet.WORLD_V6.v6)) return "its cidrs cover the whole IPv6 internet";
  const pub = set.publicPart();
  const v4 = pub.v4.size();
  const v6 = pub.v6.size();
  if (v4 > MAX_PEER_PUBLIC_V4) return `its cidrs cover ${v4.toLocaleString("en-US")} public IPv4 addresses, more than a /8, the most one organisation holds`;
  if (v6 > MAX_PEER_PUBLIC_V6) return "its cidrs cover more public IPv6 space than a /16, more than one organisation holds";
  return undefined;
}

/** Peers must lie outside the networks netseg builds: the address space, the tenant pool, shared services. */
export function checkPeerRanges(c: Collector, doc: IntentDocument, blocks: Blocks, internetLike: ReadonlyMap<string, string>): void {
  const owned: [string, Cidr | undefined, string][] = [
    ["the addressSpace", blocks.space, "flows from the peer would reach the zones as if from inside"],
    ["the tenant pool", blocks.pool, "the peer would stand in for tenants, whose blocks every other tenant must never reach"],
    ["the shared-services block", blocks.shared, "the peer would stand in for the shared-services VPC"],
  ];
  doc.peers.forEach((p, i) => {
    p.cidrs.forEach((text, j) => {
      const block = parseCidr(text, { strict: true });
      if ("error" in block) return;
      for (const [what, mine, why] of owned) {
        if (!mine || block.family !== mine.family || block.start > mine.end || mine.start > block.end) continue;
        const fix = internetLike.has(p.name)
          ? `for traffic from or to anywhere, write "internet" as the flow's endpoint; a peer lists only its own addresses, outside ${mine.text}`
          : `list only the peer's own addresses, outside ${mine.text}; traffic between netseg's own networks is declared as flows between zones`;
        c.add(`peers[${i}].cidrs[${j}]`, `${block.text} overlaps ${what} ${mine.text}: ${why}`, text, fix);
      }
    });
  });
}

type FlowDoc = IntentDocument["flows"][number];

/**
 * A flow from or to a peer that stands in for the internet gets the checks of `internet`: into
 * internet-facing, non-sensitive zones only, out of zones with egress nat only.
 */
export function checkInternetLikeFlows(c: Collector, path: string, flows: readonly FlowDoc[], zones: readonly Zone[], internetLike: ReadonlyMap<string, string>): void {
  const zoneOf = (text: string) => zones.find((z) => z.name === text.split("/")[0]);
  flows.forEach((f, i) => {
    const p = `${path}[${i}]`;
    const fromWhy = internetLike.get(f.from);
    const to = zoneOf(f.to);
    if (fromWhy && to) {
      const stands = `peer "${f.from}" stands in for the internet (${fromWhy})`;
      const narrow = `narrow peer "${f.from}"'s cidrs to the network it really is (an office /24, a partner's range)`;
      if (to.sensitive) c.add(`${p}.from`, `${stands}, and zone "${to.name}" is sensitive: the internet may not reach it`, f.from, `${narrow}, or route the traffic through an internet-facing zone with a flow from there`);
      else if (to.internet !== "inbound") c.add(`${p}.from`, `${stands}, and zone "${to.name}" is not internet-facing`, f.from, `${narrow}, or set internet: inbound on zone "${to.name}"`);
    }
    const toWhy = internetLike.get(f.to);
    const from = zoneOf(f.from);
    if (toWhy && from && from.egress !== "nat") {
      const how = from.egress === "proxy" ? `list the destinations under egress for "${from.name}" (they go through the proxy)` : `set egress: nat on zone "${from.name}"`;
      c.add(`${p}.to`, `peer "${f.to}" stands in for the internet (${toWhy}), and zone "${from.name}" has egress ${from.egress}, so it cannot open connections straight to the internet`, f.to, `narrow peer "${f.to}"'s cidrs to the network it really is, or ${how}`);
    }
  });
}
