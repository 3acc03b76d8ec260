// The Attention tab: one head's token × token map for the chosen layer and head (or the layer's
// head average), every head of the layer as small multiples, and attention rollout (Abnar &
// Zuidema, 2020): per layer, the head average with the residual added (½A + ½I), multiplied up
// through the layers. Hovering a row of the big map outlines where that token attends.

import { heatmap } from './charts.js';
import { el } from './dom.js';
import type { Inspection } from './inspect.js';

const mean = (maps: number[][][]) => maps[0].map((row, i) => row.map((_, j) => maps.reduce((s, m) => s + m[i][j], 0) / maps.length));

function product(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

/** Rollout after the last layer: R = Â_L · … · Â_1, with Â = ½·mean over heads + ½·I, rows summing to 1. */
export function rollout(attentions: number[][][][]): number[][] {
  const withResidual = attentions.map((layer) => mean(layer).map((row, i) => row.map((v, j) => 0.5 * v + (i === j ? 0.5 : 0))));
  return withResidual.reduce((acc, a) => product(a, acc));
}

export interface AttentionChoice {
  readonly layer: number;
  /** A head's index, or 'mean' for the head average. */
  readonly head: number | 'mean';
}

export function attentionView(inspection: Inspection, choice: AttentionChoice): HTMLElement {
  const labels = inspection.encoding.tokens;
  const heads = inspection.attentions[choice.layer];
  const map = choice.head === 'mean' ? mean(heads) : heads[choice.head];
  const focus = el('p', { class: 'note focus' }, 'Hover a row: the token there, and the three tokens it attends to most.');
  const big = heatmap(map, {
    cell: 22,
    labels,
    title: `layer ${choice.layer}, ${choice.head === 'mean' ? 'mean of heads' : `head ${choice.head}`}`,
    onHover: (row) => {
      for (const rect of big.querySelectorAll('rect')) rect.classList.toggle('dim', row !== null && rect.getAttribute('data-row') !== String(row));
      if (row === null) return void (focus.textContent = '');
      const top = map[row].map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]).slice(0, 3);
      focus.textContent = `${labels[row]} attends to ${top.map(([v, j]) => `${labels[j]} (${v.toFixed(3)})`).join(', ')}`;
    },
  });
  big.id = 'attention-map';
  const grid = el('div', { class: 'grid', id: 'attention-heads' }, ...heads.map((h, k) => heatmap(h, { cell: 6, labels, title: `head ${k}` })));
  const roll = heatmap(rollout(inspection.attentions), { cell: 14, labels, title: `rollout through ${inspection.attentions.length} layers` });
  roll.id = 'attention-rollout';
  return el('div', {}, el('div', { class: 'row' }, big, roll), focus, el('h3', {}, `Every head of layer ${choice.layer}`), grid);
}
