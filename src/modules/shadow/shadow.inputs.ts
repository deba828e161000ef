import { z } from 'zod';

/** The report ranges: the last N days up to now. */
export const REPORT_RANGES = { LAST_7_DAYS: 7, LAST_30_DAYS: 30, LAST_90_DAYS: 90, LAST_365_DAYS: 365 } as const;
export type ReportRange = keyof typeof REPORT_RANGES;

export const reportRange = z.enum(Object.keys(REPORT_RANGES) as [ReportRange, ...ReportRange[]]).default('LAST_30_DAYS');

/** An IANA time zone name (`Europe/Prague`, `UTC`), the zone hours, weekdays and days are counted in. */
export const timeZone = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'must be an IANA time zone name such as Europe/Prague')
  .refine(isKnownTimeZone, 'must be an IANA time zone name such as Europe/Prague')
  .default('UTC');

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
