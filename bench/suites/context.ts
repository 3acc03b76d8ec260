// What every suite is given by bench/main.ts.

import type { MachineInfo } from '../machine.js';

export interface SuiteContext {
  /** Few runs and small shapes: a smoke test that the suite works, not a measurement. */
  readonly quick: boolean;
  /** The roberta-base-sized model directory, created on first use when no --model was given. */
  readonly modelDir: () => Promise<string>;
  /** Seconds of timed calls allowed per engine (backend or peer) in the e2e and peers suites. */
  readonly budgetS: number;
  readonly machine: MachineInfo;
  /** Progress lines (stderr). */
  readonly log: (line: string) => void;
}
