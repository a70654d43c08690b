import { describe, expect, it } from 'vitest';
import { gatheredPerTransaction } from './gathered.ts';
import type { SqlClient } from './sql.ts';

const transaction = (): SqlClient => ({
  $queryRaw: () => Promise.resolve([] as never),
  $executeRaw: () => Promise.resolve(0),
  $queryRawUnsafe: () => Promise.resolve([] as never),
  $executeRawUnsafe: () => Promise.resolve(0),
});

describe('gatheredPerTransaction', () => {
  it('runs the calls made on one transaction in one turn together, and answers each with its own output', async () => {
    const runs: string[][] = [];
    const double = gatheredPerTransaction(async (_tx, inputs: readonly string[]) => {
      runs.push([...inputs]);
      return inputs.map((input) => input + input);
    });
    const [one, two] = [transaction(), transaction()];
    const answers = await Promise.all([double(one, 'a'), double(two, 'x'), double(one, 'b'), double(one, 'c')]);
    expect(answers).toEqual(['aa', 'xx', 'bb', 'cc']);
    expect(runs).toEqual([['a', 'b', 'c'], ['x']]);
    // A later turn is a round of its own.
    expect(await double(one, 'd')).toBe('dd');
    expect(runs.at(-1)).toEqual(['d']);
  });

  it('fails every call of a round whose run fails, and one that answers too few', async () => {
    const failing = gatheredPerTransaction(async () => Promise.reject(new Error('deadlock')));
    const tx = transaction();
    await expect(Promise.allSettled([failing(tx, 1), failing(tx, 2)])).resolves.toEqual([
      { status: 'rejected', reason: new Error('deadlock') },
      { status: 'rejected', reason: new Error('deadlock') },
    ]);
    const short = gatheredPerTransaction(async () => ['only one']);
    const results = await Promise.allSettled([short(tx, 1), short(tx, 2)]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
  });
});
