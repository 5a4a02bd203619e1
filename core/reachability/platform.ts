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
  /**
   * For a workload judged through a class (`Endpoint.sameAs`, or a representative): its subnets
   * per network group, to tell which of a class pair's paths (`Path.between`) hold for it.
   */
  subnetsOf?(endpointId: string): ReadonlyMap<string, readonly string[]> | undefined;
  /**
   * True when the pair certainly has no path, known without building its paths (no rule of the
   * source's groups names any address class of the destination, say). A shortcut only: the
   * paths, built when asked for, say the same.
   */
  closed?(from: Endpoint, to: Endpoint): boolean;
}

/** Public address space: everything but private, shared, loopback, link-local and multicast blocks. */
export const INTERNET = CidrSet.WORLD.subtract(CidrSet.PRIVATE).subtract(CidrSet.NON_PUBLIC);
