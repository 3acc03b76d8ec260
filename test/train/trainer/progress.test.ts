// The training progress bar, drawn on a fake terminal: step out of total, the last loss and
// learning rate, tokens per second and cli-progress's ETA.

import { TrainingProgress } from '../../../train/trainer/progress.js';

it('shows the step, loss, learning rate, tokens/s and the ETA', () => {
  let screen = '';
  const progress = new TrainingProgress({ columns: 200, write: (text) => (screen += text) }, 100, 40);
  progress.update(41, { loss: 6.54321, lr: 2.5e-4, tokensPerSecond: 1234.4 });
  progress.update(42, { loss: 6.5, lr: 2.4e-4, tokensPerSecond: 1250.6 });
  progress.stop();
  // 42 of 100 steps fill 8 of the bar's 20 cells. The last frame drawn (cli-progress redraws the line in place; stop() draws the final state).
  const frames = screen.split(/\r|\x1B\[[0-9;?]*[A-Za-z]|\x1B[78]/).filter((f) => f.startsWith('step '));
  expect(frames.at(-1)).toMatch(/^step 42\/100 ={8}-{12} loss 6\.5000 \| lr 2\.40e-4 \| 1251 tokens\/s \| ETA (\d+s|\d+m\d+s|\d+h\d+m|NULL|∞)$/);
});
