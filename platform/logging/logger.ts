import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export interface LoggerSettings {
  service: string;
  level: string;
  /** Human-readable output for a developer's terminal; JSON otherwise. */
  pretty: boolean;
}

const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  // Card data (payments): a number or security code must never reach a log line, whatever logs it.
  'number',
  '*.number',
  'cardNumber',
  '*.cardNumber',
  'cvc',
  '*.cvc',
  'variables.input.number',
  'variables.input.cvc',
  '*.variables.input.number',
  '*.variables.input.cvc',
];

/**
 * The process' root logger; components take `logger.child({ component })`. `destination` (specs)
 * receives the JSON lines instead of stdout, redacted like everywhere else.
 */
export function createLogger(settings: LoggerSettings, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (settings.pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } },
    });
  }
  return destination ? pino(options, destination) : pino(options);
}
