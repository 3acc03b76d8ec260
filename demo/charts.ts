// Plain SVG charts: horizontal bars, a heatmap, a line chart. Every mark carries its number in a
// data- attribute (and a tooltip), so what is drawn can be read back exactly (test/demo/).

import { el, fixed } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, title?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (title !== undefined) node.appendChild(document.createElementNS(SVG, 'title')).textContent = title;
  return node;
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** What is written beside the bar (default: the value). */
  readonly text?: string;
}

/** One row per bar, widths relative to the largest value (or to `max`). */
export function bars(items: readonly Bar[], max = Math.max(...items.map((b) => b.value), 1e-12)): HTMLElement {
  return el(
    'div',
    { class: 'bars' },
    ...items.map((bar) =>
      el(
        'div',
        { class: 'bar', 'data-label': bar.label, 'data-value': String(bar.value) },
        el('span', { class: 'bar-label' }, bar.label),
        el('span', { class: 'bar-track' }, el('span', { class: 'bar-fill', style: `width:${Math.max(0, (100 * bar.value) / max).toFixed(1)}%` })),
        el('span', { class: 'bar-text' }, bar.text ?? fixed(bar.value)),
      ),
    ),
  );
}

/** White (0) to dark blue (`max`): small maps of small models rarely reach 1. */
const shade = (v: number, max: number) => `hsl(220, 80%, ${(100 - 65 * Math.min(1, Math.max(0, v / max))).toFixed(1)}%)`;

export interface HeatmapOptions {
  readonly cell: number;
  /** Token names along both axes; labels are drawn when there is room. */
  readonly labels: readonly string[];
  readonly title?: string;
  /** Called with a row (query token) on hover, or null when the pointer leaves. */
  readonly onHover?: (row: number | null) => void;
}

/** A square matrix as cells, shaded relative to its largest value (row = the attending token, column = the token attended to). */
export function heatmap(values: readonly (readonly number[])[], options: HeatmapOptions): SVGSVGElement {
  const n = values.length;
  const max = Math.max(...values.flat(), 1e-12);
  const pad = options.cell >= 14 ? 70 : 0;
  const side = pad + n * options.cell;
  const root = svg('svg', { class: 'heatmap', width: side, height: side + (options.title ? 14 : 0), viewBox: `0 ${options.title ? -14 : 0} ${side} ${side + (options.title ? 14 : 0)}` });
  if (options.title) root.appendChild(svg('text', { x: 0, y: -3, class: 'heatmap-title' })).textContent = options.title;
  values.forEach((row, i) => {
    if (pad) {
      root.appendChild(svg('text', { x: pad - 4, y: pad + (i + 0.7) * options.cell, 'text-anchor': 'end', class: 'axis' })).textContent = options.labels[i];
      root.appendChild(svg('text', { x: 0, y: 0, transform: `translate(${pad + (i + 0.7) * options.cell},${pad - 4}) rotate(-60)`, class: 'axis' })).textContent = options.labels[i];
    }
    row.forEach((v, j) => {
      const rect = svg('rect', { x: pad + j * options.cell, y: pad + i * options.cell, width: options.cell, height: options.cell, fill: shade(v, max), 'data-row': i, 'data-col': j, 'data-value': v }, `${options.labels[i]} → ${options.labels[j]}: ${fixed(v, 4)}`);
      root.appendChild(rect);
    });
  });
  if (options.onHover) {
    const hover = options.onHover;
    root.addEventListener('mouseover', (event) => {
      const row = (event.target as Element).getAttribute('data-row');
      hover(row === null ? null : Number(row));
    });
    root.addEventListener('mouseleave', () => hover(null));
  }
  return root;
}

/** Lines over x = 0..n−1, one per series, with a legend on the right. */
export function lineChart(series: readonly { name: string; values: readonly number[] }[], xLabel: string, width = 480, height = 180): SVGSVGElement {
  const plotWidth = width - 70;
  const all = series.flatMap((s) => s.values);
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i: number) => 40 + (i * (plotWidth - 60)) / Math.max(1, n - 1);
  const y = (v: number) => height - 25 - ((v - lo) / (hi - lo || 1)) * (height - 45);
  const root = svg('svg', { class: 'line-chart', width, height });
  root.appendChild(svg('text', { x: 2, y: 12, class: 'axis' })).textContent = fixed(hi, 2);
  root.appendChild(svg('text', { x: 2, y: height - 25, class: 'axis' })).textContent = fixed(lo, 2);
  root.appendChild(svg('text', { x: plotWidth / 2, y: height - 4, class: 'axis', 'text-anchor': 'middle' })).textContent = xLabel;
  series.forEach((s, k) => {
    const color = `hsl(${(k * 137) % 360}, 60%, 45%)`;
    root.appendChild(svg('text', { x: plotWidth + 6, y: 12 + 13 * k, class: 'legend', fill: color })).textContent = s.name;
    root.appendChild(svg('polyline', { points: s.values.map((v, i) => `${x(i)},${y(v)}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 1.5 }, s.name));
    s.values.forEach((v, i) => root.appendChild(svg('circle', { cx: x(i), cy: y(v), r: 2.5, fill: color, 'data-series': s.name, 'data-x': i, 'data-value': v }, `${s.name}, ${xLabel} ${i}: ${fixed(v, 4)}`)));
  });
  return root;
}
