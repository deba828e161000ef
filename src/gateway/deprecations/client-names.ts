/** The client names counted apart at most; the rest are counted as `other`. */
export const MAX_CLIENT_NAMES = 50;

/** The longest client name kept (longer ones are cut). */
const MAX_CLIENT_NAME_LENGTH = 64;

/**
 * The `client` label of a request: the `apollographql-client-name` header (what Apollo Client and Apollo's tooling
 * send), else the `client` claim of the caller's token, else `unknown`. Sanitized (characters other than letters,
 * digits, `_ . - @ /` become `_`, cut at 64) and bounded: the first {@link MAX_CLIENT_NAMES} names seen by this
 * process are kept, every later one is `other`, so a caller cannot grow the number of series.
 *
 * @example
 * const names = new ClientNames();
 * names.labelOf('planning-web', undefined); // 'planning-web'
 * names.labelOf(undefined, undefined); // 'unknown'
 */
export class ClientNames {
  private readonly admitted = new Set<string>();

  constructor(private readonly limit = MAX_CLIENT_NAMES) {}

  labelOf(header: string | undefined, claim: string | undefined): string {
    const name = sanitizedClientName(header) ?? sanitizedClientName(claim);
    if (name === undefined) return 'unknown';
    if (this.admitted.has(name)) return name;
    if (this.admitted.size >= this.limit) return 'other';
    this.admitted.add(name);
    return name;
  }
}

/** `value` as a label value, or undefined when it is absent or blank. */
export function sanitizedClientName(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return trimmed.slice(0, MAX_CLIENT_NAME_LENGTH).replace(/[^A-Za-z0-9_.\-@/]/g, '_');
}
