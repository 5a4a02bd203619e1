/**
 * Typed handles on the parts of @pulumi/policy that its typings mark internal but its analyzer
 * server uses on every call: the unknown-checking proxy around resource properties, the error
 * it throws, and the sentinel the engine sends for unknown values. Read from the library itself
 * so that rules and tests see exactly what the engine does.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const policy = require("@pulumi/policy") as {
  UnknownValueError: new (...args: any[]) => Error & { props: string[] };
  unknownCheckingProxy: <T extends object>(o: T) => T;
};
const proxy = require("@pulumi/policy/proxy") as { unknownStringValue: string };

export const UnknownValueError = policy.UnknownValueError;
export const unknownCheckingProxy = policy.unknownCheckingProxy;
/** What the engine sends for any value not known at preview. */
export const UNKNOWN_SENTINEL: string = proxy.unknownStringValue;
