import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const sdl = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

describe('schema.graphql', () => {
  it('defines the shared value types exactly as the platform does', () => {
    for (const shared of ['type PageInfo @shareable', 'type UserError @shareable']) expect(sdl).toContain(shared);
  });

  it('adds availability to the catalog variant by its key, and exposes no reservations', () => {
    expect(sdl).toContain('type ProductVariant @key(fields: "id")');
    expect(sdl).not.toMatch(/type Reservation\b/);
  });
});
