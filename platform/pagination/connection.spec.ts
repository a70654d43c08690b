import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, pageRequest, toConnection } from './connection.ts';

const cursorSchema = z.object({ id: z.string() });

const codeOf = (result: { ok: boolean; errors?: { code: string }[] }) => (result.ok ? 'no error' : result.errors?.[0]?.code);
const valueOf = <T>(result: { ok: true; value: T } | { ok: false }): T => {
  if (!result.ok) throw new Error('expected a value');
  return result.value;
};

describe('connections', () => {
  it('round-trips opaque cursors and rejects forged or foreign ones', () => {
    const cursor = encodeCursor({ id: 'abc' });
    expect(cursor).not.toContain('abc');
    expect(decodeCursor(cursor, cursorSchema)).toEqual({ ok: true, value: { id: 'abc' } });
    expect(codeOf(decodeCursor('not-a-cursor', cursorSchema))).toBe('BAD_USER_INPUT');
    expect(codeOf(decodeCursor(encodeCursor({ offset: 3 }), cursorSchema))).toBe('BAD_USER_INPUT');
  });

  it('bounds `first` so no client can ask for the whole table', () => {
    expect(valueOf(pageRequest({}, cursorSchema)).limit).toBe(20);
    expect(valueOf(pageRequest({ first: MAX_PAGE_SIZE }, cursorSchema)).limit).toBe(MAX_PAGE_SIZE);
    expect(codeOf(pageRequest({ after: 'forged' }, cursorSchema))).toBe('BAD_USER_INPUT');
    for (const first of [0, -1, MAX_PAGE_SIZE + 1, 100_000, 2.5]) {
      expect(codeOf(pageRequest({ first }, cursorSchema))).toBe('BAD_USER_INPUT');
    }
  });

  it('builds edges and page info from limit + 1 rows', () => {
    const page = valueOf(pageRequest({ first: 2 }, cursorSchema));
    const full = toConnection([{ id: 'a' }, { id: 'b' }, { id: 'c' }], page, 3, (node) => ({ id: node.id }));
    expect(full.edges.map((edge) => edge.node.id)).toEqual(['a', 'b']);
    expect(full.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(decodeCursor(full.pageInfo.endCursor!, cursorSchema)).toEqual({ ok: true, value: { id: 'b' } });

    const last = toConnection([{ id: 'c' }], valueOf(pageRequest({ first: 2, after: full.pageInfo.endCursor }, cursorSchema)), 3, (node) => node);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(last.totalCount).toBe(3);
  });
});
