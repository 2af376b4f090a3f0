import { ipInRange, parseCidr, parseIp, sameIp } from './cidr';

describe('parseIp', () => {
  it('reads IPv4 and IPv6 literals', () => {
    expect(Array.from(parseIp('10.0.0.33') ?? [])).toEqual([10, 0, 0, 33]);
    expect(parseIp('2001:db8::1')).toHaveLength(16);
    expect(parseIp('::')).toHaveLength(16);
  });

  it('reads the same IPv6 address however it is abbreviated', () => {
    expect(sameIp(parseIp('2001:db8::1')!, parseIp('2001:0DB8:0:0:0:0:0:0001')!)).toBe(true);
  });

  it('reads an IPv4-mapped IPv6 address as IPv4', () => {
    expect(Array.from(parseIp('::ffff:a00:1') ?? [])).toEqual([10, 0, 0, 1]);
  });

  it('refuses what is not an address', () => {
    for (const text of [
      '',
      'localhost',
      '10.0.0',
      '10.0.0.256',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '12345::',
      ':1::',
      '::ffff:10.0.0.1',
      `${'1:'.repeat(5000)}x`,
    ]) {
      expect(parseIp(text)).toBeUndefined();
    }
  });
});

describe('parseCidr', () => {
  it('covers the whole block, ignoring host bits in the base address', () => {
    const block = parseCidr('10.0.0.7/24');

    expect(ipInRange(parseIp('10.0.0.0')!, block)).toBe(true);
    expect(ipInRange(parseIp('10.0.0.255')!, block)).toBe(true);
    expect(ipInRange(parseIp('10.0.1.0')!, block)).toBe(false);
    expect(ipInRange(parseIp('9.255.255.255')!, block)).toBe(false);
  });

  it('handles masks that do not fall on a byte boundary', () => {
    const block = parseCidr('192.168.0.0/13');

    expect(ipInRange(parseIp('192.175.255.255')!, block)).toBe(true);
    expect(ipInRange(parseIp('192.176.0.0')!, block)).toBe(false);
  });

  it('matches every address of its family with /0', () => {
    expect(ipInRange(parseIp('255.255.255.255')!, parseCidr('0.0.0.0/0'))).toBe(true);
    expect(ipInRange(parseIp('::1')!, parseCidr('0.0.0.0/0'))).toBe(false);
  });
});
