import {
  createProgressSink,
  type DownloadProgress,
  formatBytes,
  formatDuration,
  formatProgressLine,
  ProgressBar,
  type ProgressStream,
} from '../../hub/progress.js';

class FakeTerminal implements ProgressStream {
  readonly writes: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 100,
  ) {}
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
}

describe('formatting', () => {
  it('formats sizes in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(498_818_054)).toBe('498.8 MB');
    expect(formatBytes(1_420_000_000)).toBe('1.4 GB');
  });

  it('formats durations as m:ss and h:mm:ss', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(125)).toBe('2:05');
    expect(formatDuration(3723)).toBe('1:02:03');
  });

  it('draws percent, bar, sizes, rate and ETA', () => {
    const line = formatProgressLine({
      label: 'model.safetensors',
      downloaded: 250_000,
      total: 1_000_000,
      bytesPerSecond: 50_000,
      width: 100,
    });
    // 25% of a 30-cell bar is 7 full cells; 750 kB left at 50 kB/s is 15 s.
    expect(line).toBe(`model.safetensors  25% |${'█'.repeat(7)}${' '.repeat(23)}| 250.0 kB/1.0 MB 50.0 kB/s ETA 0:15`);
  });

  it('drops the bar on a narrow terminal and shortens long labels from the left', () => {
    const line = formatProgressLine({ label: 'a'.repeat(40), downloaded: 0, total: 10, bytesPerSecond: 0, width: 40 });
    expect(line).toBe(`…${'a'.repeat(29)}   0% 0 B/10 B 0 B/s ETA ?`);
  });

  it('shows bytes and rate when the total is unknown', () => {
    expect(formatProgressLine({ label: 'f', downloaded: 2000, total: undefined, bytesPerSecond: 1000, width: 80 })).toBe(
      'f 2.0 kB 1.0 kB/s',
    );
  });
});

describe('ProgressBar', () => {
  it('redraws at most every 100 ms and ends the line on finish', () => {
    let now = 0;
    const terminal = new FakeTerminal(true);
    const bar = new ProgressBar('f', 1000, 0, terminal, () => now);
    bar.update(100); // first draw
    now = 50;
    bar.update(200); // throttled
    now = 100;
    bar.update(300); // drawn
    expect(terminal.writes).toHaveLength(2);
    expect(terminal.writes[1]).toMatch(/^\rf  30% \|/);
    expect(terminal.writes[1].endsWith('\x1b[K')).toBe(true);
    now = 120;
    bar.finish(1000);
    expect(terminal.writes.slice(2)).toHaveLength(2);
    expect(terminal.writes[2]).toContain('100%');
    expect(terminal.writes[3]).toBe('\n');
  });

  it('computes the rate from this session only, not the resumed bytes', () => {
    let now = 0;
    const terminal = new FakeTerminal(true);
    const bar = new ProgressBar('f', 10_000, 6000, terminal, () => now);
    now = 2000;
    bar.update(8000); // 2000 new bytes in 2 s
    expect(terminal.writes[0]).toContain('1.0 kB/s ETA 0:02');
  });
});

describe('createProgressSink', () => {
  it('draws only on a terminal and not when quiet, but always reports to the listener', () => {
    for (const [isTTY, quiet, drawn] of [
      [true, false, true],
      [false, false, false],
      [true, true, false],
    ] as const) {
      const terminal = new FakeTerminal(isTTY);
      const seen: DownloadProgress[] = [];
      const sink = createProgressSink('f', 10, 0, { quiet, stream: terminal, onProgress: (p) => seen.push(p) });
      sink.update(4);
      sink.finish(10);
      expect(terminal.writes.length > 0).toBe(drawn);
      expect(seen).toEqual([
        { file: 'f', loaded: 4, total: 10 },
        { file: 'f', loaded: 10, total: 10 },
      ]);
    }
  });
});
