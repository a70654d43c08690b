import { z } from 'zod';

/** Raised when the environment does not describe a runnable process; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly service: string, readonly problems: string[]) {
    super(`Invalid configuration for ${service}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates an environment against a zod schema once, reporting all errors together.
 * Services call this from their own config.ts; nothing else reads the environment.
 */
export function loadConfig<TSchema extends z.ZodType>(
  service: string,
  schema: TSchema,
  env: Record<string, string | undefined>,
): z.infer<TSchema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(service, problems);
  }
  return parsed.data;
}

/** The process environment, read here and only here (and in each service's config.ts via this). */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Building blocks shared by every service's config schema. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  host: () => z.string().min(1).default('127.0.0.1'),
  nodeEnv: () => z.enum(['development', 'test', 'production']).default('development'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  url: (fallback: string) => z.string().url().default(fallback),
  boolean: (fallback: boolean) => booleanish.default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  optionalString: () =>
    z
      .string()
      .optional()
      .transform((value) => (value === undefined || value === '' ? null : value)),
};

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0';
export const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432';

/** `postgresql://…/shop_users` for a database name on the default or given server. */
export function databaseUrl(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}
