import { describe, expect, it } from 'vitest';
import { moveVendor, vendorProcess, VendorStatuses, type VendorStatus } from './vendor.process.ts';

describe('vendor process table', () => {
  const allowed: [VendorStatus, VendorStatus][] = [
    ['PENDING', 'APPROVED'],
    ['PENDING', 'REJECTED'],
    ['APPROVED', 'SUSPENDED'],
    ['SUSPENDED', 'APPROVED'],
  ];

  it.each(allowed)('allows %s → %s', (from, to) => {
    expect(moveVendor(from, to)).toEqual({ ok: true, value: to });
  });

  const forbidden = VendorStatuses.flatMap((from) => VendorStatuses.map((to) => [from, to] as [VendorStatus, VendorStatus])).filter(
    ([from, to]) => !allowed.some(([a, b]) => a === from && b === to),
  );

  it.each(forbidden)('forbids %s → %s with VENDOR_ILLEGAL_TRANSITION', (from, to) => {
    expect(moveVendor(from, to)).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'VENDOR_ILLEGAL_TRANSITION' })] });
  });

  it('starts PENDING and ends only in REJECTED', () => {
    expect(vendorProcess.initial).toBe('PENDING');
    expect(vendorProcess.terminalStates()).toEqual(['REJECTED']);
  });
});
