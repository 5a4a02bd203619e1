import assert from "node:assert/strict";
import { AwsFlowLogReader, awsLayout, type ReadResult } from "../../../core/flows";

function record(r: ReadResult) {
  assert.ok(r && "record" in r, `expected a record, got ${JSON.stringify(r)}`);
  return r.record;
}

function skip(r: ReadResult) {
  assert.ok(r && "skip" in r, `expected a skip, got ${JSON.stringify(r)}`);
  return r.skip;
}

describe("AWS VPC flow log records", () => {
  it("reads the default version 2 format field for field (AWS's own example line)", () => {
    const r = record(new AwsFlowLogReader("f").read("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK", 1));
    assert.deepEqual(r, { srcaddr: "172.31.16.139", dstaddr: "172.31.16.21", srcport: 20641, dstport: 22, protocol: 6, action: "ACCEPT", packets: 20 });
  });

  it("counts NODATA and SKIPDATA records as not analysed, with their reason", () => {
    const reader = new AwsFlowLogReader("f");
    assert.equal(skip(reader.read("2 123456789010 eni-1a2b3c4d - - - - - - - 1431280876 1431280934 - NODATA", 3)).reason, "no-data");
    assert.equal(skip(reader.read("2 123456789010 eni-4821ed2f - - - - - - - 1431280876 1431280934 - SKIPDATA", 4)).reason, "skip-data");
  });

  it("switches to a custom format at its header line, fields in any order, and ignores fields it does not need", () => {
    const reader = new AwsFlowLogReader("f");
    assert.deepEqual(reader.read("action protocol tcp-flags vpc-id dstport dstaddr srcaddr srcport flow-direction log-status traffic-path", 1), { header: true });
    const r = record(reader.read("REJECT 17 0 vpc-0abc 53 10.0.0.2 10.0.1.9 40000 egress OK 1", 2));
    assert.deepEqual(r, { srcaddr: "10.0.1.9", dstaddr: "10.0.0.2", srcport: 40000, dstport: 53, protocol: 17, action: "REJECT", packets: 0 });
  });

  it("prefers pkt-srcaddr / pkt-dstaddr (the packet's real ends) unless they are -", () => {
    const reader = new AwsFlowLogReader("f", ["srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr", "srcport", "dstport", "protocol", "action"]);
    assert.equal(record(reader.read("10.0.0.5 10.0.1.5 198.51.100.1 10.0.1.5 1 2 6 ACCEPT", 1)).srcaddr, "198.51.100.1");
    assert.equal(record(reader.read("10.0.0.5 10.0.1.5 - - 1 2 6 ACCEPT", 2)).srcaddr, "10.0.0.5");
  });

  it("accepts the format string's ${field} spelling for the fields", () => {
    const reader = new AwsFlowLogReader("f", ["${srcaddr}", "${dstaddr}", "${protocol}", "${action}"]);
    assert.deepEqual(record(reader.read("10.0.0.5 10.0.1.5 1 REJECT", 1)), { srcaddr: "10.0.0.5", dstaddr: "10.0.1.5", srcport: undefined, dstport: undefined, protocol: 1, action: "REJECT", packets: 0 });
  });

  it("says what is wrong with a line it cannot read, and where to look", () => {
    const reader = new AwsFlowLogReader("f");
    const s = skip(reader.read("vpc-0abc 10.0.0.1 10.0.0.2 ACCEPT", 9));
    assert.equal(s.reason, "unparseable");
    assert.deepEqual(s.origin, { file: "f", line: 9 });
    assert.match(s.detail, /4 fields where the format has 14.*header line.*--aws-fields/);
    assert.equal(skip(reader.read("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK".replace(" 6 ", " 300 "), 10)).reason, "unknown-protocol");
    assert.equal(skip(reader.read("2 1 eni-1 10.0.0.1 10.0.0.2 1 70000 6 1 1 1 1 ACCEPT OK", 11)).reason, "bad-port");
    assert.equal(skip(reader.read("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 DROP OK", 12)).reason, "unknown-action");
    assert.equal(skip(reader.read("2 1 eni-1 10.0.0.1 - 1 2 6 1 1 1 1 ACCEPT OK", 13)).reason, "missing-field");
    assert.equal(reader.read("   ", 14), undefined);
  });

  it("refuses a format without the fields the analysis needs, naming them", () => {
    assert.throws(() => awsLayout(["version", "srcaddr", "dstaddr", "srcport", "dstport"]), /has no protocol, action; netseg flows needs/);
    assert.throws(() => new AwsFlowLogReader("f").read("version srcaddr dstaddr protocol", 1), /has no action/);
  });
});
