/**
 * Keeps a label's values to a bounded set, so a client cannot grow the number of time series: the known values,
 * then the first `limit` other values seen; everything after that is reported as `other`.
 *
 * @example
 * const operations = new BoundedLabel({ known: ['GetTasks'], limit: 50 });
 * operations.valueOf('GetTasks'); // 'GetTasks'
 */
export class BoundedLabel {
  private readonly admitted: Set<string>;
  private learned = 0;

  constructor(private readonly options: { known?: Iterable<string>; limit: number; other?: string }) {
    this.admitted = new Set(options.known ?? []);
  }

  valueOf(value: string): string {
    if (this.admitted.has(value)) return value;
    if (this.learned >= this.options.limit) return this.options.other ?? 'other';
    this.learned++;
    this.admitted.add(value);
    return value;
  }
}
