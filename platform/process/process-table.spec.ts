import { describe, expect, it } from 'vitest';
import { defineProcess } from './process-table.ts';

type State = 'NEW' | 'OPEN' | 'DONE';

describe('process tables', () => {
  it('answers allowed and forbidden moves and lists terminal states', () => {
    const table = defineProcess<State>('ticket', 'NEW', { NEW: ['OPEN'], OPEN: ['DONE', 'NEW'], DONE: [] });
    expect(table.canMove('NEW', 'OPEN')).toBe(true);
    expect(table.canMove('NEW', 'DONE')).toBe(false);
    expect(table.canMove('DONE', 'OPEN')).toBe(false);
    expect(table.terminalStates()).toEqual(['DONE']);
  });

  it('fails fast on a table with a typo, a self-move, an unreachable state or an unknown initial state', () => {
    expect(() => defineProcess('t', 'NEW', { NEW: ['OPNE' as State], OPEN: [], DONE: [] })).toThrow(/unknown state/);
    expect(() => defineProcess<State>('t', 'NEW', { NEW: ['NEW', 'OPEN'], OPEN: ['DONE'], DONE: [] })).toThrow(/not a transition/);
    expect(() => defineProcess<State>('t', 'NEW', { NEW: ['OPEN'], OPEN: [], DONE: [] })).toThrow(/unreachable state\(s\) DONE/);
    expect(() => defineProcess<State>('t', 'GONE' as State, { NEW: ['OPEN'], OPEN: ['DONE'], DONE: [] })).toThrow(/initial/);
  });
});
