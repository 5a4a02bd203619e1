import assert from "node:assert/strict";
import { planAddresses } from "../../../core/addressing";
import { cloudWatchAgentConfig, egressSources, renderProxyUserData, renderSquidConfig, SQUID_ACCESS_LOG } from "../../../core/egress";
import { shop } from "./fixtures";

describe("core/egress user data", () => {
  const intent = shop();
  const squid = renderSquidConfig(egressSources(intent, planAddresses(intent)), { name: "shop" });
  const script = renderProxyUserData(squid, "/netseg/shop/egress");

  it("installs the generated Squid config verbatim and checks it before starting", () => {
    const body = script.split("cat > /etc/squid/squid.conf <<'NETSEG_SQUID_CONF'\n")[1].split("\nNETSEG_SQUID_CONF\n")[0];
    assert.equal(body + "\n", squid);
    assert.ok(script.indexOf("squid -k parse") < script.indexOf("systemctl enable --now squid"));
    assert.ok(script.startsWith("#!/bin/bash\n"));
    assert.match(script, /set -euo pipefail/);
  });

  it("ships the access log to the given log group", () => {
    const cfg = cloudWatchAgentConfig("/netseg/shop/egress") as any;
    const files = cfg.logs.logs_collected.files.collect_list;
    assert.deepEqual(files.find((f: any) => f.file_path === SQUID_ACCESS_LOG).log_group_name, "/netseg/shop/egress");
    assert.ok(script.includes(JSON.stringify(cfg, null, 2)));
    assert.match(script, /amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s/);
  });
});
