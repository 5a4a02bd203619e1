export * from "./neutral";
