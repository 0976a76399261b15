import type { Clock } from './clock.js';

interface Timer {
  due: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock for tests: time stands still until `advance()` moves it, firing due timers in order.
 * @example const clock = new FakeClock('2025-01-01T00:00:00Z'); await clock.advance(60_000);
 */
export class FakeClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(start: string | number | Date = 0) {
    this.time = new Date(start).getTime();
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer: Timer = { due: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Number of timers waiting (a daemon that polls would show here). */
  get pending(): number {
    return this.timers.length;
  }

  /** When the earliest timer is due, or null. */
  get nextDue(): number | null {
    return this.timers.length === 0 ? null : Math.min(...this.timers.map((t) => t.due));
  }

  /** Moves time forward by `ms`, firing every timer that falls due (in due order), letting promises settle between. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const next = this.timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = Math.max(this.time, next.due);
      next.fn();
    }
    this.time = end;
    await settle();
  }

  /** Jumps to an instant (forward only), firing what falls due. */
  async advanceTo(at: string | number | Date): Promise<void> {
    await this.advance(Math.max(0, new Date(at).getTime() - this.time));
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
