// The playground page: wires the form and the tabs to the views. One model is loaded at a time;
// a run fills every tab from the same forward. Errors (an unknown model, a server without CORS, a
// bad URL) are written on the page. `?hub=URL` points Hub ids at another endpoint (a mirror).

import { attentionView } from './attention.js';
import { byId, el } from './dom.js';
import { inspect, type Inspection } from './inspect.js';
import { benchView, runBenchmark, sourceView, type BenchSize } from './kernels.js';
import { layersView } from './layers.js';
import { R, type Api } from './roberta.js';
import { answer, answerView, loadPipeline, progressView, TASKS, type DemoTask, type Loaded, type LoadRequest } from './run.js';
import { tokensView } from './tokens.js';

const form = byId<HTMLFormElement>('run-form');
const field = <T extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(name: string) => form.elements.namedItem(name) as T;
const status = byId('status');
const errorBox = byId('error');

let loaded: { key: string; value: Loaded; selection: string } | undefined;
let inspection: Inspection | undefined;

function say(line: string): void {
  status.textContent = line;
}

function showError(error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  errorBox.textContent = `${e.name}: ${e.message}`;
  errorBox.hidden = false;
  say('Failed.');
}

function showTab(name: string): void {
  for (const tab of document.querySelectorAll<HTMLElement>('[data-tab]')) tab.classList.toggle('active', tab.dataset.tab === name);
  for (const panel of document.querySelectorAll<HTMLElement>('.panel')) panel.hidden = panel.id !== `tab-${name}`;
}

async function ensureLoaded(request: LoadRequest): Promise<Loaded> {
  const key = JSON.stringify(request);
  if (loaded?.key === key) return loaded.value;
  loaded?.value.pipe.dispose();
  loaded = undefined;
  const list = byId('progress');
  list.replaceChildren();
  say(`Loading ${request.source} (downloads are kept in Cache Storage for next time)…`);
  const value = await loadPipeline(request, progressView(list));
  // The pipeline's model is fromPretrained's, which says how its backend was chosen.
  const { selection } = value.pipe.model as { selection?: Api.SelectionReport };
  loaded = { key, value, selection: selection ? selection.lines.join('; ') : value.pipe.model.backend.description };
  return value;
}

function renderAttention(): void {
  if (!inspection) return;
  const layer = Number(field<HTMLSelectElement>('layer').value);
  const head = field<HTMLSelectElement>('head').value;
  byId('attention-view').replaceChildren(attentionView(inspection, { layer, head: head === 'mean' ? 'mean' : Number(head) }));
}

function fillSelect(select: HTMLSelectElement, options: string[], labels: string[] = options): void {
  select.replaceChildren(...options.map((value, i) => el('option', { value }, labels[i])));
}

async function run(): Promise<void> {
  errorBox.hidden = true;
  const hub = new URLSearchParams(location.search).get('hub') ?? undefined;
  const request: LoadRequest = {
    source: field<HTMLInputElement>('model').value.trim(),
    task: field<HTMLSelectElement>('task').value as DemoTask,
    backend: field<HTMLSelectElement>('backend').value as Api.BackendPreference,
    hubEndpoint: hub,
  };
  const text = field<HTMLTextAreaElement>('text').value;
  const current = await ensureLoaded(request);
  say('Running…');
  const result = await answer(current, text);
  byId('answer').replaceChildren(answerView(result, loaded!.selection));
  inspection = await inspect(current.pipe.tokenizer, current.pipe.model, text);
  byId('tokens-view').replaceChildren(tokensView(text, inspection));
  const layers = inspection.attentions.length;
  fillSelect(field('layer'), Array.from({ length: layers }, (_, l) => String(l)));
  const heads = inspection.attentions[0].length;
  fillSelect(field('head'), ['mean', ...Array.from({ length: heads }, (_, h) => String(h))], ['mean of heads', ...Array.from({ length: heads }, (_, h) => `head ${h}`)]);
  renderAttention();
  byId('layers-view').replaceChildren(layersView(inspection));
  say(`Done: ${inspection.encoding.ids.length} tokens, ${layers} layers × ${heads} heads.`);
  document.body.dataset.ready = 'run';
}

async function bench(): Promise<void> {
  errorBox.hidden = true;
  const size = field<HTMLSelectElement>('bench-size').value as BenchSize;
  const result = await runBenchmark(size, say);
  byId('bench-view').replaceChildren(benchView(result));
  field<HTMLTextAreaElement>('bench-json').value = JSON.stringify(result, null, 1);
  say(`Benchmark done: ${result.measurements.length} measurements on ${Object.keys(result.backends).join(', ')}.`);
  document.body.dataset.ready = 'bench';
}

const guarded = (action: () => Promise<void>) => () => {
  delete document.body.dataset.ready;
  action().catch((error) => {
    showError(error);
    document.body.dataset.ready = 'error';
  });
};

fillSelect(field('task'), [...TASKS]);
fillSelect(field('backend'), ['auto', ...R.registeredBackends()]);
fillSelect(field('wgsl-kernel'), [...R.WGSL_KERNELS]);
const showSource = () => (byId('wgsl-source').textContent = sourceView(field<HTMLSelectElement>('wgsl-kernel').value as Api.WgslKernel));
showSource();
field('wgsl-kernel').addEventListener('change', showSource);
field('layer').addEventListener('change', renderAttention);
field('head').addEventListener('change', renderAttention);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  guarded(run)();
});
byId('bench-run').addEventListener('click', guarded(bench));
byId('bench-copy').addEventListener('click', () => void navigator.clipboard?.writeText(field<HTMLTextAreaElement>('bench-json').value).then(() => say('Copied.'), () => say('Copy blocked: select the JSON below instead.')));
for (const tab of document.querySelectorAll<HTMLElement>('[data-tab]')) tab.addEventListener('click', () => showTab(tab.dataset.tab!));
showTab('run');
say(crossOriginIsolated ? 'Ready (cross-origin isolated: wasm runs on worker threads).' : 'Ready (not cross-origin isolated: wasm runs on one thread; see the README).');
document.body.dataset.ready = 'page';
