import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../platform/errors/codes.ts';
import { SUBGRAPHS } from '../subgraphs/registry.ts';

/**
 * Clients branch on `code`, so one string must mean one thing across the whole supergraph: the
 * platform's generic codes and every subgraph's own (domain/error-codes.ts) never overlap, and each
 * module's keys are its values.
 */
describe('error codes', () => {
  it('are defined once across the platform and every subgraph', async () => {
    const owners = new Map<string, string[]>();
    const modules: [string, Record<string, string>][] = [['platform', ErrorCodes]];
    for (const { name } of SUBGRAPHS) {
      const module = (await import(`../subgraphs/${name}/domain/error-codes.ts`)) as Record<string, Record<string, string>>;
      const codes = Object.values(module)[0];
      expect(codes, `subgraphs/${name}/domain/error-codes.ts exports its codes`).toBeDefined();
      modules.push([name, codes ?? {}]);
    }
    for (const [owner, codes] of modules) {
      for (const [key, code] of Object.entries(codes)) {
        expect(code, `${owner}: ${key}`).toBe(key);
        owners.set(code, [...(owners.get(code) ?? []), owner]);
      }
    }
    const twice = [...owners].filter(([, where]) => where.length > 1).map(([code, where]) => `${code}: ${where.join(', ')}`);
    expect(twice).toEqual([]);
    expect(modules.length).toBe(SUBGRAPHS.length + 1);
  });
});
