import { istioAuthorizationByPrincipal } from "../../../policy-packs/rules/kubernetes/istio-authorization-by-principal";
import { istioPeerAuthenticationStrict } from "../../../policy-packs/rules/kubernetes/istio-peer-authentication-strict";
import { add, all, describeRule, remove, set, setIn, U } from "../harness";
import { K, k8sStack, one } from "./fixtures";

describeRule(istioPeerAuthenticationStrict, {
  base: k8sStack(),
  nonCompliant: [
    { title: "PERMISSIVE mode", edit: setIn("shop-strict", "spec.mtls.mode", "PERMISSIVE"), expect: [/PeerAuthentication default in namespace shop sets mTLS mode PERMISSIVE; use STRICT/, /namespace shop is in the mesh but no STRICT PeerAuthentication covers it/] },
    { title: "a port relaxed to DISABLE", edit: setIn("shop-strict", "spec.portLevelMtls", { "9090": { mode: "DISABLE" } }), expect: [/sets mTLS mode DISABLE on port 9090/] },
    { title: "a mesh namespace without any PeerAuthentication", edit: remove("shop-strict"), expect: [/namespace shop is in the mesh but no STRICT PeerAuthentication covers it/] },
  ],
  compliant: [{ title: "a mesh-wide STRICT in the root namespace", edit: setIn("shop-strict", "metadata.namespace", "istio-system"), expect: [] }],
  unknown: [
    { title: "an unknown mode is not a relaxation, but proves no coverage either", edit: setIn("shop-strict", "spec.mtls.mode", U), expect: [/namespace shop is in the mesh/] },
    { title: "unknown namespace labels", edit: all(setIn("shop", "metadata.labels", U), add({ ...one("shop", K.ns), name: "other" })), expect: [] },
  ],
});

describeRule(istioAuthorizationByPrincipal, {
  base: one("frontend-allow", K.authz),
  nonCompliant: [
    { title: "a rule with no source", edit: set("spec.rules.0.from", undefined), expect: [/AuthorizationPolicy frontend-allow \(AuthorizationPolicy\) \(shop\/frontend\) rules\[0\] allows any source/] },
    { title: "a source by IP block only", edit: set("spec.rules.0.from.0.source", { ipBlocks: ["10.0.0.0/8"] }), expect: [/rules\[0\]\.from\[0\] identifies callers by address only/] },
    { title: "every namespace through a wildcard", edit: set("spec.rules.0.from.0.source", { namespaces: ["*"] }), expect: [/rules\[0\]\.from\[0\] names every caller \(namespaces \["\*"\]\)/] },
    { title: "a wildcard beside a named principal in the same list", edit: set("spec.rules.0.from.0.source", { principals: ["cluster.local/ns/a/sa/b", "*"] }), expect: [/names every caller \(principals \["\*"\]\)/] },
  ],
  compliant: [
    { title: "a namespace source", edit: set("spec.rules.0.from.0.source", { namespaces: ["ingress-nginx"] }), expect: [] },
    { title: "any principal, but only from one namespace", edit: set("spec.rules.0.from.0.source", { principals: ["*"], namespaces: ["ingress-nginx"] }), expect: [] },
    { title: "a DENY policy is not judged", edit: all(set("spec.action", "DENY"), set("spec.rules.0.from", undefined)), expect: [] },
  ],
  unknown: [
    { title: "unknown principals", edit: set("spec.rules.0.from.0.source.principals", U), expect: [] },
    { title: "an unknown action", edit: all(set("spec.action", U), set("spec.rules.0.from", undefined)), expect: [] },
  ],
});
