export * from "./types";
export { AWS_DEFAULT_FIELDS, AwsFlowLogReader, awsLayout } from "./aws-flow-logs";
export { readGcpEntry, readGcpLine } from "./gcp-flow-logs";
export { AddressBook, ipv4ToInt, type BookEndpoint, type EndpointKind } from "./address-book";
export { AllowedTraffic, type AllowBasis, type Allowance } from "./allowed";
export { FlowAnalysis, VERDICTS, type AnalyseOptions, type FlowReport, type NotAnalysed, type PairReport, type Verdict, type ZoneRate } from "./analyse";
export { FLOW_FORMATS, renderFlowReport, type FlowFormat } from "./render";
