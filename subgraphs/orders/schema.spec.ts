import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CancelReasons, OrderStatuses, VendorOrderStatuses } from './domain/order.process.ts';

const sdl = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');
const enumValues = (name: string) => [...(new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(sdl)?.[1] ?? '').matchAll(/^\s+([A-Z_]+)$/gm)].map((match) => match[1]);

describe('schema.graphql', () => {
  it('defines the shared value types exactly as the platform does', () => {
    for (const shared of ['type PageInfo @shareable', 'type UserError @shareable', 'type Money @shareable']) expect(sdl).toContain(shared);
  });

  it('makes Order an entity and refers to catalog variants by key only', () => {
    expect(sdl).toContain('type Order @key(fields: "id")');
    expect(sdl).toContain('type ProductVariant @key(fields: "id", resolvable: false)');
  });

  it('lists exactly the statuses and reasons of the domain tables', () => {
    expect(enumValues('OrderStatus')).toEqual([...OrderStatuses]);
    expect(enumValues('VendorOrderStatus')).toEqual([...VendorOrderStatuses]);
    expect(enumValues('OrderCancellationReason')).toEqual([...CancelReasons]);
  });

  it('takes the payment token in placeOrder’s input and never returns it', () => {
    expect(sdl.match(/paymentMethodToken/g)).toHaveLength(1);
    expect(/input PlaceOrderInput \{[^}]*paymentMethodToken: String!/.test(sdl)).toBe(true);
  });
});
