/**
 * Hostile input to the AWS egress backends: rule text read back from a stack, options handed to
 * EgressProxy, sources built by hand, and own ranges that do not parse. Each is refused with the
 * field and the fix, or read conservatively; nothing crashes and nothing is dropped silently.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { planAddresses } from "../../core/addressing";
import { parseIntent } from "../../core/intent";
import { IntentError } from "../../core/intent/errors";
import { egressSources, firewallOptionsProblems, planEgressFirewall, sniPassRules, tlsInspectionProblems, type EgressSource } from "../../core/egress";
import { planAwsRules } from "../../core/rules/aws";

const intent = parseIntent({ name: "h", addressSpace: "10.50.0.0/16", availabilityZones: 2, zones: [{ name: "app", egress: "proxy" }], flows: [], egress: [{ from: "app", allow: ["api.stripe.com:443", "mirror.example.org:80"] }] });
const sources = egressSources(intent, planAddresses(intent));

describe("hostile: AWS egress", () => {
  describe("SNI pass rules read back from a stack", () => {
    it("never throws on arbitrary text, and every source is a set, any or unknown", () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 400 }), (text) => {
          for (const p of sniPassRules(text, { A: ["10.0.0.0/8"], B: "unknown" })) assert.ok(p.sources === "any" || p.sources === "unknown" || typeof p.sources.overlaps === "function");
        }),
        { numRuns: 300 },
      );
    });

    it("reads what it cannot resolve as every address, never as none", () => {
      const rule = (src: string, dir = "->") => `pass tls ${src} any ${dir} any 443 (tls.sni; content:"x.example.com"; sid:1;)`;
      for (const src of ["$UNDEFINED", "!10.0.0.0/8", "[10.0.0.0/8,!10.1.0.0/16]", "$A,not-a-cidr", "999.1.1.1/8"]) {
        assert.deepEqual(sniPassRules(rule(src), { A: ["10.0.0.0/8"] }).map((p) => p.sources), ["any"], src);
      }
      assert.deepEqual(sniPassRules(rule("10.9.0.0/24", "<>"), {}).map((p) => p.sources), ["any"], "a bidirectional rule passes either side");
      assert.deepEqual(sniPassRules(rule("$B"), { B: "unknown" }).map((p) => p.sources), ["unknown"]);
      assert.equal(sniPassRules(`${rule("$A")}\r\n\t${rule("$A")}  `, { A: ["10.0.0.0/8"] }).length, 2, "CRLF and indentation");
      assert.equal(sniPassRules(rule("$A").replace("tls.sni;", "tls.sni ;"), { A: ["10.0.0.0/8"] }).length, 1, "spacing inside the options");
      assert.equal(sniPassRules(rule("$A").replace("tls.sni;", "http.host;"), { A: ["10.0.0.0/8"] }).length, 0, "a Host rule is not an SNI rule");
    });

    it("copes with a very long rule string", () => {
      const line = `pass tls $A any -> any 443 (msg:"${"x".repeat(5000)}"; tls.sni; content:"a.example.com"; sid:1;)`;
      const text = Array.from({ length: 2000 }, () => line).join("\n");
      assert.equal(sniPassRules(text, { A: ["10.0.0.0/8"] }).length, 2000);
    });
  });

  describe("EgressProxy options", () => {
    it("refuses tlsInspection values that are not an inspection, naming the field", () => {
      const cases: [unknown, RegExp][] = [
        [null, /tlsInspection null is not an object/],
        [[], /tlsInspection \[\] is not an object/],
        ["arn:aws:acm:us-east-1:123456789012:certificate/x", /is not an object/],
        [{ certificateAuthorityArn: "" }, /certificateAuthorityArn is missing/],
        [{ certificateAuthorityArn: " arn:aws:acm:us-east-1:123456789012:certificate/x" }, /is not an ACM certificate ARN/],
        [{ certificateAuthorityArn: "arn:aws:iam::123456789012:role/x" }, /is not an ACM certificate ARN/],
        [{ certificateAuthorityArn: 42 }, /certificateAuthorityArn 42 is not an ARN/],
        [{ certificateAuthorityArn: "arn:aws:acm:us-east-1:123456789012:certificate/x", revokedStatusAction: "reject" }, /revokedStatusAction "reject" is not an action: use one of PASS, DROP, REJECT/],
      ];
      for (const [value, re] of cases) assert.match(tlsInspectionProblems(value, "network-firewall").join("\n"), re, JSON.stringify(value));
      assert.deepEqual(tlsInspectionProblems({ certificateAuthorityArn: { apply: () => undefined } }, "network-firewall"), [], "a Pulumi output is AWS's to check");
      assert.deepEqual(tlsInspectionProblems({ certificateAuthorityArn: "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/0a1b-2c" }, "network-firewall"), []);
    });

    it("refuses plain-HTTP ports that are not ports", () => {
      for (const bad of [[NaN], [-1], [1.5], [70000], ["80"], [Infinity]]) assert.match(firewallOptionsProblems({ plainHttpPorts: bad as number[] }).join(), /plainHttpPorts contains .* which is not a port/, String(bad));
      assert.match(firewallOptionsProblems({ plainHttpPorts: 80 as never }).join(), /plainHttpPorts 80 is not a list of ports/);
    });
  });

  describe("sources built by hand cannot write Suricata", () => {
    it("refuses a host, port or zone that would inject options or rules", () => {
      const bad = (s: Partial<EgressSource>, d: Partial<EgressSource["destinations"][number]>): EgressSource[] => [{ ...sources[0], ...s, destinations: [{ ...sources[0].destinations[0], ...d }] }];
      assert.throws(() => planEgressFirewall(bad({}, { host: 'x.com"; sid:1; pass ip any any -> any any (sid:2;' })), /destination host .* is not a lower-case DNS name/);
      assert.throws(() => planEgressFirewall(bad({}, { host: "x.com\npass ip any any -> any any (sid:2;)" })), /is not a lower-case DNS name/);
      assert.throws(() => planEgressFirewall(bad({}, { port: "443 (" as never })), /destination port "443 \(" of "api.stripe.com" is not a port/);
      assert.throws(() => planEgressFirewall(bad({ zone: "app any -> any any (" }, {})), /zone "app any -> any any \(" is not a zone name/);
      assert.throws(() => planEgressFirewall(bad({}, { host: "*.example.com", wildcard: false })), /wildcard set accordingly/);
    });
  });

  describe("own ranges", () => {
    it("an own range that does not parse is an error naming it, not a gap in the denies", () => {
      const addresses = planAddresses(intent);
      assert.throws(
        () => planAwsRules({ name: "h", zones: intent.zones, flows: intent.flows, egress: intent.egress, addresses, ownRanges: ["10.128.0.0/12", "10.999.0.0/16"] }, { egressProxy: { mode: "cidrs", cidrs: ["0.0.0.0/0"] } }),
        (e: unknown) => e instanceof IntentError && /ownRanges\[1\]/.test(e.message) && /10\.999\.0\.0\/16/.test(e.message),
      );
    });
  });
});
