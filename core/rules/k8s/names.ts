/**
 * The names Kubernetes accepts, checked before anything is planned so that a name the API
 * server would reject is an intent error with a path and a fix, not a failed deployment.
 * Rules from the Kubernetes API conventions: namespaces are DNS-1123 labels, most other object
 * names DNS-1123 subdomains, label values at most 63 characters of [A-Za-z0-9-_.].
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export const MAX_LABEL = 63;
export const MAX_SUBDOMAIN = 253;

/** Why `s` is not a DNS-1123 label (namespace names), or undefined when it is one. */
export function dns1123LabelProblem(s: string): string | undefined {
  if (s.length === 0) return "must not be empty";
  if (s.length > MAX_LABEL) return `is ${s.length} characters; a DNS-1123 label is at most ${MAX_LABEL}`;
  if (!DNS1123_LABEL.test(s)) return "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
  return undefined;
}

/** Why `s` is not a DNS-1123 subdomain (most object names), or undefined. */
export function dns1123SubdomainProblem(s: string): string | undefined {
  if (s.length === 0) return "must not be empty";
  if (s.length > MAX_SUBDOMAIN) return `is ${s.length} characters; a DNS-1123 subdomain is at most ${MAX_SUBDOMAIN}`;
  if (!DNS1123_SUBDOMAIN.test(s)) return "must be a DNS-1123 subdomain: dot-separated lower-case labels of letters, digits and '-'";
  return undefined;
}

/** Why `s` is not a valid label value, or undefined. */
export function labelValueProblem(s: string): string | undefined {
  if (s.length > MAX_LABEL) return `is ${s.length} characters; a label value is at most ${MAX_LABEL}`;
  if (!LABEL_VALUE.test(s)) return "must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}

/** Why `s` is not a valid label key (`[prefix/]name`), or undefined. */
export function labelKeyProblem(s: string): string | undefined {
  const slash = s.lastIndexOf("/");
  const prefix = slash >= 0 ? s.slice(0, slash) : undefined;
  const name = slash >= 0 ? s.slice(slash + 1) : s;
  if (prefix !== undefined) {
    const p = dns1123SubdomainProblem(prefix);
    if (p) return `has the prefix "${prefix}", which ${p}`;
  }
  if (name.length === 0 || name.length > MAX_LABEL) return `needs a name part of 1 to ${MAX_LABEL} characters`;
  if (!LABEL_NAME.test(name)) return "needs a name part of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}
