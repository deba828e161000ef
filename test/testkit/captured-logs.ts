import { createLogger, type Logger } from '../../src/platform/logging/logger.js';
import { waitUntil } from './event-harness.js';

/** A logger whose lines land in memory, as the JSON text a log shipper would read. */
export interface CapturedLogs {
  logger: Logger;
  /** Every line written so far, raw. */
  text(): string;
  /** Every line written so far, parsed. */
  records(): Array<Record<string, any>>;
  /** Waits until a line satisfies `predicate` and returns it. */
  waitFor(predicate: (record: Record<string, any>) => boolean, what?: string): Promise<Record<string, any>>;
}

/** Captures log output at `level` (the real redaction and serialization run; only the destination is memory). */
export function captureLogs(level = 'info'): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger(level, 'focus-kraliki', { destination: { write: (line: string) => void lines.push(line) } });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, any>);
  return {
    logger,
    text: () => lines.join(''),
    records,
    async waitFor(predicate, what = 'a log line') {
      await waitUntil(() => records().some(predicate), 5000, what);
      return records().find(predicate)!;
    },
  };
}
