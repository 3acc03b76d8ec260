// loss_curve.svg: one path through every step's training loss, one through the evaluations (with a
// dot on each), on axes whose ticks and legend name what is drawn.

import { lossCurveSvg } from '../../../train/trainer/lossCurve.js';
import type { LogEntry } from '../../../train/trainer/trainerState.js';

const history: LogEntry[] = [];
for (let step = 0; step < 30; step++) {
  history.push({ step, loss: 10 - step / 5, lr: 1e-3, grad_norm: 1 });
  if ((step + 1) % 10 === 0) history.push({ step, eval_loss: 9 - step / 6, eval_perplexity: Math.exp(9 - step / 6) });
}

/** The points of a path's `d` (d3's line writes M x,y L x,y …). */
function pathPoints(svg: string, name: string): [number, number][] {
  const d = new RegExp(`<path class="${name}" d="([^"]+)"`).exec(svg)?.[1];
  if (d === undefined) throw new Error(`no ${name} path`);
  return [...d.matchAll(/[ML]([-\d.e]+),([-\d.e]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

it('draws the train loss of every step and the eval loss of every evaluation, left to right and higher loss higher up', () => {
  const svg = lossCurveSvg(history, 'tiny: loss');
  const train = pathPoints(svg, 'train');
  const evaluation = pathPoints(svg, 'eval');
  expect([train.length, evaluation.length]).toEqual([30, 3]);
  expect(svg.match(/<circle class="eval"/g)).toHaveLength(3);
  for (const points of [train, evaluation]) {
    for (let i = 1; i < points.length; i++) {
      expect(points[i][0]).toBeGreaterThan(points[i - 1][0]); // steps grow rightwards
      expect(points[i][1]).toBeGreaterThan(points[i - 1][1]); // losses fall, so y (downwards) grows
    }
  }
  // Both curves share the axes: the evaluation after step 9 lies at the x of train step 9.
  expect(evaluation[0][0]).toBeCloseTo(train[9][0], 6);
  expect(svg).toContain('<text x="26" dy="4">train loss</text>');
  expect(svg).toContain('<text x="26" dy="4">eval loss</text>');
  expect(svg).toContain('<title>tiny: loss</title>');
  // Round tick values from d3's ticks(): 0 … 30 on x; on y the losses' range, 4.17 … 10, rounded out to 4 … 10.
  const tickLabels = (anchor: string) => [...svg.matchAll(new RegExp(`text-anchor="${anchor}">([\\d.]+)</text>`, 'g'))].map((m) => Number(m[1]));
  expect(tickLabels('middle')).toEqual([0, 5, 10, 15, 20, 25, 30]);
  expect(tickLabels('end')).toEqual([4, 5, 6, 7, 8, 9, 10]);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
});

it('draws a run without evaluations with the train curve alone', () => {
  const svg = lossCurveSvg(history.filter((e) => e.loss !== undefined));
  expect(pathPoints(svg, 'train')).toHaveLength(30);
  expect(svg).not.toContain('<path class="eval"');
});
