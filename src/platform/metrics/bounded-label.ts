/** The longest label value a client can choose (a GraphQL operation name, say); longer ones are counted as `too_long`. */
export const MAX_LABEL_LENGTH = 64;

/** What a client-chosen label value may hold: a GraphQL name (letters, digits, `_`, not starting with a digit). */
const LABEL_VALUE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Keeps a label's values to a bounded set of short, plain values, so a client can grow neither the number of time
 * series nor their size: the known values, then the first `limit` other values seen; everything after that is
 * reported as `other`. A value longer than {@link MAX_LABEL_LENGTH} is `too_long` and one with other characters is
 * `invalid`: neither takes one of the `limit` places.
 *
 * @example
 * const operations = new BoundedLabel({ known: ['GetTasks'], limit: 50 });
 * operations.valueOf('GetTasks'); // 'GetTasks'
 * operations.valueOf('A'.repeat(250_000)); // 'too_long'
 */
export class BoundedLabel {
  private readonly admitted: Set<string>;
  private learned = 0;

  constructor(private readonly options: { known?: Iterable<string>; limit: number; other?: string }) {
    this.admitted = new Set(options.known ?? []);
  }

  valueOf(value: string): string {
    if (this.admitted.has(value)) return value;
    if (value.length > MAX_LABEL_LENGTH) return 'too_long';
    if (!LABEL_VALUE.test(value)) return 'invalid';
    if (this.learned >= this.options.limit) return this.options.other ?? 'other';
    this.learned++;
    this.admitted.add(value);
    return value;
  }
}
