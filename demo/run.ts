// The Run tab's work: load a pipeline for (model, task, backend) once, run the task on a text, and
// say the answer as bars. Loading reports each file's progress as it downloads (or comes from
// Cache Storage).

import { bars, type Bar } from './charts.js';
import { el, fixed } from './dom.js';
import { R, type Api } from './roberta.js';

export const TASKS = ['text-classification', 'fill-mask', 'feature-extraction'] as const;
export type DemoTask = (typeof TASKS)[number];
type PipelineOf<T extends DemoTask> = Awaited<ReturnType<typeof Api.pipeline<T>>>;

export type Loaded =
  | { readonly task: 'text-classification'; readonly pipe: PipelineOf<'text-classification'> }
  | { readonly task: 'fill-mask'; readonly pipe: PipelineOf<'fill-mask'> }
  | { readonly task: 'feature-extraction'; readonly pipe: PipelineOf<'feature-extraction'> };

export interface LoadRequest {
  readonly source: string;
  readonly task: DemoTask;
  readonly backend: Api.BackendPreference;
  /** Where Hub ids resolve (default: the library's, huggingface.co). */
  readonly hubEndpoint?: string;
}

const size = (bytes: number) => (bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

/** One row per file with a progress bar, updated in place. */
export function progressView(list: HTMLElement): (event: { file: string; loaded: number; total?: number }) => void {
  const rows = new Map<string, HTMLProgressElement>();
  return ({ file, loaded, total }) => {
    let bar = rows.get(file);
    if (!bar) {
      bar = el('progress', { max: '1', value: '0' });
      rows.set(file, bar);
      list.append(el('li', { 'data-file': file }, el('code', {}, file), ' ', bar, el('span', { class: 'bytes' })));
    }
    bar.value = total ? loaded / total : 0;
    bar.nextElementSibling!.textContent = ` ${size(loaded)}${total ? ` of ${size(total)}` : ''}`;
  };
}

export async function loadPipeline(request: LoadRequest, onProgress: ReturnType<typeof progressView>): Promise<Loaded> {
  const options = { backend: request.backend, onProgress, ...(request.hubEndpoint ? { hubEndpoint: request.hubEndpoint } : {}) };
  switch (request.task) {
    case 'text-classification':
      return { task: request.task, pipe: await R.pipeline(request.task, request.source, options) };
    case 'fill-mask':
      return { task: request.task, pipe: await R.pipeline(request.task, request.source, options) };
    case 'feature-extraction':
      return { task: request.task, pipe: await R.pipeline(request.task, request.source, options) };
  }
}

export interface Answer {
  readonly bars: Bar[];
  /** Milliseconds for the pipeline call: tokenizing, the forward, reading the result back. */
  readonly ms: number;
}

export async function answer(loaded: Loaded, text: string): Promise<Answer> {
  const start = performance.now();
  let items: Bar[];
  if (loaded.task === 'text-classification') {
    items = (await loaded.pipe.run(text, { topK: null })).map(({ label, score }) => ({ label, value: score }));
  } else if (loaded.task === 'fill-mask') {
    // The first mask's candidates (a text may hold several).
    items = (await loaded.pipe.run(text))[0][0].map(({ token_str, score }) => ({ label: token_str, value: score }));
  } else {
    // feature-extraction: the first dimensions of the mean-pooled, normalised sentence vector.
    const vector = (await loaded.pipe.run(text, { pooling: 'mean', normalize: true }))[0] as number[];
    items = vector.slice(0, 16).map((v, i) => ({ label: `dim ${i}`, value: Math.abs(v), text: fixed(v) }));
  }
  return { bars: items, ms: performance.now() - start };
}

export function answerView(result: Answer, selection: string): HTMLElement {
  return el('div', {}, bars(result.bars, 1), el('p', { class: 'timing', 'data-ms': String(result.ms) }, `${fixed(result.ms, 1)} ms for the call — ${selection}`));
}
