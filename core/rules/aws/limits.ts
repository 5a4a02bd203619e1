/**
 * AWS limits that a preview does not check and a deployment fails on: rule counts per
 * direction, the characters and length of descriptions, security-group names, tag lengths and
 * NACL rule numbers. Each check returns issues (path, value, message, fix) so the planner can
 * collect them all and throw once.
 */
import type { IntentIssue } from "../../intent/errors";
import type { NaclEntry } from "./types";

export const AWS_LIMITS = {
  /** NACL entries per direction: 20 by default, raisable to 40 by a quota increase. */
  naclEntriesDefault: 20,
  naclEntriesMax: 40,
  /** Security-group rules per direction (inbound and outbound counted apart). */
  sgRulesPerDirection: 60,
  descriptionMax: 255,
  securityGroupNameMax: 255,
  tagKeyMax: 128,
  tagValueMax: 256,
  tagsPerResource: 50,
  naclRuleNumberMin: 1,
  naclRuleNumberMax: 32766,
} as const;

/** Pulumi's auto-naming appends '-' and 7 random characters to a logical name. */
export const AUTONAME_SUFFIX_LENGTH = 8;

/** The characters AWS accepts in security-group and rule descriptions. */
export const AWS_DESCRIPTION_PATTERN = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
export const AWS_DESCRIPTION_CHARACTERS = "a-z A-Z 0-9 space . _ - : / ( ) # , @ [ ] + = & ; { } ! $ *";

/** The characters of `text` that AWS refuses in a description, each once, in order. */
export function badDescriptionCharacters(text: string): string[] {
  const bad = new Set<string>();
  for (const ch of text) if (!AWS_DESCRIPTION_PATTERN.test(ch)) bad.add(ch);
  return [...bad];
}

export function checkDescription(path: string, what: string, text: string, fix: string): IntentIssue[] {
  const issues: IntentIssue[] = [];
  const bad = badDescriptionCharacters(text);
  if (bad.length) {
    issues.push({ path, value: text, message: `${what} contains ${bad.map((c) => JSON.stringify(c)).join(", ")}, which AWS does not accept in security-group descriptions (allowed: ${AWS_DESCRIPTION_CHARACTERS})`, fix });
  }
  if (text.length > AWS_LIMITS.descriptionMax) {
    issues.push({ path, value: `${text.slice(0, 60)}...`, message: `${what} is ${text.length} characters long; AWS accepts at most ${AWS_LIMITS.descriptionMax}`, fix });
  }
  return issues;
}

/** A security-group name as it will be deployed (logical base plus the auto-name suffix). */
export function checkSecurityGroupName(path: string, base: string): IntentIssue[] {
  const issues: IntentIssue[] = [];
  if (/^sg-/i.test(base)) {
    issues.push({ path, value: base, message: `security-group name "${base}" starts with "sg-", which AWS reserves for group ids`, fix: "choose a component or intent name that does not start with sg-" });
  }
  const length = base.length + AUTONAME_SUFFIX_LENGTH;
  if (length > AWS_LIMITS.securityGroupNameMax) {
    issues.push({ path, value: base, message: `security-group name would be ${length} characters long (with the auto-name suffix); AWS accepts at most ${AWS_LIMITS.securityGroupNameMax}`, fix: "use a shorter component or intent name" });
  }
  return issues;
}

/** Tags netseg puts on resources, or the user passes through: key and value lengths, reserved prefix. */
export function checkTags(path: string, tags: Readonly<Record<string, string>>): IntentIssue[] {
  const issues: IntentIssue[] = [];
  const entries = Object.entries(tags);
  if (entries.length > AWS_LIMITS.tagsPerResource) {
    issues.push({ path, value: entries.length, message: `${entries.length} tags on one resource; AWS accepts at most ${AWS_LIMITS.tagsPerResource} (netseg adds about 10 of its own)`, fix: "pass fewer tags" });
  }
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > AWS_LIMITS.tagKeyMax) issues.push({ path: `${path}.${k}`, value: k, message: `a tag key must be 1 to ${AWS_LIMITS.tagKeyMax} characters long`, fix: "shorten the tag key" });
    if (/^aws:/i.test(k)) issues.push({ path: `${path}.${k}`, value: k, message: `tag keys starting with "aws:" are reserved for AWS`, fix: "use another prefix" });
    if (String(v).length > AWS_LIMITS.tagValueMax) issues.push({ path: `${path}.${k}`, value: `${String(v).slice(0, 60)}...`, message: `a tag value is at most ${AWS_LIMITS.tagValueMax} characters long; this one has ${String(v).length}`, fix: "shorten the tag value" });
  }
  return issues;
}

/** NACL rule numbers within 1-32766 and unique per direction. */
export function checkNaclNumbers(path: string, entries: readonly NaclEntry[]): IntentIssue[] {
  const issues: IntentIssue[] = [];
  const seen = new Set<number>();
  for (const e of entries) {
    if (!Number.isInteger(e.ruleNumber) || e.ruleNumber < AWS_LIMITS.naclRuleNumberMin || e.ruleNumber > AWS_LIMITS.naclRuleNumberMax) {
      issues.push({ path, value: e.ruleNumber, message: `NACL ${e.direction} rule number must be an integer from ${AWS_LIMITS.naclRuleNumberMin} to ${AWS_LIMITS.naclRuleNumberMax}`, fix: "lower the number of entries" });
    }
    if (seen.has(e.ruleNumber)) issues.push({ path, value: e.ruleNumber, message: `NACL ${e.direction} rule number ${e.ruleNumber} is used twice`, fix: "report this as a netseg bug" });
    seen.add(e.ruleNumber);
  }
  return issues;
}
