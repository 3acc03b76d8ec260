// The Layers tab: per token, the hidden state's L2 norm after each layer, and its cosine
// similarity with the same token one layer earlier (how much a layer rewrites it); and, for a
// masked-LM model, the logit lens: the LM head's top token from each layer's hidden state.

import { lineChart } from './charts.js';
import { el, fixed } from './dom.js';
import type { Inspection } from './inspect.js';

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

export function layersView(inspection: Inspection): HTMLElement {
  const tokens = inspection.encoding.tokens;
  const { hidden } = inspection;
  const norms = tokens.map((name, t) => ({ name, values: hidden.map((layer) => norm(layer[t])) }));
  const cosines = tokens.map((name, t) => ({ name, values: hidden.slice(1).map((layer, l) => dot(layer[t], hidden[l][t]) / (norm(layer[t]) * norm(hidden[l][t]))) }));
  const view = el(
    'div',
    {},
    el('div', { class: 'row' }, el('figure', { id: 'layer-norms' }, lineChart(norms, 'layer (0 = embeddings)'), el('figcaption', {}, '‖h‖ per token')),
      el('figure', { id: 'layer-cosines' }, lineChart(cosines, 'layer − 1'), el('figcaption', {}, 'cos(h_l, h_l−1) per token'))),
  );
  if (inspection.lens) {
    const header = el('tr', {}, el('th', {}, 'layer'), ...tokens.map((t) => el('th', {}, t)));
    const rows = inspection.lens.map((top, l) => el('tr', { 'data-layer': String(l) }, el('th', {}, String(l)), ...top.map((t) => el('td', { 'data-token': t }, t))));
    view.append(el('h3', {}, 'Logit lens: the LM head on each layer'), el('table', { id: 'logit-lens' }, header, ...rows));
  } else {
    view.append(el('p', { class: 'note' }, 'No logit lens: this model has no LM head (choose a fill-mask model).'));
  }
  view.append(el('p', { class: 'note' }, `Last layer's mean norm: ${fixed(norms.reduce((s, n) => s + n.values.at(-1)!, 0) / norms.length)}`));
  return view;
}
