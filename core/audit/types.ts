/**
 * The deployed state as `netseg audit` reads it: resources in the shape the packs and the
 * reachability engine already read (a Pulumi type token, a URN, deployed properties), plus every
 * record a reader could not turn into one, counted and listed with the reason. Readers take one
 * parsed file each; they never throw on a record they do not understand (that is a `Skipped`),
 * only on a file that is not in their format at all (an `InventoryError`).
 */
import type { NetResource } from "../reachability/model";

/** Which tool wrote a file. */
export type SourceFormat = "pulumi-stack-export" | "aws-cli" | "gcloud" | "kubectl";

/** One record a reader did not turn into a resource, and why. */
export interface Skipped {
  readonly file: string;
  /** JSON path of the record in its file, e.g. `$.SecurityGroups[3]`. */
  readonly at: string;
  /** What the record is, as its tool names it (`AWS::EC2::VpcEndpoint`, `compute#router`, `batch/v1 CronJob`...). */
  readonly kind: string;
  readonly reason: string;
  /** The record's own id when it has one (`sg-0abc`, `pl-0123`): a later file of the same inventory may complete it. */
  readonly id?: string;
}

export interface ReadResult {
  readonly format: SourceFormat;
  readonly resources: NetResource[];
  readonly skipped: Skipped[];
  /** Counts by record kind that were read, for the report's "read" line. */
  readonly counts: Readonly<Record<string, number>>;
  /**
   * URNs of resources the source reads but does not manage (a stack export's `external: true`,
   * registered with `get`): analysed like the others, never counted as drift.
   */
  readonly external?: readonly string[];
}

/** A file in none of the formats, truncated, or of an unsupported version: exit 2. */
export class InventoryError extends Error {
  constructor(
    readonly file: string,
    /** Where in the file: `line 12, column 4` or a JSON path. */
    readonly position: string,
    readonly expected: string,
    detail: string,
  ) {
    super(`${file}: ${detail} at ${position}; expected ${expected}`);
    this.name = "InventoryError";
  }
}
