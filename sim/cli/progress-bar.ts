import type { Progress } from '../virtual-clock.js';
import { formatDuration } from '../../scenarios/units.js';

/** How often the simulator reports, in events. */
const EVERY_EVENTS = 1 << 16;
/** A run shorter than this in wall time shows no bar. */
const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 100;
const WIDTH = 28;

/**
 * A one-line progress bar on a terminal (stderr): simulated time against the planned end,
 * and events per second. Appears only once a run has taken a second of wall time.
 */
export class ProgressBar implements Progress {
  readonly everyEvents = EVERY_EVENTS;
  private readonly startedAt = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly plannedEndMs: number,
  ) {}

  report(nowMs: number, fired: number): void {
    const wall = Date.now() - this.startedAt;
    if (wall < SHOW_AFTER_MS || wall - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = wall;
    const share = this.plannedEndMs > 0 ? Math.min(1, nowMs / this.plannedEndMs) : 1;
    const filled = Math.round(share * WIDTH);
    const rate = (fired / (wall / 1000) / 1e6).toFixed(1);
    const line = `[${'='.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${Math.floor(share * 100)}%  ${formatDuration(nowMs)} of ${formatDuration(this.plannedEndMs)} simulated  ${rate}M events/s`;
    this.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  /** Removes the bar. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
  }
}
