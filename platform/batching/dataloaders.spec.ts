import { describe, expect, it } from 'vitest';
import { CallerGoneError } from '../http/caller-signal.ts';
import { entityLoader, groupLoader } from './dataloaders.ts';

const A = '6f1c2b1e-7d2a-4c53-9a8e-0b6f4f1d2a01';
const B = '6f1c2b1e-7d2a-4c53-9a8e-0b6f4f1d2a02';
const C = '6f1c2b1e-7d2a-4c53-9a8e-0b6f4f1d2a03';

describe('per-request loaders', () => {
  it('batch one tick of loads into one read, in the order asked, unknown and non-UUID ids as null', async () => {
    const reads: string[][] = [];
    const loader = entityLoader({
      load: async (ids: string[]) => {
        reads.push(ids);
        return ids.filter((id) => id !== C).map((id) => ({ id, name: id.slice(-2) }));
      },
      keyOf: (row) => row.id,
    });
    const results = await Promise.all([loader.load(B), loader.load('not-a-uuid'), loader.load(A), loader.load(C), loader.load(B)]);
    expect(results).toEqual([{ id: B, name: '02' }, null, { id: A, name: '01' }, null, { id: B, name: '02' }]);
    expect(reads).toEqual([[B, A, C]]);
  });

  it('read a cache first and only the misses from the source', async () => {
    const cached = new Map([[A, { id: A }]]);
    const reads: string[][] = [];
    const loader = entityLoader<{ id: string }>({
      load: async (ids: string[]) => {
        reads.push(ids);
        return ids.map((id) => ({ id }));
      },
      keyOf: (row) => row.id,
      cache: {
        load: async (keys, loadMissing) => new Map([...keys.filter((key) => cached.has(key)).map((key) => [key, cached.get(key)!] as const), ...(await loadMissing(keys.filter((key) => !cached.has(key))))]),
      },
    });
    expect(await loader.loadMany([A, B])).toEqual([{ id: A }, { id: B }]);
    expect(reads).toEqual([[B]]);
  });

  it('group lists by owner, with an empty list for an owner that has none', async () => {
    const reads: string[][] = [];
    const loader = groupLoader({
      load: async (ids: string[]) => {
        reads.push(ids);
        return [{ owner: A, n: 1 }, { owner: B, n: 2 }, { owner: A, n: 3 }];
      },
      keyOf: (row) => row.owner,
    });
    expect(await Promise.all([loader.load(A), loader.load(B), loader.load(C)])).toEqual([
      [{ owner: A, n: 1 }, { owner: A, n: 3 }],
      [{ owner: B, n: 2 }],
      [],
    ]);
    expect(reads).toEqual([[A, B, C]]);
  });

  it('read nothing once the request’s caller has gone: each batch fails with the signal’s reason', async () => {
    const caller = new AbortController();
    const reads: string[][] = [];
    const read = async (ids: string[]) => {
      reads.push(ids);
      return ids.map((id) => ({ id, owner: id }));
    };
    const entities = entityLoader({ load: read, keyOf: (row) => row.id, signal: caller.signal });
    const groups = groupLoader({ load: read, keyOf: (row) => row.owner, signal: caller.signal });
    expect(await entities.load(A)).toEqual({ id: A, owner: A });
    caller.abort(new CallerGoneError());
    await expect(entities.load(B)).rejects.toBeInstanceOf(CallerGoneError);
    await expect(groups.loadMany([A, C])).resolves.toEqual([expect.any(CallerGoneError), expect.any(CallerGoneError)]);
    expect(reads).toEqual([[A]]);
  });
});
