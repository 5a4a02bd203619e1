/**
 * GCP resource names, built only from stable keys (intent name, zone, region, flow key) so a
 * resource keeps its name, and so its identity, as the intent grows.
 *
 * GCP names are RFC 1035 labels: `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 characters
 * (service-account ids: 6 to 30). A name that would be too long is shortened
 * deterministically: its head is kept for readability and a hash of the whole name is
 * appended, so the same key always gives the same name and two different keys almost never
 * collide (collisions that remain are reported by the planner, never deployed).
 */
import { createHash } from "node:crypto";

export const GCP_NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const GCP_NAME_MAX = 63;
/** Service-account ids: `[a-z]([-a-z0-9]*[a-z0-9])`, 6 to 30 characters. */
export const GCP_ACCOUNT_ID_MIN = 6;
export const GCP_ACCOUNT_ID_MAX = 30;
/**
 * The longest name prefix netseg accepts: it leaves at least 22 characters of every derived
 * name for the part that tells resources apart before a hash has to stand in for it.
 */
export const GCP_PREFIX_MAX = 40;
const HASH_LENGTH = 8;

/** Why `name` is not a valid GCP name, or undefined when it is. */
export function gcpNameProblem(name: string, max = GCP_NAME_MAX): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.length > max) return `is ${name.length} characters long; at most ${max} are allowed`;
  if (!GCP_NAME_PATTERN.test(name)) return "must be lower-case letters, digits and '-', start with a letter and not end with '-' ([a-z]([-a-z0-9]*[a-z0-9])?)";
  return undefined;
}

function hashOf(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, HASH_LENGTH);
}

/**
 * `full` itself when it fits `max`, else its head plus `-` and 8 hex characters of its hash.
 * The input must already be a valid GCP name apart from its length.
 */
export function shortenName(full: string, max = GCP_NAME_MAX): string {
  if (full.length <= max) return full;
  const head = full.slice(0, max - HASH_LENGTH - 1).replace(/-+$/, "");
  return `${head}-${hashOf(full)}`;
}

/** Joins stable parts with '-' and shortens the result to `max`. */
export function gcpName(parts: readonly string[], max = GCP_NAME_MAX): string {
  return shortenName(parts.join("-"), max);
}

/** The service-account id of a zone: `<prefix>-<zone>`, padded to 6 and shortened to 30. */
export function serviceAccountId(prefix: string, zone: string): string {
  const base = `${prefix}-${zone}`;
  return shortenName(base.length < GCP_ACCOUNT_ID_MIN ? `${base}-sa` : base, GCP_ACCOUNT_ID_MAX);
}

/** An endpoint key (`internet`, a peer, a zone) spelled as a name part. */
export function endpointPart(key: string): string {
  return key.replace(/[^-a-z0-9]+/g, "-");
}
