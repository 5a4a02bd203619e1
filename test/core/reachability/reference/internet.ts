/**
 * The internet as the soundness tests sample it: the public blocks their generators may name,
 * and one address of every piece those blocks cut the public IPv4 space into (outside every
 * private and special-use block), so "some internet address" is decided by these alone.
 */
import { ip } from "./ipv4";

export const PUBLIC_CIDRS = ["0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "203.0.113.0/24", "203.0.113.0/25", "203.0.113.77/32"];
export const INTERNET_SAMPLES = ["8.8.8.8", "130.1.1.1", "203.0.113.1", "203.0.113.77", "203.0.113.200"].map(ip);
