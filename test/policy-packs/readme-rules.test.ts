/**
 * policy-packs/README.md's rule tables are the users' reference: every rule the packs serve has
 * exactly one row, with its level, its options and a violating and a fixed snippet, and no row
 * names a rule that does not exist. A new rule without a row fails here.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { awsRules } from "../../policy-packs/rules/aws";
import { conformanceRules } from "../../policy-packs/rules/conformance";
import type { NetsegPolicy } from "../../policy-packs/rules/define";
import { gcpRules } from "../../policy-packs/rules/gcp";
import { kubernetesRules } from "../../policy-packs/rules/kubernetes";

const README = path.resolve(__dirname, "..", "..", "policy-packs", "README.md");
const SECTIONS: Record<string, NetsegPolicy[]> = { aws: awsRules, gcp: gcpRules, kubernetes: kubernetesRules, conformance: conformanceRules };

type Row = Record<string, string>;

/** The tables under `## Rules`, by `### <section>`: each row as header -> cell. */
function ruleTables(markdown: string): Map<string, Row[]> {
  const tables = new Map<string, Row[]>();
  const rules = markdown.split(/^## /m).find((s) => s.startsWith("Rules\n"));
  assert.ok(rules, "policy-packs/README.md has a '## Rules' section");
  for (const section of rules.split(/^### /m).slice(1)) {
    const title = section.split("\n")[0].trim();
    const lines = section.split("\n").filter((l) => l.startsWith("|"));
    if (lines.length < 2) continue;
    const cells = (l: string) => l.slice(1, -1).split(" | ").map((c) => c.trim());
    const header = cells(lines[0]);
    tables.set(
      title,
      lines.slice(2).map((l) => {
        const row = cells(l);
        assert.equal(row.length, header.length, `a row of table '${title}' has ${row.length} cells, not ${header.length}: ${l.slice(0, 80)}`);
        return Object.fromEntries(header.map((h, i) => [h, row[i]]));
      }),
    );
  }
  return tables;
}

describe("policy-packs/README.md rule tables", () => {
  const tables = ruleTables(fs.readFileSync(README, "utf8"));

  it("has one table per pack and no other", () => {
    assert.deepEqual([...tables.keys()].sort(), Object.keys(SECTIONS).sort());
  });

  for (const [section, rules] of Object.entries(SECTIONS)) {
    it(`lists every ${section} rule once, with its level, options and a violating and a fixed snippet`, () => {
      const rows = tables.get(section) ?? [];
      const named = rows.map((r) => r.rule.replace(/^`|`$/g, ""));
      assert.deepEqual([...named].sort(), rules.map((r) => r.name).sort(), `the ${section} table names exactly the pack's rules`);
      for (const rule of rules) {
        const row = rows.find((r) => r.rule === `\`${rule.name}\``)!;
        assert.equal(row["default level"], rule.enforcementLevel, `${rule.name}: default level`);
        const options = Object.keys(rule.options.shape).sort();
        const listed = row.options === "none" ? [] : [...row.options.matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort();
        assert.deepEqual(listed, options, `${rule.name}: the options column lists the rule's options`);
        for (const column of ["violating", "fixed"]) {
          assert.match(row[column] ?? "", /^`[^`]{8,}`$/, `${rule.name}: a ${column} snippet`);
        }
        assert.notEqual(row.violating, row.fixed, `${rule.name}: the fixed snippet differs from the violating one`);
      }
    });
  }
});
