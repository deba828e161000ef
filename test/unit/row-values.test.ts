import { describe, expect, it } from 'vitest';
import { timestampFromRow } from '../../src/platform/db/row-values.js';

describe('timestampFromRow', () => {
  it.each([
    ['2026-11-25 19:14:12.691959+00', '2026-11-25T19:14:12.691Z'],
    ['2026-11-25 19:14:12+00', '2026-11-25T19:14:12.000Z'],
    ['2026-11-25 19:14:12.5+00', '2026-11-25T19:14:12.500Z'],
    ['2026-11-25 19:14:12.07+02', '2026-11-25T17:14:12.070Z'],
    ['2026-11-25 01:14:12.123-05:30', '2026-11-25T06:44:12.123Z'],
    ['1900-01-01 00:00:00+00:09:21', '1899-12-31T23:50:39.000Z'],
    ['2024-02-29 23:59:59.999999+00', '2024-02-29T23:59:59.999Z'],
  ])('when PostgreSQL writes %s, then it is %s', (text, iso) => {
    expect(timestampFromRow(text)?.toISOString()).toBe(iso);
  });

  it('when the text is in another form, then the generic parse reads it', () => {
    expect(timestampFromRow('2026-11-25T19:14:12.691Z')?.toISOString()).toBe('2026-11-25T19:14:12.691Z');
  });

  it('when the value is null, a Date or garbage, then it is null, the same Date or an invalid Date', () => {
    const date = new Date();
    expect(timestampFromRow(null)).toBeNull();
    expect(timestampFromRow(undefined)).toBeNull();
    expect(timestampFromRow(date)).toBe(date);
    expect(Number.isNaN(timestampFromRow('2026-1x-25 19:14:12+00')!.getTime())).toBe(true);
  });

  it('when the fast path and the generic parse both apply, then they agree', () => {
    for (let i = 0; i < 200; i++) {
      const date = new Date(Date.UTC(1990 + (i % 50), i % 12, 1 + (i % 28), i % 24, (i * 7) % 60, (i * 13) % 60, (i * 37) % 1000));
      const text = date.toISOString().replace('T', ' ').replace('Z', '+00');
      expect(timestampFromRow(text)?.getTime()).toBe(date.getTime());
    }
  });
});
