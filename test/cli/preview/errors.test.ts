/**
 * The one-paragraph error text the CLI prints: stack frames dropped, a list of issues (as
 * IntentError prints them) kept readable as numbered items.
 */
import assert from "node:assert/strict";
import { oneParagraph } from "../../../cli/preview/errors";

describe("preview oneParagraph", () => {
  it("numbers several list items and separates them with '; '", () => {
    const text = 'The intent in a.yaml has 2 problems:\n  - zones[0].internet: bad (got "x"). Fix: use "none"\n  - zones[1].egress: bad (got "y")';
    assert.equal(oneParagraph(text), 'The intent in a.yaml has 2 problems: (1) zones[0].internet: bad (got "x"). Fix: use "none"; (2) zones[1].egress: bad (got "y")');
  });

  it("leaves a single item unnumbered and drops stack frames and colours", () => {
    const text = "\u001b[31mError: boom\u001b[0m\n    at f (x.ts:1:2)\n  - only one\nafter the list";
    assert.equal(oneParagraph(text), "Error: boom only one. after the list");
  });

  it("cuts a long text at the limit", () => {
    assert.equal(oneParagraph("a".repeat(20), 5), "aaaaa...");
  });
});
