import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; credentials never reach them (redacted paths). */
export function createLogger(level: string, name = 'focus-kraliki'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers.authorization', '*.password', '*.token', 'password', 'token'], censor: '[redacted]' },
  });
}
