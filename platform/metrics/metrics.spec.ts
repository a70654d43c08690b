import { describe, expect, it } from 'vitest';
import { createMetrics, operationLabeler } from './metrics.ts';

describe('operation labels', () => {
  it('keep known names, then the first names seen up to the bound, and call everything after `other`', () => {
    const label = operationLabeler({ knownOperations: ['ProductListing'], maxFirstSeenOperations: 2 });
    expect(['A', 'B', 'C', 'A', 'ProductListing', 'B', 'D'].map(label)).toEqual(['A', 'B', 'other', 'A', 'ProductListing', 'B', 'other']);
    expect([null, undefined, ''].map(label)).toEqual(['anonymous', 'anonymous', 'anonymous']);
  });

  it('keep no first-seen names at a bound of 0, and none longer than 64 characters', () => {
    expect(operationLabeler({ knownOperations: ['Known'], maxFirstSeenOperations: 0 })('Fresh')).toBe('other');
    const label = operationLabeler({ knownOperations: [], maxFirstSeenOperations: 5 });
    expect(label('N'.repeat(65))).toBe('other');
    expect(label('N'.repeat(64))).toBe('N'.repeat(64));
  });

  it('count a name under the one it stands for', () => {
    const label = operationLabeler({ knownOperations: ['ProductListing'], maxFirstSeenOperations: 0 }, (name) => name.replace(/__catalog__\d+$/, ''));
    expect(label('ProductListing__catalog__0')).toBe('ProductListing');
    expect(label('ProductListing__x__catalog__1')).toBe('other');
  });

  it('leave the exposition small after 2,000 unique names', async () => {
    const metrics = createMetrics('spec', { knownOperations: [], maxFirstSeenOperations: 20 });
    for (let i = 0; i < 2_000; i += 1) {
      const operation = metrics.operationLabel(`Op${i}`);
      metrics.operations.inc({ operation, type: 'query', outcome: 'success' });
      metrics.operationDuration.observe({ operation, type: 'query' }, 0.001);
    }
    const text = await metrics.registry.metrics();
    const operations = new Set([...text.matchAll(/operation="([^"]+)"/g)].map((match) => match[1]));
    expect(operations.size).toBe(21);
    expect(operations.has('other')).toBe(true);
    expect(text.length).toBeLessThan(64 * 1024);
  });
});
