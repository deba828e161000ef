/**
 * A `timestamptz` as the ORM's connection returns it in raw rows (text such as `2026-11-25 19:14:12.691959+00`,
 * the ORM parses its own entities) as a Date.
 */
export function timestampFromRow(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return new Date(String(value).replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
}
