/**
 * The progress line of a campaign on a terminal (stderr): runs done, runs per second, the
 * worst margin so far and its threshold, and the shrink steps once shrinking has begun.
 */
import type { CampaignProgress } from './fuzz-campaign.js';
import type { ThresholdBound } from './threshold-margin.js';

const REDRAW_MS = 100;

/** One line, redrawn in place at most ten times a second. */
export class FuzzProgressLine {
  private readonly startedAt: number;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly bounds: readonly ThresholdBound[],
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** Redraws the line, unless it was drawn less than a tenth of a second ago. */
  update(progress: CampaignProgress): void {
    const at = this.now();
    if (at - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = at;
    this.stream.write(`\r${progressText(progress, this.bounds, (at - this.startedAt) / 1000)}\x1b[K`);
    this.drawn = true;
  }

  /** Removes the line. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
  }
}

/** `412 runs · 183 runs/s · worst margin 0.021 (success: rate>0.95) · search`, with the shrink steps while shrinking. */
export function progressText(progress: CampaignProgress, bounds: readonly ThresholdBound[], seconds: number): string {
  const rate = seconds > 0 ? Math.round(progress.runs / seconds) : 0;
  const worst = progress.worst === null ? 'no margin yet' : `worst margin ${progress.worst.margin.toPrecision(3)} (${bounds[progress.worst.threshold]?.label ?? '?'})`;
  const phase = progress.phase === 'shrink' ? `shrinking: ${progress.shrinkSteps} steps` : progress.phase;
  return `${progress.runs} runs · ${rate} runs/s · ${worst} · ${phase}`;
}
