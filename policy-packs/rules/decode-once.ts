/**
 * One decode of each resource per analyzer call, shared by the pack's policies.
 *
 * @pulumi/policy's analyzer server decodes a resource's properties (protobuf Struct to plain
 * data) once per policy that looks at it: in AnalyzeStack every stack policy decodes every
 * resource of the stack again, so netseg's AWS pack (12 stack policies) decoded a 5,300-resource
 * stack 12 times per preview, most of the pack's time and garbage. The server reads each
 * resource's properties through the same Struct message each time (protobuf-js keeps the
 * message's wrappers), so remembering the decoded result per Struct gives every policy of the
 * call the same data, decoded once, and forgets it with the request.
 *
 * Safe only where no policy writes to the properties it is given (every policy would see the
 * write): true of netseg's rules, which copy what they read (plain-props.ts) and never assign
 * to `props` (a test runs every rule of every pack on shared decodes and compares each with a
 * fresh one afterwards). netseg's own packs call {@link decodeEachResourceOnce} before serving;
 * a pack that mixes netseg's rules with policies of its own should call it only if those never
 * write to `props` either. The right place for this is @pulumi/policy's server itself (decode
 * each resource once per call); until it does, this wraps its decoder.
 *
 * It wraps the server's decoder in place (`@pulumi/policy/deserialize`, which the server looks
 * up at each call); a version of @pulumi/policy without it is left as it is, and the pack works
 * as before, only slower. The copy wrapped is the one netseg resolves (its peer dependency, which
 * is the pack's own unless the pack installs a second copy of @pulumi/policy under netseg).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the decoder the pack's own @pulumi/policy uses */

type Decode = (struct: object, proxySecrets: boolean) => Record<string, unknown>;

const MARK = Symbol.for("netseg.decodeEachResourceOnce");

/**
 * Make the analyzer server of this process decode each resource's properties once per call
 * instead of once per policy. Returns whether it could (false: this @pulumi/policy has no
 * decoder where expected; nothing changed). Calling it again changes nothing more.
 */
export function decodeEachResourceOnce(): boolean {
  let mod: { deserializeProperties?: Decode & { [MARK]?: true } };
  try {
    mod = require("@pulumi/policy/deserialize");
  } catch {
    return false;
  }
  const decode = mod.deserializeProperties;
  if (typeof decode !== "function") return false;
  if (decode[MARK]) return true;
  // Only the plain decode (proxySecrets false, what validations and stack policies get) is
  // shared: a remediation's decode wraps secrets in a proxy of its own and is left alone.
  const decoded = new WeakMap<object, Record<string, unknown>>();
  const once = Object.assign(
    function (struct: object, proxySecrets: boolean): Record<string, unknown> {
      if (proxySecrets || typeof struct !== "object" || struct === null) return decode(struct, proxySecrets);
      let props = decoded.get(struct);
      if (props === undefined) {
        props = decode(struct, proxySecrets);
        decoded.set(struct, props);
      }
      return props;
    },
    { [MARK]: true as const },
  );
  mod.deserializeProperties = once;
  return true;
}
