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
const proxy = require("@pulumi/policy/proxy") as {
  unknownStringValue: string;
  isSpecialProxy: string;
  getSpecialProxyTarget: string;
} & Record<`unknown${"Boolean" | "Number" | "String" | "Array" | "Asset" | "Archive" | "Object"}Value`, string>;

export const UnknownValueError = policy.UnknownValueError;
export const unknownCheckingProxy = policy.unknownCheckingProxy;
/** What the engine sends for any value not known at preview. */
export const UNKNOWN_SENTINEL: string = proxy.unknownStringValue;

/** Every sentinel the proxy throws UnknownValueError on (one per value kind). */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set(
  (["Boolean", "Number", "String", "Array", "Asset", "Archive", "Object"] as const).map((k) => proxy[`unknown${k}Value`]).filter((s) => typeof s === "string"),
);

/** The data behind one of @pulumi/policy's unknown-checking proxies, or undefined for anything else. */
export function proxyTarget(v: object): unknown {
  const marker = proxy.isSpecialProxy;
  if (typeof marker !== "string" || (v as Record<string, unknown>)[marker] !== true) return undefined;
  return (v as Record<string, unknown>)[proxy.getSpecialProxyTarget];
}
