import { describe, expect, it } from 'vitest';
import { limitBucket } from './client-address.ts';

describe('limitBucket', () => {
  it('counts an IPv4 address on its own', () => {
    expect(limitBucket('203.0.113.9')).toBe('203.0.113.9');
  });

  it('counts an IPv6 client by its /64, however the address is written', () => {
    expect(limitBucket('2001:db8:1:2:aaaa::1')).toBe('2001:0db8:0001:0002::/64');
    expect(limitBucket('2001:DB8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:0db8:0001:0002::/64');
    expect(limitBucket('2001:db8::1')).toBe('2001:0db8:0000:0000::/64');
    expect(limitBucket('::1')).toBe('0000:0000:0000:0000::/64');
    expect(limitBucket('fe80::1%eth0')).toBe('fe80:0000:0000:0000::/64');
  });

  it('keeps anything else as it is', () => {
    expect(limitBucket('unknown')).toBe('unknown');
    expect(limitBucket('1::2::3')).toBe('1::2::3');
    expect(limitBucket('1:2:3')).toBe('1:2:3');
  });
});
