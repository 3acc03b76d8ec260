// The progress bar of a training run (cli-progress), drawn on stderr when it is a terminal: the
// step, the last step's loss and learning rate, the tokens per second of this session, and the ETA
// cli-progress estimates from the steps' pace.

import cliProgress from 'cli-progress';

/** What the bar needs of stderr; the caller decides whether it is a terminal. */
export interface TerminalStream {
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressValues {
  readonly loss: number;
  readonly lr: number;
  readonly tokensPerSecond: number;
}

export class TrainingProgress {
  private readonly bar: cliProgress.SingleBar;

  constructor(terminal: TerminalStream, total: number, start: number) {
    // cli-progress draws only on a stream that says it is a TTY; this one is, by the caller's word.
    const stream = { isTTY: true, columns: terminal.columns, write: (text: string) => terminal.write(text) };
    this.bar = new cliProgress.SingleBar({
      stream: stream as unknown as NodeJS.WritableStream,
      format: 'step {value}/{total} {bar} loss {loss} | lr {lr} | {tokens_per_second} tokens/s | ETA {eta_formatted}',
      barsize: 20,
      hideCursor: true,
      etaBuffer: 20,
    });
    this.bar.start(total, start, { loss: '-', lr: '-', tokens_per_second: '-' });
  }

  update(stepsDone: number, { loss, lr, tokensPerSecond }: ProgressValues): void {
    this.bar.update(stepsDone, { loss: loss.toFixed(4), lr: lr.toExponential(2), tokens_per_second: tokensPerSecond.toFixed(0) });
  }

  stop(): void {
    this.bar.stop();
  }
}
