import { describe, expect, it } from 'vitest';
import { callerOf, partnerCaller } from './caller.ts';

describe('callerOf', () => {
  it("spends an account's budget when signed in, the address's otherwise", () => {
    expect(callerOf(null, '203.0.113.7')).toEqual({ class: 'anonymous', id: 'ip:203.0.113.7', partnerAppId: null });
    const userId = '6f1c2b1e-7d2a-4c53-9a8e-0b6f4f1d2a01';
    expect(callerOf({ userId, role: 'CUSTOMER', vendorId: null}, '203.0.113.7')).toEqual({ class: 'customer', id: `user:${userId}`, partnerAppId: null });
    expect(callerOf({ userId, role: 'VENDOR', vendorId: userId}, '203.0.113.7').class).toBe('customer');
    expect(callerOf({ userId, role: 'ADMIN', vendorId: null}, '203.0.113.7').class).toBe('admin');
  });
});

describe('partnerCaller', () => {
  it("spends the app's budget and names its manifest, whichever of its keys was sent", () => {
    expect(partnerCaller('app-1')).toEqual({ class: 'partner', id: 'key:app-1', partnerAppId: 'app-1' });
  });
});
