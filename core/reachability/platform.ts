/**
 * What every platform reader hands the matrix builder: its endpoints, and for a pair of
 * endpoints (its own, or one of its own and an external one) the paths traffic can take.
 */
import { CidrSet } from "../net/cidr";
import type { Endpoint, Path } from "./model";

/** The internet and peer networks, with the addresses they stand for. */
export interface External {
  readonly endpoint: Endpoint;
  readonly addresses: CidrSet;
}

export interface PlatformAnalysis {
  readonly endpoints: readonly Endpoint[];
  /** Undefined when the pair is not this platform's to judge. */
  paths(from: Endpoint, to: Endpoint): Path[] | undefined;
  readonly notes: readonly string[];
}

/** Public address space: everything but private, shared, loopback, link-local and multicast blocks. */
export const INTERNET = CidrSet.WORLD.subtract(CidrSet.PRIVATE).subtract(CidrSet.NON_PUBLIC);
