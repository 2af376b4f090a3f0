import { randomBytes } from 'node:crypto';

/** A gateway-style id such as `ch_3f9a…`: a prefix and 96 random bits in hex. */
export function newId(prefix: 'ch' | 're' | 'evt' | 'req' | 'pi'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}
