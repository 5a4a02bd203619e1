export * from "./range-set";
export * from "./ports";
export * from "./cidr";
