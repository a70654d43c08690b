import { describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from './pg-adapter.ts';

describe('poolConfigFromUrl', () => {
  it('connects through the socket directory a `?host=` names, as libpq does', () => {
    expect(poolConfigFromUrl('postgresql://postgres@localhost:5432/shop_orders?host=/var/run/postgresql', 4)).toMatchObject({
      host: '/var/run/postgresql',
      port: 5432,
      user: 'postgres',
      database: 'shop_orders',
      max: 4,
    });
  });

  it('takes host, port, user, password and database from the URL otherwise', () => {
    expect(poolConfigFromUrl('postgresql://shop:p%40ss@db.internal:6543/shop_cart')).toMatchObject({
      host: 'db.internal',
      port: 6543,
      user: 'shop',
      password: 'p@ss',
      database: 'shop_cart',
    });
  });
});
