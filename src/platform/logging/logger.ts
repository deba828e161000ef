import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { DestinationStream, Logger };

/**
 * Where credentials could sit in a log object: request headers (bearer tokens, cookies, the gateway-signed
 * `X-Platform-Context`), login bodies and token answers. Each is replaced by `[redacted]`.
 */
export const REDACTED_LOG_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'authorization',
  '*.authorization',
  'cookie',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-platform-context"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-platform-context"]',
];

/** Where log lines go; by default stdout, as JSON (pretty on a development terminal). */
export interface LogOutput {
  /** Write here instead of stdout (tests capture lines this way); always JSON. */
  destination?: DestinationStream;
  /** Force pretty output on or off; by default on only in development, on a TTY, when `pino-pretty` is installed. */
  pretty?: boolean;
}

/**
 * Structured JSON logs; credentials never reach them (see {@link REDACTED_LOG_PATHS}).
 *
 * @example
 * const logger = createLogger('info');
 * const captured = createLogger('debug', 'test', { destination: { write: (line) => lines.push(line) } });
 */
export function createLogger(level: string, name = 'focus-kraliki', output: LogOutput = {}): Logger {
  const options: LoggerOptions = { name, level, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } };
  if (output.destination) return pino(options, output.destination);
  const prettyTarget = (output.pretty ?? prettyByDefault(level)) ? resolvePinoPretty() : undefined;
  if (prettyTarget) {
    return pino({ ...options, transport: { target: prettyTarget, options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } });
  }
  return pino(options);
}

/**
 * Pretty output is a development convenience: NODE_ENV unset or `development`, a terminal on stdout. Production
 * images have no devDependencies, so `pino-pretty` is looked up, never required.
 */
function prettyByDefault(level: string): boolean {
  const nodeEnv = process.env.NODE_ENV ?? 'development';
  return nodeEnv === 'development' && level !== 'silent' && process.stdout.isTTY === true;
}

function resolvePinoPretty(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    return undefined;
  }
}
