/**
 * Policy configuration as the engine validates it and as the pack reads it. The Pulumi engine
 * checks `--policy-pack-config` against each policy's `configSchema`, wrapped as
 * `{ type: object, properties, required }` (pkg/resource/analyzer/config.go, a JSON Schema
 * validator; ajv stands in for it here); the pack then parses `getConfig()` with the rule's zod
 * schema (readConfig). The two must agree, so that a bad value is refused before the preview
 * starts instead of failing inside the pack: port specs and ephemeral ports are schema patterns.
 * What no JSON Schema can say is listed and checked to fail in the pack with a clear message: a
 * range that runs backwards, and an unknown option (the engine's wrapper allows any key).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import fc from "fast-check";
import { parsePortSpec } from "../../core/net";
import { parseEphemeralPorts } from "../../core/reachability";
import { awsRules } from "../../policy-packs/rules/aws";
import { configIssues, EPHEMERAL_PORTS_PATTERN, PORT_SPEC_PATTERN, readConfig } from "../../policy-packs/rules/config";
import { conformanceRules } from "../../policy-packs/rules/conformance";
import type { NetsegPolicy } from "../../policy-packs/rules/define";
import { gcpRules } from "../../policy-packs/rules/gcp";
import { kubernetesRules } from "../../policy-packs/rules/kubernetes";

const ROOT = path.resolve(__dirname, "../..");
const PACKS: Record<string, NetsegPolicy[]> = { aws: awsRules, gcp: gcpRules, kubernetes: kubernetesRules, conformance: conformanceRules };
const ALL = Object.values(PACKS).flat();

/** The engine's check of one policy's options: its configSchema wrapped as config.go wraps it. */
function engineCheck(policy: NetsegPolicy): (options: unknown) => boolean {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const schema = { type: "object", ...(policy.configSchema?.properties ? { properties: policy.configSchema.properties } : {}), ...(policy.configSchema?.required ? { required: policy.configSchema.required } : {}) };
  const validate = ajv.compile(schema);
  return (options) => validate(options) as boolean;
}

function packAccepts(policy: NetsegPolicy, options: object): boolean {
  try {
    readConfig(policy.name, policy.options, options);
    return true;
  } catch {
    return false;
  }
}

/** A port range written backwards ("tcp/100-1", "9-1"): the one thing a pattern cannot refuse. */
const backwards = (text: string) => {
  const m = /(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  return m !== null && Number(m[1]) > Number(m[2]);
};

/** Strings near the port-spec grammar (so that both sides of every boundary are drawn), and any string. */
const nearPortSpec = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("tcp", "TCP", "Udp", "icmp", "ICMP", "all", "All", "tc", "tcpp", "sctp", "", "any"),
      fc.constantFrom("", "/", " /", "-"),
      fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.constantFrom("", "00022", "065535", "65536", "99999", "0", "00000", "-1", "1e3", "22.0")),
      fc.constantFrom("", "-", " - ", "--", "/"),
      fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.constantFrom("", "00443", "65535", "65536")),
      fc.constantFrom("", " ", "\t", "x", "\n"),
      fc.constantFrom("", " ", "\u00a0"),
    )
    .map(([proto, slash, a, dash, b, tail, head]) => `${head}${proto}${slash}${a}${dash}${b}${tail}`),
  fc.string({ maxLength: 12 }),
);

const nearEphemeral = fc.oneof(
  fc.constantFrom("linux", "LINUX", " Windows ", "nat", "natt", "bsd", "toString", "__proto__", "", "-"),
  fc
    .tuple(fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.constantFrom("00000", "01024", "65536", "000001")), fc.constantFrom("-", " - ", "--", "/", ""), fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.constantFrom("065535", "0")))
    .map(([a, d, b]) => `${a}${d}${b}`),
  fc.string({ maxLength: 12 }),
);

describe("policy packs: configuration as the engine checks it and the pack reads it", () => {
  it("every policy's configSchema compiles, and its patterns use only what both ECMA-262 and Go's RE2 understand", () => {
    for (const p of ALL) engineCheck(p);
    for (const pattern of [PORT_SPEC_PATTERN, EPHEMERAL_PORTS_PATTERN]) {
      assert.doesNotMatch(pattern, /\(\?[=!<]|\\[1-9]|\(\?i\)/, "no lookaround, backreference or inline flag");
    }
    const ports = awsRules.find((r) => r.name === "netseg-aws-sg-no-internet-admin-ports")!.configSchema!.properties.adminPorts as { items: { pattern?: string } };
    // As RegExp.source writes it ("/" escaped, which RE2 reads as "/" too).
    assert.equal(ports.items.pattern, new RegExp(PORT_SPEC_PATTERN).source, "the port-spec pattern is in the JSON Schema the engine sees");
  });

  it("the port-spec pattern accepts exactly what core/net's parsePortSpec accepts, except ranges written backwards", () => {
    const pattern = new RegExp(PORT_SPEC_PATTERN);
    fc.assert(
      fc.property(nearPortSpec, (text) => {
        const parsed = !("error" in parsePortSpec(text));
        const reversedParses = backwards(text) && !("error" in parsePortSpec(text.replace(/(\d+)(\s*-\s*)(\d+)(\s*)$/, "$3$2$1$4")));
        assert.equal(pattern.test(text), parsed || reversedParses, JSON.stringify(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("the ephemeral-ports pattern accepts exactly the text parseEphemeralPorts accepts, except ranges written backwards", () => {
    const pattern = new RegExp(EPHEMERAL_PORTS_PATTERN);
    fc.assert(
      fc.property(nearEphemeral, (text) => {
        const parsed = !("error" in parseEphemeralPorts(text));
        assert.equal(pattern.test(text), parsed || (backwards(text) && !("error" in parseEphemeralPorts(text.replace(/(\d+)(\s*-\s*)(\d+)(\s*)$/, "$3$2$1$4")))), JSON.stringify(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("for every policy, the engine's check and the pack's reading agree on random options (known options; backwards ranges aside)", () => {
    const value = fc.oneof(
      nearPortSpec,
      nearEphemeral,
      fc.constantFrom("ingress", "egress", "LoadBalancer", "NodePort", "nodeport", "kube-system", "name: shop\nzones: []"),
      fc.integer({ min: -2, max: 70000 }),
      fc.double({ min: -1, max: 2, noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.record({ from: fc.integer({ min: -1, max: 70000 }), to: fc.integer({ min: -1, max: 70000 }) }),
      fc.dictionary(fc.constantFrom("app", "k8s-app", "from", "to"), fc.oneof(fc.string({ maxLength: 6 }), fc.integer())),
    );
    for (const policy of ALL) {
      const engine = engineCheck(policy);
      const keys = Object.keys(policy.options.shape);
      if (keys.length === 0) continue;
      const optionValue = fc.oneof(value, fc.array(value, { maxLength: 3 }));
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...keys), optionValue, { maxKeys: keys.length }), (options) => {
          const text = JSON.stringify(options);
          let reversed = false;
          JSON.parse(text, (_k, v: unknown) => {
            if (typeof v === "string" && backwards(v)) reversed = true;
            const range = v as { from?: unknown; to?: unknown } | null;
            if (range && typeof range === "object" && typeof range.from === "number" && typeof range.to === "number" && range.from > range.to) reversed = true;
            return v;
          });
          if (reversed) return;
          const options2 = JSON.parse(text) as object;
          assert.equal(engine(options2), packAccepts(policy, options2), `${policy.name} ${text}`);
        }),
        { numRuns: 400 },
      );
    }
  });

  it("refuses in the pack what no schema can: a range written backwards, with the fix", () => {
    const rule = awsRules.find((r) => r.name === "netseg-aws-sg-no-internet-admin-ports")!;
    assert.equal(engineCheck(rule)({ adminPorts: ["tcp/3389-22"] }), true, "the engine lets it through");
    assert.throws(
      () => readConfig(rule.name, rule.options, { adminPorts: ["tcp/3389-22"] }),
      /netseg-aws-sg-no-internet-admin-ports\.adminPorts\.0: must be a port spec [^\n]*range runs backwards; write tcp\/22-3389\); given "tcp\/3389-22"\. Fix: write the range from its lower port to its higher\./,
    );
  });

  it("refuses an unknown option (the engine passes any key) and names the option it resembles", () => {
    const rule = awsRules.find((r) => r.name === "netseg-aws-sg-no-internet-admin-ports")!;
    assert.equal(engineCheck(rule)({ adminPort: ["tcp/22"] }), true, "the engine lets it through");
    assert.throws(() => readConfig(rule.name, rule.options, { adminPort: ["tcp/22", "tcp/8080"] }), /\.adminPort: is not an option of this policy \(it would be ignored, and the default used instead\)\. Fix: rename it to "adminPorts"\./);
    assert.deepEqual(
      configIssues(rule.options, { zzz: 1 }).map((i) => [i.field, i.fix]),
      [["zzz", "remove it; the options are adminPorts"]],
    );
  });

  it("names, for each problem, the field, the value, what is expected and the fix, all problems at once", () => {
    const rule = gcpRules.find((r) => r.name === "netseg-gcp-firewall-no-wide-ports")!;
    const err = (() => {
      try {
        readConfig(rule.name, rule.options, { maxPortRange: 0 });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    assert.equal(
      err,
      [
        "invalid configuration for policy netseg-gcp-firewall-no-wide-ports:",
        "  netseg-gcp-firewall-no-wide-ports.maxPortRange: must be at least 1; given 0. Fix: write a value at least 1.",
        'fix it under "netseg-gcp-firewall-no-wide-ports" in the --policy-pack-config file given for its pack (netseg\'s packs ship an example each: policy-packs/examples/<pack>-policy-config.json)',
      ].join("\n"),
    );
    const lb = kubernetesRules.find((r) => r.name === "netseg-k8s-loadbalancer-allowlist")!;
    const issues = configIssues(lb.options, { exposedTypes: ["ClusterIP"], allowedServices: "web" });
    assert.deepEqual(
      issues.map((i) => [i.field, i.value, i.expected, i.fix]).sort(),
      [
        ["allowedServices", "web", "must be a list", "write a list"],
        ["exposedTypes.0", "ClusterIP", 'must be one of "LoadBalancer", "NodePort"', 'use one of "LoadBalancer", "NodePort"'],
      ],
    );
  });

  it("ships one example config per pack, conformance included; each names only its pack's policies and passes the engine's check and the pack's", () => {
    const dir = path.join(ROOT, "policy-packs", "examples");
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
    assert.deepEqual(files, Object.keys(PACKS).map((p) => `${p}-policy-config.json`).sort());
    for (const [pack, rules] of Object.entries(PACKS)) {
      const file = `${pack}-policy-config.json`;
      const config = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;
      assert.ok(Object.keys(config).length > 0, `${file} is empty`);
      for (const [name, entry] of Object.entries(config)) {
        const policy = rules.find((r) => r.name === name);
        assert.ok(policy || name === "all", `${file}: ${name} is not a policy of the ${pack} pack`);
        if (!policy) continue;
        const { enforcementLevel, ...options } = typeof entry === "string" ? { enforcementLevel: entry } : (entry as Record<string, unknown>);
        if (enforcementLevel !== undefined) assert.ok(["advisory", "mandatory", "remediate", "disabled"].includes(enforcementLevel as string), `${file}: ${name}: level ${String(enforcementLevel)}`);
        assert.ok(engineCheck(policy)(options), `${file}: ${name}: the engine refuses ${JSON.stringify(options)}`);
        assert.deepEqual(configIssues(policy.options, options), [], `${file}: ${name}`);
      }
    }
  });
});
