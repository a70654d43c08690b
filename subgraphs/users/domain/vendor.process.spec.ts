import { describe, expect, it } from 'vitest';
import { accountProcess, moveAccount } from './account.process.ts';
import { defineProcess } from '../../../platform/process/process-table.ts';
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
    const result = moveVendor(from, to);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.code).toBe('VENDOR_ILLEGAL_TRANSITION');
  });

  it('starts PENDING and ends only in REJECTED', () => {
    expect(vendorProcess.initial).toBe('PENDING');
    expect(vendorProcess.terminalStates()).toEqual(['REJECTED']);
  });
});

describe('account process table', () => {
  it('suspends and reactivates, and refuses repeating either', () => {
    expect(moveAccount('ACTIVE', 'SUSPENDED').ok).toBe(true);
    expect(moveAccount('SUSPENDED', 'ACTIVE').ok).toBe(true);
    const again = moveAccount('SUSPENDED', 'SUSPENDED');
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.errors[0]?.code).toBe('ACCOUNT_ILLEGAL_TRANSITION');
    expect(accountProcess.terminalStates()).toEqual([]);
  });
});

describe('process tables are checked when defined', () => {
  it('refuses an unknown target', () => {
    expect(() => defineProcess<'A' | 'B'>('t', 'A', { A: ['B', 'C' as 'B'], B: [] })).toThrow(/unknown state/);
  });

  it('refuses an unreachable state', () => {
    expect(() => defineProcess<'A' | 'B' | 'C'>('t', 'A', { A: ['B'], B: [], C: ['A'] })).toThrow(/unreachable state\(s\) C/);
  });

  it('refuses a missing initial state and self-loops', () => {
    expect(() => defineProcess<'A'>('t', 'Z' as 'A', { A: [] })).toThrow(/initial/);
    expect(() => defineProcess<'A'>('t', 'A', { A: ['A'] })).toThrow(/not a transition/);
  });
});
