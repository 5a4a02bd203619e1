/**
 * A property value as messages quote it: strings quoted and cut at 60 characters, lists by their
 * length, objects as "an object", everything else spelled out. One form for every reader that
 * reports a malformed value (resources, reachability models), so messages read alike.
 */
export function showValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === "object" && v !== null) return "an object";
  return String(v);
}
