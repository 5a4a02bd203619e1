/**
 * Intent-conformance rules (RULES.md row 33: reachability held against the intent). Register a
 * rule with one line: `export * from "./<rule-file>";` (its module exports a netseg policy built
 * with ../define's stackRule, plus its zod options).
 */
export * from "./intent-conformance";
export * from "./policy-coverage";
