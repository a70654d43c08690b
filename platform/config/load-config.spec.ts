import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, databaseUrl, env, loadConfig } from './load-config.ts';

const schema = z.object({ PORT: env.port(4000), LOG_PRETTY: env.boolean(false), SECRET: env.optionalString() });

describe('loadConfig', () => {
  it('applies working defaults and types the result', () => {
    expect(loadConfig('svc', schema, {})).toEqual({ PORT: 4000, LOG_PRETTY: false, SECRET: null });
    expect(loadConfig('svc', schema, { PORT: '5000', LOG_PRETTY: 'true', SECRET: 's' })).toEqual({ PORT: 5000, LOG_PRETTY: true, SECRET: 's' });
  });

  it('reports every problem at once, naming the variable', () => {
    try {
      loadConfig('svc', schema, { PORT: 'eighty', LOG_PRETTY: 'maybe' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(2);
      expect(problems.join('\n')).toMatch(/PORT/);
      expect(problems.join('\n')).toMatch(/LOG_PRETTY/);
    }
  });

  it('builds database URLs on a server', () => {
    expect(databaseUrl('postgresql://postgres@127.0.0.1:5432', 'shop_users')).toBe('postgresql://postgres@127.0.0.1:5432/shop_users');
  });
});
