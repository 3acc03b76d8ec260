// OUT/loss_curve.svg: the training loss of every step and the evaluation loss of every evaluation,
// against the step, on linear axes with ticks and a legend. d3-scale places the points and chooses
// round tick values, d3-shape writes the path data; the markup around them is a few lines of SVG.

import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import type { LogEntry } from './trainerState.js';

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { top: 20, right: 20, bottom: 44, left: 56 };
const COLORS = { train: '#1f77b4', eval: '#d62728' };

type Point = readonly [number, number];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The points of the entries that have `key`: (step, value). */
function series(history: readonly LogEntry[], key: string): Point[] {
  return history.filter((e) => typeof e[key] === 'number' && Number.isFinite(e[key])).map((e) => [e.step, e[key]!] as const);
}

export function lossCurveSvg(history: readonly LogEntry[], title = 'loss'): string {
  const train = series(history, 'loss');
  const evaluation = series(history, 'eval_loss');
  const all = [...train, ...evaluation];
  const steps = all.map(([s]) => s);
  const losses = all.map(([, l]) => l);
  const x = scaleLinear()
    .domain([Math.min(0, ...steps), Math.max(1, ...steps)])
    .range([MARGIN.left, WIDTH - MARGIN.right])
    .nice();
  const y = scaleLinear()
    // The losses' own range (rounded out to ticks), not from 0: a curve near ln(vocab) would be a flat line at the top.
    .domain(losses.length === 0 ? [0, 1] : [Math.min(...losses), Math.max(...losses)])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top])
    .nice();
  const path = line<Point>()
    .x(([s]) => x(s))
    .y(([, l]) => y(l));
  const bottom = HEIGHT - MARGIN.bottom;
  const xTicks = x.ticks(8).map((t) => `<g transform="translate(${x(t)},${bottom})"><line y2="5" stroke="#333"/><text y="18" text-anchor="middle">${t}</text></g>`);
  const yTicks = y.ticks(6).map(
    (t) =>
      `<g transform="translate(${MARGIN.left},${y(t)})"><line x2="-5" stroke="#333"/><line x2="${WIDTH - MARGIN.left - MARGIN.right}" stroke="#eee"/><text x="-8" dy="4" text-anchor="end">${t}</text></g>`,
  );
  const curve = (points: Point[], name: keyof typeof COLORS) =>
    points.length === 0 ? '' : `<path class="${name}" d="${path(points)}" fill="none" stroke="${COLORS[name]}" stroke-width="1.5"/>`;
  // Evaluations are few: a dot on each, so a single one still shows.
  const evalDots = evaluation.map(([s, l]) => `<circle class="eval" cx="${x(s)}" cy="${y(l)}" r="3" fill="${COLORS.eval}"/>`);
  const legend = [
    ['train loss', COLORS.train],
    ['eval loss', COLORS.eval],
  ].map(([label, color], i) => `<g transform="translate(${WIDTH - MARGIN.right - 110},${MARGIN.top + 8 + 18 * i})"><line x2="20" stroke="${color}" stroke-width="2"/><text x="26" dy="4">${label}</text></g>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    ...yTicks,
    ...xTicks,
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 12}" text-anchor="middle">step</text>`,
    `<text transform="translate(14,${(MARGIN.top + bottom) / 2}) rotate(-90)" text-anchor="middle">loss</text>`,
    curve(train, 'train'),
    curve(evaluation, 'eval'),
    ...evalDots,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
