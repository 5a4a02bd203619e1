import assert from "node:assert/strict";
import { readGcpEntry, readGcpLine } from "../../../core/flows";

const origin = { file: "g", line: 1 };

function entry(payload: object) {
  return { insertId: "x", logName: "projects/p/logs/compute.googleapis.com%2Ffirewall", resource: { type: "gce_subnetwork" }, jsonPayload: payload };
}

describe("GCP firewall rule logs and VPC flow logs (Cloud Logging entries)", () => {
  it("reads a firewall rule log entry: connection 5-tuple, DENIED as rejected", () => {
    const r = readGcpEntry(entry({ connection: { src_ip: "198.51.100.9", src_port: 49761, dest_ip: "10.0.0.5", dest_port: 3389, protocol: 6 }, disposition: "DENIED" }), origin);
    assert.deepEqual(r, { record: { srcaddr: "198.51.100.9", dstaddr: "10.0.0.5", srcport: 49761, dstport: 3389, protocol: 6, action: "REJECT", packets: 1 } });
  });

  it("reads a VPC flow log entry (reporter, no disposition) as accepted, numbers given as strings", () => {
    const r = readGcpEntry(entry({ connection: { src_ip: "10.0.0.5", src_port: "40000", dest_ip: "10.0.1.5", dest_port: "8080", protocol: "6" }, reporter: "SRC", packets_sent: "12" }), origin);
    assert.deepEqual(r, { record: { srcaddr: "10.0.0.5", dstaddr: "10.0.1.5", srcport: 40000, dstport: 8080, protocol: 6, action: "ACCEPT", packets: 12 } });
  });

  it("does not analyse INTERCEPTED, entries of other logs, or broken JSON, and says why", () => {
    const why = (r: ReturnType<typeof readGcpEntry>) => (r && "skip" in r ? r.skip.reason : "analysed");
    assert.equal(why(readGcpEntry(entry({ connection: { src_ip: "a", dest_ip: "b", protocol: 6 }, disposition: "INTERCEPTED" }), origin)), "unknown-action");
    assert.equal(why(readGcpEntry({ jsonPayload: { message: "hi" } }, origin)), "unparseable");
    assert.equal(why(readGcpEntry(entry({ connection: { src_ip: "10.0.0.1", dest_ip: "10.0.0.2", protocol: 6 } }), origin)), "unparseable");
    assert.equal(why(readGcpEntry(entry({ connection: { src_ip: "10.0.0.1", dest_ip: "10.0.0.2", protocol: 999 }, disposition: "ALLOWED" }), origin)), "unknown-protocol");
    assert.equal(why(readGcpEntry(entry({ connection: { src_ip: "10.0.0.1", protocol: 6 }, disposition: "ALLOWED" }), origin)), "missing-field");
    assert.equal(why(readGcpLine("{ not json", origin)), "unparseable");
  });
});
