/**
 * A one-line progress bar on stderr, drawn only on a TTY and at most ~10 times a second;
 * on a pipe or with --quiet it draws nothing (logs stay clean).
 */
import type { CliIo } from './io.js';

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  private readonly startMs = Date.now();

  constructor(
    private readonly io: CliIo,
    private readonly enabled: boolean,
    private readonly width = 28,
  ) {}

  /** fraction 0..1; label e.g. the file and stage; extra e.g. "3/10 files, 2.1 files/min". */
  update(fraction: number, label: string, extra = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && fraction < 1) return;
    this.lastDraw = now;
    const f = Math.max(0, Math.min(1, fraction));
    const full = Math.round(f * this.width);
    const elapsedSec = (now - this.startMs) / 1000;
    const eta = f > 0.02 ? formatDuration((elapsedSec * (1 - f)) / f) : '--:--';
    const line = `[${'#'.repeat(full)}${'.'.repeat(this.width - full)}] ${(f * 100).toFixed(0).padStart(3)}% ETA ${eta} ${label}${extra ? ' ' + extra : ''}`;
    const cols = process.stderr.columns || 100;
    this.io.stderr(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, line.length))}\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.enabled && this.drawn) this.io.stderr('\r\x1b[K');
    this.drawn = false;
  }
}

export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '--:--';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}
