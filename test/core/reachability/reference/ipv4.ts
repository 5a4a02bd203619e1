/**
 * Just enough IPv4 for the reference evaluators, written apart from core/net on purpose: the
 * soundness tests must not share the engine's address code. Addresses are numbers 0..2^32-1.
 */

export interface Block {
  readonly base: number;
  /** Number of addresses (2^(32 - prefix)). */
  readonly size: number;
}

export function ip(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`not an IPv4 address: ${text}`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function ipText(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

export function block(cidr: string): Block {
  const [addr, bits] = cidr.split("/");
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const size = 2 ** (32 - prefix);
  return { base: Math.floor(ip(addr) / size) * size, size };
}

export function within(address: number, cidr: string): boolean {
  const b = block(cidr);
  return address >= b.base && address < b.base + b.size;
}

export function prefixOf(cidr: string): number {
  return Number(cidr.split("/")[1]);
}
