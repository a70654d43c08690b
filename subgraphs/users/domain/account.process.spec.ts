import { describe, expect, it } from 'vitest';
import { accountProcess, canSignIn, moveAccount } from './account.process.ts';

describe('account process table', () => {
  it('suspends and reactivates, and refuses repeating either', () => {
    expect(moveAccount('ACTIVE', 'SUSPENDED').ok).toBe(true);
    expect(moveAccount('SUSPENDED', 'ACTIVE').ok).toBe(true);
    const again = moveAccount('SUSPENDED', 'SUSPENDED');
    expect(!again.ok && again.errors[0]?.code).toBe('ACCOUNT_ILLEGAL_TRANSITION');
    const reactivated = moveAccount('ACTIVE', 'ACTIVE');
    expect(!reactivated.ok && reactivated.errors[0]?.code).toBe('ACCOUNT_ILLEGAL_TRANSITION');
    expect(accountProcess.initial).toBe('ACTIVE');
    expect(accountProcess.terminalStates()).toEqual([]);
  });

  it('lets only active accounts sign in', () => {
    expect(canSignIn('ACTIVE')).toBe(true);
    expect(canSignIn('SUSPENDED')).toBe(false);
  });
});
