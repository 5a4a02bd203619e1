import assert from "node:assert/strict";
import fc from "fast-check";
import { planAddresses } from "../../../core/addressing";
import { parseIntent } from "../../../core/intent";
import { egressSources, renderSquidConfig, type EgressSource } from "../../../core/egress";
import { shop, shopInput } from "./fixtures";

/** What a Squid config lets through, read back from its text: (zone CIDRs, port, host matcher). */
interface Allowed {
  readonly src: string;
  readonly port: number;
  readonly match: string;
}

function readSquid(text: string): { allowed: Allowed[]; access: string[] } {
  const acls = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const m = /^acl (\S+) (\S+) (.*)$/.exec(line);
    if (m) acls.set(m[1], [m[2], ...m[3].split(" ")]);
  }
  const access = text.split("\n").filter((l) => l.startsWith("http_access "));
  const allowed: Allowed[] = [];
  for (const line of access.filter((l) => l.startsWith("http_access allow "))) {
    const names = line.split(" ").slice(2);
    const kinds = names.map((n) => acls.get(n));
    assert.ok(kinds.every((k) => k), `every ACL in "${line}" is defined`);
    const src = kinds.filter((k) => k![0] === "src");
    const port = kinds.filter((k) => k![0] === "port");
    const host = kinds.filter((k) => k![0] === "dstdomain" || k![0] === "dstdom_regex");
    assert.equal(src.length, 1, `"${line}" names exactly one source`);
    assert.equal(port.length, 1, `"${line}" names exactly one port`);
    assert.equal(host.length, 1, `"${line}" names exactly one host list`);
    assert.equal(names.length, 3, `"${line}" has nothing but source, port and host`);
    const values = host[0]!.slice(1).filter((v) => !v.startsWith("-"));
    for (const v of values) allowed.push({ src: src[0]!.slice(1).join(" "), port: Number(port[0]![1]), match: `${host[0]![0]}:${v}` });
  }
  return { allowed, access };
}

function expected(sources: readonly EgressSource[]): Allowed[] {
  return sources.flatMap((s) =>
    s.destinations.map((d) => ({
      src: s.cidrs.join(" "),
      port: d.port,
      match: d.wildcard ? `dstdom_regex:\\.${d.host.slice(2).replace(/\./g, "\\.")}$` : `dstdomain:${d.host}`,
    })),
  );
}

const key = (a: Allowed) => `${a.src}|${a.port}|${a.match}`;

describe("core/egress squid", () => {
  const intent = shop();
  const sources = egressSources(intent, planAddresses(intent));
  const text = renderSquidConfig(sources, { name: "shop" });

  it("allows exactly the listed host:port pairs from the listed zones' subnets", () => {
    const { allowed } = readSquid(text);
    assert.deepEqual(allowed.map(key).sort(), expected(sources).map(key).sort());
    assert.ok(text.includes("dstdomain -n api.stripe.com"));
    assert.ok(text.includes("dstdom_regex -n -i \\.amazonaws\\.com$"), "a wildcard excludes the apex");
    assert.ok(!/dstdomain[^\n]*\s\.amazonaws\.com/.test(text), "no dstdomain .domain, which would also match the apex");
  });

  it("ends with default deny, after refusing inward destinations first", () => {
    const { access } = readSquid(text);
    assert.equal(access.at(-1), "http_access deny all");
    assert.deepEqual(access.slice(0, 3), ["http_access deny to_localhost", "http_access deny to_linklocal", "http_access deny netseg_inward"]);
    assert.equal(access.filter((l) => l.startsWith("http_access deny all")).length, 1);
  });

  it("ties a host to its port: a host listed on 443 is not allowed on 80", () => {
    const { allowed } = readSquid(text);
    const stripe = allowed.filter((a) => a.match === "dstdomain:api.stripe.com");
    assert.deepEqual(stripe.map((a) => a.port), [443]);
    const mirror = allowed.filter((a) => a.match === "dstdomain:mirror.example.org");
    assert.deepEqual(mirror.map((a) => a.port), [80]);
  });

  it("logs every request to the file the CloudWatch agent ships", () => {
    assert.match(text, /^access_log stdio:\/var\/log\/squid\/access\.log netseg$/m);
  });

  it("keeps a zone with egress: proxy and no list, allowing it nothing", () => {
    const i = parseIntent({ ...shopInput(), egress: [] });
    const s = egressSources(i, planAddresses(i));
    assert.deepEqual(s.map((x) => [x.zone, x.destinations.length]), [["app", 0], ["build", 0]]);
    const { allowed, access } = readSquid(renderSquidConfig(s, { name: "shop" }));
    assert.deepEqual(allowed, []);
    assert.equal(access.at(-1), "http_access deny all");
  });

  it("is deterministic and exact for any allow-list (property)", () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    const dest = fc.record({ wild: fc.boolean(), labels: fc.array(label, { minLength: 2, maxLength: 3 }), port: fc.integer({ min: 1, max: 65535 }) });
    fc.assert(
      fc.property(fc.array(dest, { minLength: 1, maxLength: 8 }), (ds) => {
        const allow = ds.map((d) => `${d.wild ? "*." : ""}${d.labels.join(".")}:${d.port}`);
        const i = parseIntent({ ...shopInput(), egress: [{ from: "app", allow }] });
        const s = egressSources(i, planAddresses(i));
        const a = renderSquidConfig(s, { name: "p" });
        assert.equal(a, renderSquidConfig(egressSources(i, planAddresses(i)), { name: "p" }));
        const read = readSquid(a);
        assert.deepEqual(read.allowed.map(key).sort(), expected(s).map(key).sort());
        assert.equal(read.access.at(-1), "http_access deny all");
      }),
      { numRuns: 60 },
    );
  });
});
