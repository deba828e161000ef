interface Waiting<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Group commit: runs submitted items in groups, one group at a time. Items that arrive while a group runs wait and
 * go together in the next one (at most `maxGroupSize`, oldest first). Nothing waits on a timer: an item submitted
 * while the queue is idle starts a group at once (on the next microtask, so items submitted in the same turn of the
 * event loop share it). Each `submit` resolves with its own item's result when its group has finished.
 *
 * @example
 * const queue = new GroupCommitQueue((events: Event[]) => applyInOneTransaction(events), 50);
 * const outcome = await queue.submit(event);
 */
export class GroupCommitQueue<Item, Result> {
  private readonly waiting: Array<Waiting<Item, Result>> = [];
  private running = false;

  constructor(
    /** Runs one group; returns one result per item, in the items' order. A rejection fails every item of the group. */
    private readonly runGroup: (items: Item[]) => Promise<Result[]>,
    readonly maxGroupSize: number,
  ) {
    if (!Number.isInteger(maxGroupSize) || maxGroupSize < 1) throw new RangeError(`maxGroupSize must be a positive integer, got ${maxGroupSize}`);
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.running) return;
      this.running = true;
      queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxGroupSize);
      try {
        const results = await this.runGroup(group.map((w) => w.item));
        if (results.length !== group.length) throw new Error(`a group of ${group.length} returned ${results.length} results`);
        group.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    this.running = false;
  }
}
