/**
 * Hostile intents: huge values and huge numbers of problems. The error must stay readable
 * (each value's start and its length, a counted tail of problems) and come back quickly, and
 * peers that hide the internet behind other spellings must still be judged as the internet.
 */
import assert from "node:assert/strict";
import { IntentError, parseIntent, type IntentInput } from "../../core/intent";

const FIVE_MB = 5 * 1024 * 1024;

const base = (): any => ({
  name: "shop",
  addressSpace: "10.20.0.0/16",
  zones: [{ name: "edge", internet: "inbound" }, { name: "app" }, { name: "data", sensitive: true }],
  flows: [{ from: "edge", to: "app", ports: ["tcp/8080"] }],
});

function refusal(input: unknown): IntentError {
  try {
    parseIntent(input as IntentInput);
  } catch (e) {
    assert.ok(e instanceof IntentError, String(e));
    return e;
  }
  assert.fail("expected the intent to be refused");
}

describe("hostile intents (core/intent)", () => {
  const huge: [string, (i: any, v: string) => void, RegExp][] = [
    ["a flow endpoint", (i, v) => i.flows.push({ from: v, to: "app", ports: ["tcp/1"] }), /^flows\[1\]\.from: "xxx/],
    ["the address space", (i, v) => (i.addressSpace = v), /^addressSpace: "xxx/],
    ["a zone name", (i, v) => (i.zones[0].name = v), /^zones\[0\]\.name: /],
    ["a peer CIDR", (i, v) => (i.peers = [{ name: "p", cidrs: [v] }]), /^peers\[0\]\.cidrs\[0\]: "xxx/],
    ["an egress destination", (i, v) => ((i.zones[1].egress = "proxy"), (i.egress = [{ from: "app", allow: [v] }])), /^egress\[0\]\.allow\[0\]: "xxx/],
    ["an unknown key", (i, v) => (i.zones[0][v] = true), /^zones\[0\]: /],
  ];
  for (const [what, mutate, where] of huge) {
    it(`clips a 5 MB value in ${what}: its start and its length, never the whole`, () => {
      const input = base();
      mutate(input, "x".repeat(FIVE_MB));
      const started = Date.now();
      const e = refusal(input);
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
      assert.ok(e.message.length < 5000, `message of ${e.message.length} characters`);
      const line = e.message.split("\n").find((l) => where.test(l.replace(/^ {2}- /, "")));
      assert.ok(line, `no line matching ${where} in:\n${e.message.slice(0, 2000)}`);
      assert.match(line, /xxxxxxxxxx/, "the value's start is kept");
      assert.match(line, /5,242,880 characters|characters left out/, "the value's length is said");
      assert.ok(JSON.stringify(e.issues).length < 5000 * e.issues.length, "the issues, as data, are clipped too");
    });
  }

  it("lists the first 50 of 10,000 problems and counts the rest", () => {
    const input = base();
    for (let i = 0; i < 10_000; i++) input.flows.push({ from: "edge", to: `nowhere-${i}`, ports: ["tcp/1"] });
    const e = refusal(input);
    assert.equal(e.issues.length, 10_000, "every problem is kept as data");
    const lines = e.message.split("\n");
    assert.equal(lines[0], "The intent has 10,000 problems:");
    assert.equal(lines.length, 1 + 50 + 1);
    assert.equal(lines.at(-1), "  ... and 9,950 more problems");
  });

  it("judges a peer by its addresses however they are cut: 4,080 /12s that make up all but 10.0.0.0/8 are the internet", () => {
    const input = base();
    const cidrs: string[] = [];
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b += 16) if (a !== 10) cidrs.push(`${a}.${b}.0.0/12`);
    input.peers = [{ name: "everyone", cidrs }];
    input.flows.push({ from: "everyone", to: "data", ports: ["tcp/5432"] });
    const e = refusal(input);
    assert.ok(e.issues.some((i) => i.path === "flows[1].from" && /stands in for the internet/.test(i.message)), e.message.slice(0, 2000));
  });
});
