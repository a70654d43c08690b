import { describe, expect, it } from 'vitest';
import { CatalogErrorCodes } from './error-codes.ts';
import { defineProcess } from '../../../platform/process/process-table.ts';
import { moveProduct, productProcess } from './product.process.ts';
import { ProductStatuses, type ProductStatus } from './product.ts';

describe('product process table', () => {
  it('starts every product as a DRAFT', () => {
    expect(productProcess.initial).toBe('DRAFT');
  });

  it.each([
    ['DRAFT', 'ACTIVE'],
    ['DRAFT', 'ARCHIVED'],
    ['ACTIVE', 'DRAFT'],
    ['ACTIVE', 'ARCHIVED'],
    ['ARCHIVED', 'DRAFT'],
  ] as const)('allows %s → %s', (from, to) => {
    expect(moveProduct(from, to)).toEqual({ ok: true, value: to });
  });

  it.each([
    ['ARCHIVED', 'ACTIVE'],
    ['DRAFT', 'DRAFT'],
    ['ACTIVE', 'ACTIVE'],
    ['ARCHIVED', 'ARCHIVED'],
  ] as const)('refuses %s → %s with PRODUCT_ILLEGAL_TRANSITION', (from, to) => {
    const result = moveProduct(from, to);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0]?.code).toBe(CatalogErrorCodes.PRODUCT_ILLEGAL_TRANSITION);
      expect(result.errors[0]?.field).toEqual(['input', 'status']);
    }
  });

  it('lists exactly the moves of the table for every pair of states', () => {
    const allowed = ProductStatuses.flatMap((from) =>
      ProductStatuses.filter((to) => moveProduct(from, to).ok).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(['ACTIVE→ARCHIVED', 'ACTIVE→DRAFT', 'ARCHIVED→DRAFT', 'DRAFT→ACTIVE', 'DRAFT→ARCHIVED']);
  });
});

describe('defineProcess (start-up checks)', () => {
  type S = 'A' | 'B' | 'C';
  it('rejects a target that is not a state', () => {
    expect(() => defineProcess<S>('t', 'A', { A: ['B'], B: ['Z' as S], C: [] })).toThrow(/unknown state/);
  });
  it('rejects an unreachable state', () => {
    expect(() => defineProcess<S>('t', 'A', { A: ['B'], B: ['A'], C: ['A'] })).toThrow(/unreachable state\(s\) C/);
  });
  it('rejects a self-move', () => {
    expect(() => defineProcess<S>('t', 'A', { A: ['A', 'B'], B: ['C'], C: [] })).toThrow(/not a transition/);
  });
  it('rejects an initial state outside the table', () => {
    expect(() => defineProcess<'A' | 'B'>('t', 'Q' as 'A', { A: ['B'], B: [] })).toThrow(/initial state/);
  });
  it('accepts the product table as written', () => {
    const statuses: ProductStatus[] = [...ProductStatuses];
    expect(Object.keys(productProcess.transitions).sort()).toEqual(statuses.sort());
  });
});
