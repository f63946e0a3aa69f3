import pino, { type Logger } from 'pino';
import type { Config } from '../config';

export type { Logger };

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    // Never let credentials reach a log line, whatever an object happens to carry.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', 'passwordHash', '*.passwordHash', 'token', '*.token'],
      censor: '[redacted]',
    },
  });
}

/** Strips the password from a connection string before it is logged. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
