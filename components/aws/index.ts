/** AWS components. */
export * from "./vpc";
