import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const sdl = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

describe('schema.graphql', () => {
  it('defines the shared value types exactly as the platform does', () => {
    for (const shared of ['type Money @shareable', 'type PageInfo @shareable', 'type UserError @shareable']) {
      expect(sdl).toContain(shared);
    }
  });
});
