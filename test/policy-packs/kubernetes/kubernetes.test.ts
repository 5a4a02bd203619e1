import { egressAllowsDns } from "../../../policy-packs/rules/kubernetes/egress-allows-dns";
import { explicitPolicyTypes } from "../../../policy-packs/rules/kubernetes/explicit-policy-types";
import { loadBalancerAllowlist } from "../../../policy-packs/rules/kubernetes/loadbalancer-allowlist";
import { namespaceDefaultDeny } from "../../../policy-packs/rules/kubernetes/namespace-default-deny";
import { networkPolicyWellFormed } from "../../../policy-packs/rules/kubernetes/network-policy-well-formed";
import { noAllowAll } from "../../../policy-packs/rules/kubernetes/no-allow-all";
import { noHostNetwork } from "../../../policy-packs/rules/kubernetes/no-host-network";
import { policySelectsWorkload } from "../../../policy-packs/rules/kubernetes/policy-selects-workload";
import { workloadSelected } from "../../../policy-packs/rules/kubernetes/workload-selected";
import { add, all, describeRule, remove, set, setIn, U } from "../harness";
import { K, k8sStack, one } from "./fixtures";

describeRule(namespaceDefaultDeny, {
  base: k8sStack(),
  nonCompliant: [
    { title: "the default-deny covers ingress only", edit: setIn("default-deny", "spec.policyTypes", ["Ingress"]), expect: [/namespace shop has no default-deny NetworkPolicy for Egress/] },
    { title: "the default-deny selects some pods only", edit: setIn("default-deny", "spec.podSelector", { matchLabels: { app: "frontend" } }), expect: [/namespace shop has no default-deny NetworkPolicy for Ingress and Egress/] },
    { title: "the default-deny allows all egress", edit: setIn("default-deny", "spec.egress", [{}]), expect: [/for Egress/] },
    { title: "a workload in a namespace without policies", edit: add({ type: K.deploy, name: "batch", props: { metadata: { name: "batch", namespace: "jobs" }, spec: { template: { metadata: { labels: { app: "batch" } } } } } }), expect: [/namespace jobs has no default-deny NetworkPolicy for Ingress and Egress/] },
  ],
  compliant: [{ title: "kube-system is exempt by default", edit: setIn("shop", "metadata.name", "kube-system"), expect: [] }],
  unknown: [
    { title: "an unknown egress list is not a proven default-deny", edit: setIn("default-deny", "spec.egress", U), expect: [/no default-deny NetworkPolicy for Ingress and Egress/] },
    { title: "an unknown namespace name is skipped", edit: all(setIn("shop", "metadata.name", U), remove("frontend")), expect: [] },
  ],
});

describeRule(workloadSelected, {
  base: k8sStack(),
  nonCompliant: [
    { title: "without the default-deny, a workload the frontend policy does not select", edit: all(remove("default-deny"), setIn("frontend", "spec.template.metadata.labels.app", "web")), expect: [/workload frontend \(Deployment\) in namespace shop \(app=web\) is selected by no NetworkPolicy/] },
    { title: "a CronJob's pods in a namespace without policies", edit: add({ type: K.cronJob, name: "report", props: { metadata: { name: "report", namespace: "batch" }, spec: { jobTemplate: { spec: { template: { metadata: { labels: { job: "report" } } } } } } } }), expect: [/workload report \(CronJob\) in namespace batch \(job=report\)/] },
  ],
  unknown: [{ title: "unknown pod labels may be selected", edit: all(remove("default-deny"), setIn("frontend", "spec.template.metadata.labels", U)), expect: [] }],
});

describeRule(policySelectsWorkload, {
  base: k8sStack(),
  nonCompliant: [
    { title: "a label typo in the policy's selector", edit: setIn("frontend-np", "spec.podSelector.matchLabels.app", "frontnd"), expect: [/NetworkPolicy frontend in namespace shop selects none of the namespace's workloads \(frontend\)/] },
    { title: "a matchExpressions selector that excludes the only workload", edit: setIn("frontend-np", "spec.podSelector", { matchExpressions: [{ key: "app", operator: "NotIn", values: ["frontend"] }] }), expect: [/selects none/] },
  ],
  unknown: [{ title: "an unknown selector value", edit: setIn("frontend-np", "spec.podSelector.matchLabels.app", U), expect: [] }],
});

describeRule(egressAllowsDns, {
  base: k8sStack(),
  nonCompliant: [
    { title: "DNS over UDP only", edit: setIn("frontend-np", "spec.egress.0.ports", [{ protocol: "UDP", port: 53 }]), expect: [/workload frontend in namespace shop has egress isolated by default-deny, frontend but tcp\/53 to kube-dns \(kube-system\) is not allowed/] },
    { title: "DNS to pods labelled kube-dns in the policy's own namespace (no namespaceSelector)", edit: setIn("frontend-np", "spec.egress.0.to", [{ podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }]), expect: [/but tcp\/53, udp\/53 to kube-dns/] },
    { title: "a second workload that only the default-deny selects", edit: add({ type: K.deploy, name: "worker", props: { metadata: { name: "worker", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "worker" } } } } } }), expect: [/workload worker in namespace shop has egress isolated by default-deny but tcp\/53, udp\/53/] },
    { title: "a namespace without workloads in the stack, judged per policy", edit: add({ type: K.np, name: "ops-deny", props: { metadata: { name: "deny", namespace: "ops" }, spec: { podSelector: {}, policyTypes: ["Egress"] } } }), expect: [/NetworkPolicy deny in namespace ops isolates egress but tcp\/53, udp\/53/] },
  ],
  compliant: [{ title: "a namespace-wide DNS policy covers every pod", edit: add({ type: K.np, name: "dns", props: { metadata: { name: "dns", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }] } } }), expect: [] }],
  unknown: [
    { title: "an unknown port on the DNS rule: not a certain finding", edit: setIn("frontend-np", "spec.egress.0.ports.1.port", U), expect: [] },
    { title: "unknown pod labels on the workload", edit: all(setIn("frontend-np", "spec.egress.0.ports", [{ protocol: "UDP", port: 53 }]), setIn("frontend", "spec.template.metadata.labels", U)), expect: [] },
  ],
});

describeRule(noAllowAll, {
  base: one("frontend-np", K.np),
  nonCompliant: [
    { title: "an empty ingress rule", edit: set("spec.ingress.0", {}), expect: [/NetworkPolicy frontend-np \(NetworkPolicy\) in namespace shop: ingress\[0\] allows every peer on every port/] },
    { title: "an ipBlock of the whole internet", edit: set("spec.egress.1.to", [{ ipBlock: { cidr: "0.0.0.0/0" } }]), expect: [/egress\[1\] ipBlock 0\.0\.0\.0\/0 is the whole internet with no except \(tcp\/8443\)/] },
    { title: "a peer selecting every pod of every namespace", edit: set("spec.ingress.0.from", [{ namespaceSelector: {} }]), expect: [/ingress\[0\] a peer selects every pod in every namespace/] },
    { title: "an ingress rule with ports but no from: every peer", edit: set("spec.ingress.0.from", undefined), expect: [/ingress\[0\] names no peers: allows every pod of every namespace and the whole internet \(tcp\/8080\)/] },
    { title: "an egress rule with ports but an empty to: every peer", edit: set("spec.egress.1.to", []), expect: [/egress\[1\] names no peers: allows every pod of every namespace and the whole internet \(tcp\/8443\)/] },
    { title: "the world in two ipBlock halves", edit: set("spec.egress.1.to", [{ ipBlock: { cidr: "0.0.0.0/1" } }, { ipBlock: { cidr: "128.0.0.0/1" } }]), expect: [/egress\[1\] ipBlocks 0\.0\.0\.0\/1 \+ 128\.0\.0\.0\/1 together are the whole internet \(tcp\/8443\)/] },
    {
      title: "every namespace by Exists on kubernetes.io/metadata.name",
      edit: set("spec.ingress.0.from", [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "Exists" }] } }]),
      expect: [/ingress\[0\] a peer selects every pod in every namespace/],
    },
    {
      title: "every namespace by a NotIn on a label no namespace need carry",
      edit: set("spec.ingress.0.from", [{ namespaceSelector: { matchExpressions: [{ key: "team", operator: "DoesNotExist" }] } }, { namespaceSelector: { matchExpressions: [{ key: "team", operator: "Exists" }] } }]),
      expect: [/ingress\[0\] its peers together select every pod in every namespace/],
    },
    {
      title: "In beside NotIn on the same label: every namespace",
      edit: set("spec.ingress.0.from", [{ namespaceSelector: { matchLabels: { env: "prod" } } }, { namespaceSelector: { matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] } }]),
      expect: [/its peers together select every pod in every namespace/],
    },
    {
      title: "the policy's own namespace plus every other one",
      edit: set("spec.ingress.0.from", [{ podSelector: {} }, { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["shop"] }] } }]),
      expect: [/its peers together select every pod in every namespace/],
    },
    {
      title: "an invalid ipBlock CIDR counts as the whole internet",
      edit: set("spec.egress.1.to", [{ ipBlock: { cidr: "999.1.1.1/33" } }]),
      expect: [/egress\[1\] ipBlock with an invalid CIDR \(counted as the whole internet\) is the whole internet with no except \(tcp\/8443; malformed values counted at their widest: egress\[1\]\.to\[0\]\.ipBlock\.cidr: CIDR "999\.1\.1\.1\/33"/],
    },
  ],
  compliant: [
    { title: "the internet minus private ranges is judged by what it covers", edit: set("spec.egress.1.to", [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }]), expect: [] },
    { title: "two ipBlock halves, one with an except", edit: set("spec.egress.1.to", [{ ipBlock: { cidr: "0.0.0.0/1", except: ["10.0.0.0/8"] } }, { ipBlock: { cidr: "128.0.0.0/1" } }]), expect: [] },
    { title: "Exists on a label not every namespace carries", edit: set("spec.ingress.0.from", [{ namespaceSelector: { matchExpressions: [{ key: "team", operator: "Exists" }] } }]), expect: [] },
    { title: "NotIn alone leaves the named namespaces out", edit: set("spec.ingress.0.from", [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system"] }] } }]), expect: [] },
    { title: "every namespace, but only pods labelled app=nginx", edit: set("spec.ingress.0.from", [{ namespaceSelector: {}, podSelector: { matchLabels: { app: "nginx" } } }]), expect: [] },
  ],
  unknown: [
    { title: "an unknown except list with a world CIDR", edit: set("spec.egress.1.to", [{ ipBlock: { cidr: "0.0.0.0/0", except: U } }]), expect: [] },
    { title: "an unknown peer list", edit: set("spec.ingress.0.from", U), expect: [] },
    { title: "an unknown selector beside one half of the namespaces", edit: set("spec.ingress.0.from", [{ namespaceSelector: { matchExpressions: [{ key: "team", operator: "Exists" }] } }, { namespaceSelector: U }]), expect: [] },
  ],
});

describeRule(explicitPolicyTypes, {
  base: one("frontend-np", K.np),
  nonCompliant: [
    { title: "policyTypes left to defaulting", edit: set("spec.policyTypes", undefined), expect: [/NetworkPolicy frontend-np \(NetworkPolicy\) has no policyTypes; Kubernetes assumes \[Egress, Ingress\]/] },
    { title: "a port without protocol", edit: set("spec.egress.0.ports.0.protocol", undefined), expect: [/egress\[0\]\.ports\[0\] has no protocol; Kubernetes assumes TCP/] },
  ],
  unknown: [{ title: "unknown policyTypes are declared, just not known", edit: set("spec.policyTypes", U), expect: [] }],
});

describeRule(noHostNetwork, {
  base: one("frontend", K.deploy),
  nonCompliant: [
    { title: "hostNetwork", edit: set("spec.template.spec.hostNetwork", true), expect: [/workload frontend \(Deployment\) \(shop\/frontend\) uses hostNetwork/] },
    { title: "a hostPort", edit: set("spec.template.spec.containers.0.ports.0.hostPort", 8080), expect: [/containers\[0\]\.ports\[0\] binds hostPort 8080/] },
  ],
  compliant: [{ title: "an exempted node agent", edit: set("spec.template.spec.hostNetwork", true), config: { exemptWorkloads: ["shop/frontend"] }, expect: [] }],
  unknown: [
    { title: "unknown hostNetwork", edit: set("spec.template.spec.hostNetwork", U), expect: [] },
    { title: "an unknown container list beside hostNetwork", edit: all(set("spec.template.spec.hostNetwork", true), set("spec.template.spec.containers", U)), expect: [/uses hostNetwork/] },
  ],
});

describeRule(loadBalancerAllowlist, {
  base: one("frontend-svc", K.svc),
  nonCompliant: [
    { title: "a LoadBalancer nobody listed", edit: set("spec.type", "LoadBalancer"), expect: [/Service frontend-svc \(Service\) \(shop\/frontend\) is of type LoadBalancer but is not in allowedServices/] },
    { title: "a NodePort when NodePorts count as exposure", edit: set("spec.type", "NodePort"), config: { exposedTypes: ["LoadBalancer", "NodePort"] }, expect: [/of type NodePort/] },
  ],
  compliant: [{ title: "an allow-listed LoadBalancer", edit: set("spec.type", "LoadBalancer"), config: { allowedServices: ["shop/frontend"] }, expect: [] }],
  unknown: [{ title: "an unknown service type", edit: set("spec.type", U), expect: [] }],
});

describeRule(networkPolicyWellFormed, {
  base: one("frontend-np", K.np),
  nonCompliant: [
    { title: "a port of 70000", edit: set("spec.ingress.0.ports.0.port", 70000), expect: [/NetworkPolicy frontend-np \(NetworkPolicy\) in namespace shop: ingress\[0\]\.ports\[0\]: port 70000 is not a whole number from 1 to 65535/] },
    { title: "an endPort below its port", edit: set("spec.ingress.0.ports.0.endPort", 80), expect: [/ingress\[0\]\.ports\[0\]: endPort 80 is below port 8080/] },
    { title: "a port that is neither a number nor a name", edit: set("spec.egress.1.ports.0.port", "99999-100000"), expect: [/egress\[1\]\.ports\[0\]: port "99999-100000" is neither a port number from 1 to 65535 nor a port name/] },
    { title: "an invalid ipBlock CIDR", edit: set("spec.egress.1.to", [{ ipBlock: { cidr: "999.1.1.1/33" } }]), expect: [/egress\[1\]\.to\[0\]\.ipBlock\.cidr: CIDR "999\.1\.1\.1\/33"/] },
    { title: "an operator Kubernetes does not know", edit: set("spec.ingress.0.from.0.namespaceSelector", { matchExpressions: [{ key: "team", operator: "Matches", values: ["x"] }] }), expect: [/ingress\[0\]\.from\[0\]\.namespaceSelector: matchExpressions\[0\]\.operator "Matches" is not one of In, NotIn, Exists, DoesNotExist/] },
    { title: "a peer list that is not a list", edit: set("spec.ingress.0.from", { podSelector: {} }), expect: [/ingress\[0\]\.from an object is not a list of peers/] },
    { title: "an empty peer", edit: set("spec.ingress.0.from", [{}]), expect: [/ingress\[0\]\.from\[0\] names neither a podSelector, a namespaceSelector nor an ipBlock/] },
    { title: "an ipBlock beside a selector", edit: set("spec.egress.1.to.0.ipBlock", { cidr: "10.0.0.0/8" }), expect: [/egress\[1\]\.to\[0\] sets an ipBlock beside a selector/] },
  ],
  compliant: [
    { title: "a named port", edit: set("spec.ingress.0.ports.0.port", "http"), expect: [] },
    { title: "a port range with endPort", edit: set("spec.ingress.0.ports.0.endPort", 8090), expect: [] },
  ],
  unknown: [
    { title: "an unknown port", edit: set("spec.ingress.0.ports.0.port", U), expect: [] },
    { title: "an unknown selector", edit: set("spec.ingress.0.from.0.namespaceSelector", U), expect: [] },
  ],
});
