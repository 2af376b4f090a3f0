import { InvalidEventPatternError } from './event-pattern.errors';

/** An IP address as raw bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

/** The inclusive address range a CIDR block covers. */
export interface IpRange {
  readonly low: IpBytes;
  readonly high: IpBytes;
}

// No literal address is longer than this; the cap keeps hostile strings from costing anything.
const MAX_IP_TEXT = 64;

/**
 * Whether text has the shape EventBridge treats as an IP literal: four dot-separated digit runs,
 * or hex digits and colons with at least one colon. Shape only; the address may still be invalid.
 */
function ipShape(text: string): 4 | 6 | undefined {
  if (text.length === 0 || text.length > MAX_IP_TEXT) return undefined;
  if (isIpv4Shape(text)) return 4;
  let colon = false;
  for (const char of text) {
    if (char === ':') colon = true;
    else if (!isHexDigit(char)) return undefined;
  }
  return colon ? 6 : undefined;
}

function isIpv4Shape(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => part.length > 0 && isDecimal(part));
}

function isDecimal(text: string): boolean {
  for (const char of text) if (char < '0' || char > '9') return false;
  return true;
}

function isHexDigit(char: string): boolean {
  return (
    (char >= '0' && char <= '9') || (char >= 'a' && char <= 'f') || (char >= 'A' && char <= 'F')
  );
}

/** Parses an IPv4 or IPv6 literal (no zone, no embedded dotted quad); undefined if it is not one. */
export function parseIp(text: string): IpBytes | undefined {
  const shape = ipShape(text);
  if (shape === 4) return parseIpv4(text);
  if (shape === 6) {
    const bytes = parseIpv6(text);
    return bytes === undefined ? undefined : unmapIpv4(bytes);
  }
  return undefined;
}

function parseIpv4(text: string): IpBytes | undefined {
  // Octets are read as decimal even with leading zeros, as the JVM that EventBridge runs on does.
  const octets = text.split('.').map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return Uint8Array.from(octets);
}

function parseIpv6(text: string): IpBytes | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const words = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  words.forEach((word, index) => {
    bytes[index * 2] = word >> 8;
    bytes[index * 2 + 1] = word & 0xff;
  });
  return bytes;
}

/** The 16-bit groups of one side of `::`; undefined if any group is empty or too long. */
function groups(text: string): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  if (parts.some((part) => part.length === 0 || part.length > 4)) return undefined;
  return parts.map((part) => parseInt(part, 16));
}

/** `::ffff:a.b.c.d` is an IPv4 address in disguise; the JVM resolves it to IPv4, so do we. */
function unmapIpv4(bytes: IpBytes): IpBytes {
  const mapped =
    bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** Whether two parsed addresses are the same address. */
export function sameIp(a: IpBytes, b: IpBytes): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/** Whether the address lies in the range (an IPv4 address never lies in an IPv6 range). */
export function ipInRange(ip: IpBytes, range: IpRange): boolean {
  return (
    ip.length === range.low.length && compare(range.low, ip) <= 0 && compare(ip, range.high) <= 0
  );
}

function compare(a: IpBytes, b: IpBytes): number {
  for (let index = 0; index < a.length; index++) {
    if (a[index] !== b[index]) return a[index] - b[index];
  }
  return 0;
}

/**
 * Parses `address/bits` for a `cidr` match, with EventBridge's validation: exactly one `/`, an
 * integer mask, and fewer than 32 (IPv4) or 128 (IPv6) bits: a single host is matched with an exact
 * value, which EventBridge compares as an address.
 */
export function parseCidr(text: string): IpRange {
  const parts = text.split('/');
  if (parts.length !== 2) throw new InvalidEventPatternError("Malformed CIDR, one '/' required");
  const [address, maskText] = parts;
  if (!/^[+-]?[0-9]{1,10}$/.test(maskText)) {
    throw new InvalidEventPatternError('Malformed CIDR, mask bits must be an integer');
  }
  const maskBits = Number(maskText);
  if (maskBits < 0) {
    throw new InvalidEventPatternError('Malformed CIDR, mask bits must not be negative');
  }
  if (ipShape(address) === undefined) {
    throw new InvalidEventPatternError(`Nonstandard IP address: ${address}`);
  }
  const base = parseIp(address);
  if (base === undefined) throw new InvalidEventPatternError(`Invalid IP address: ${address}`);
  const totalBits = base.length * 8;
  if (maskBits >= totalBits) {
    const family = base.length === 4 ? 'IPv4' : 'IPv6';
    throw new InvalidEventPatternError(`${family} mask bits must be < ${totalBits}`);
  }
  // Host bits in the base are ignored (10.0.0.7/24 is 10.0.0.0-10.0.0.255), as EventBridge does.
  const low = new Uint8Array(base.length);
  const high = new Uint8Array(base.length);
  for (let index = 0; index < base.length; index++) {
    const fixedBits = Math.min(8, Math.max(0, maskBits - index * 8));
    const hostMask = 0xff >> fixedBits;
    low[index] = base[index] & ~hostMask;
    high[index] = base[index] | hostMask;
  }
  return { low, high };
}
