/** One file's download state, as reported to an `onProgress` listener. */
export interface DownloadProgress {
  readonly file: string;
  /** Bytes of the file received so far, including any resumed from an earlier attempt. */
  readonly loaded: number;
  /** Final size, when the server announced it. */
  readonly total: number | undefined;
}

export type ProgressListener = (progress: DownloadProgress) => void;

/** What the bar needs of a stream; `process.stderr` has it, tests pass a fake terminal. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

const UNITS = ['kB', 'MB', 'GB', 'TB'];

/** Decimal units, as tqdm's `unit_scale` shows download sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

export interface ProgressLine {
  readonly label: string;
  readonly downloaded: number;
  readonly total: number | undefined;
  readonly bytesPerSecond: number;
  /** Terminal columns available. */
  readonly width: number;
}

const MAX_LABEL = 30;
const MAX_BAR = 30;
const MIN_BAR = 5;

/** `label  42% |████▌     | 1.2 MB/2.9 MB 3.1 MB/s ETA 0:01`; without a total, just bytes and rate. */
export function formatProgressLine(p: ProgressLine): string {
  const label = p.label.length > MAX_LABEL ? `…${p.label.slice(-(MAX_LABEL - 1))}` : p.label;
  const rate = `${formatBytes(p.bytesPerSecond)}/s`;
  if (p.total === undefined || p.total <= 0) return `${label} ${formatBytes(p.downloaded)} ${rate}`;

  const fraction = Math.min(1, p.downloaded / p.total);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const remaining = p.total - p.downloaded;
  const eta = p.bytesPerSecond > 0 ? formatDuration(remaining / p.bytesPerSecond) : '?';
  const counts = `${formatBytes(p.downloaded)}/${formatBytes(p.total)} ${rate} ETA ${eta}`;
  const barWidth = Math.min(MAX_BAR, p.width - (label.length + percent.length + counts.length + 5));
  if (barWidth < MIN_BAR) return `${label} ${percent} ${counts}`;
  const filled = Math.floor(fraction * barWidth);
  return `${label} ${percent} |${'█'.repeat(filled)}${' '.repeat(barWidth - filled)}| ${counts}`;
}

const REDRAW_INTERVAL_MS = 100;

/**
 * A one-line bar redrawn in place with `\r`. Redraws are throttled: a fast download delivers
 * thousands of chunks a second and writing a line for each would cost more than the download.
 * The rate counts only this session's bytes, so a resumed download does not look instantaneous.
 */
export class ProgressBar {
  private readonly startedAt: number;
  private lastDrawAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly initial: number,
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  update(downloaded: number): void {
    const t = this.now();
    if (t - this.lastDrawAt < REDRAW_INTERVAL_MS) return;
    this.draw(downloaded, t);
  }

  /** Draws the final state and ends the line, so what is printed next starts on a fresh one. */
  finish(downloaded: number): void {
    this.draw(downloaded, this.now());
    this.stream.write('\n');
  }

  private draw(downloaded: number, t: number): void {
    this.lastDrawAt = t;
    const seconds = (t - this.startedAt) / 1000;
    const bytesPerSecond = seconds > 0 ? (downloaded - this.initial) / seconds : 0;
    const line = formatProgressLine({
      label: this.label,
      downloaded,
      total: this.total,
      bytesPerSecond,
      width: this.stream.columns ?? 80,
    });
    this.stream.write(`\r${line}\x1b[K`);
  }
}

/** Where a download reports its progress: the terminal bar and/or the caller's listener. */
export interface ProgressSink {
  update(downloaded: number): void;
  finish(downloaded: number): void;
}

export interface ProgressSinkOptions {
  readonly quiet: boolean;
  readonly onProgress?: ProgressListener;
  readonly stream?: ProgressStream;
}

/** The bar is drawn only on a terminal: in a pipe or a log file, `\r` redraws are noise. */
export function progressTerminal(options: ProgressSinkOptions): ProgressStream | undefined {
  const stream = options.stream ?? process.stderr;
  return !options.quiet && stream.isTTY === true ? stream : undefined;
}

export function createProgressSink(
  file: string,
  total: number | undefined,
  initial: number,
  options: ProgressSinkOptions,
): ProgressSink {
  const terminal = progressTerminal(options);
  const bar = terminal === undefined ? undefined : new ProgressBar(file, total, initial, terminal);
  const report = (downloaded: number): void => options.onProgress?.({ file, loaded: downloaded, total });
  return {
    update(downloaded) {
      bar?.update(downloaded);
      report(downloaded);
    },
    finish(downloaded) {
      bar?.finish(downloaded);
      report(downloaded);
    },
  };
}
