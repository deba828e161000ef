/** What an `If-Match` header asks for. */
export type IfMatch = { kind: 'none' } | { kind: 'any' } | { kind: 'version'; version: number } | { kind: 'invalid' };

const VERSION_TAG = /^(?:(?:W\/)?"([1-9]\d{0,9})"|([1-9]\d{0,9}))$/;

/**
 * Reads `If-Match`: a version as this API issues it in `ETag` (`"3"`), or the legacy forms `3` and `W/"3"`; `*`
 * matches any existing object. Anything else (several tags, opaque tags, garbage) is `invalid`: the shim answers 400
 * rather than guessing.
 */
export function parseIfMatch(header: string | string[] | undefined): IfMatch {
  if (header === undefined) return { kind: 'none' };
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*') return { kind: 'any' };
  const match = VERSION_TAG.exec(value);
  const version = match ? Number(match[1] ?? match[2]) : NaN;
  if (!match || !Number.isSafeInteger(version) || version > 2_147_483_647) return { kind: 'invalid' };
  return { kind: 'version', version };
}
