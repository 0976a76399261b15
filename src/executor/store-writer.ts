import type { Store, StoreOp } from '../store/types.js';

const FLUSH_MS = 50;

/** Buffers store writes and applies them in one transaction per burst (and on `flush()`). */
export class StoreWriter {
  private ops: StoreOp[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Called when a timed flush fails (a timer has no caller to throw to). */
  onError: (error: unknown) => void = () => {};

  constructor(private readonly store: Store) {}

  push(op: StoreOp): void {
    this.ops.push(op);
    this.timer ??= setTimeout(() => {
      try {
        this.flush();
      } catch (e) {
        this.onError(e);
      }
    }, FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.ops.length === 0) return;
    const ops = this.ops;
    this.ops = [];
    this.store.apply(ops);
  }
}
