import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const sdl = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

describe('schema.graphql', () => {
  it('defines the shared value types exactly as the platform does', () => {
    for (const shared of ['type Money @shareable', 'type UserError @shareable']) expect(sdl).toContain(shared);
  });

  it('takes no price from a client: no input type has a price field', () => {
    const inputs = sdl.match(/input \w+ \{[^}]*\}/g) ?? [];
    expect(inputs.length).toBeGreaterThanOrEqual(4);
    for (const input of inputs) expect(input).not.toMatch(/\b(price|amount|unitPrice)\s*:/i);
  });

  it('references catalog’s variant and users’ store by key only', () => {
    expect(sdl).toContain('type ProductVariant @key(fields: "id", resolvable: false)');
    expect(sdl).toContain('type Vendor @key(fields: "id", resolvable: false)');
  });
});
