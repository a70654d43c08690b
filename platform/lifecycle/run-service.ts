import { ConfigError } from '../config/load-config.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { onShutdownSignal } from './shutdown.ts';

export interface ServiceConfig {
  logLevel: string;
  logPretty: boolean;
}

/** Reads a process' config once; on a bad environment prints every problem and exits. */
export function loadConfigOrExit<TConfig>(load: () => TConfig): TConfig {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/**
 * What every main.ts does: config, logger, start, then a graceful stop on SIGINT/SIGTERM.
 * A failure to start is logged and exits non-zero.
 */
export async function runService<TConfig extends ServiceConfig>(
  service: string,
  config: TConfig,
  start: (config: TConfig, logger: Logger) => Promise<{ close(): Promise<void> }>,
): Promise<void> {
  const logger = createLogger({ service, level: config.logLevel, pretty: config.logPretty });
  try {
    const running = await start(config, logger);
    onShutdownSignal(logger, [{ name: service, run: () => running.close() }]);
  } catch (error) {
    logger.fatal({ err: error }, `${service} failed to start`);
    process.exit(1);
  }
}
