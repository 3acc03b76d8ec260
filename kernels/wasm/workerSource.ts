// The code every worker thread runs, as source text: a worker cannot load a .ts module at run
// time (and under jest not even the compiled .js), so it is started from a string — with
// `new Worker(code, { eval: true })` in Node and from a Blob URL in browsers. It instantiates the
// kernel module over the shared memory, says "ready", then loops forever: wait for the job
// generation to change, claim chunks of the job's work items until none are left (control.ts),
// count itself done.
//
// A worker spins for a while before it sleeps in Atomics.wait: waking a sleeping thread costs
// tens of microseconds, and the next kernel usually follows within a few.

import { ARG_COUNT, ARGS, CHUNK, DONE, ERROR_LENGTH, ERROR_TEXT_BYTES, ERROR_TEXT_OFFSET, FAILED, GENERATION, ITEMS, KERNEL, NEXT_ITEM, SCRATCH } from './control.js';

const START = `'use strict';
function start(data, post) {
  const { module, memory, thread, spin } = data;
  const kernels = Object.values(new WebAssembly.Instance(module, { env: { memory } }).exports);
  const flags = new Int32Array(memory.buffer, 0, ${NEXT_ITEM + 1});
  const slots = new Float64Array(memory.buffer, 0, ${SCRATCH} + thread + 1);
  post('ready');
  let seen = 0;
  for (;;) {
    for (let spins = spin; Atomics.load(flags, ${GENERATION}) === seen; ) {
      if (spins > 0) spins--;
      else Atomics.wait(flags, ${GENERATION}, seen);
    }
    seen = Atomics.load(flags, ${GENERATION});
    const kernel = slots[${KERNEL}];
    if (kernel < 0) return;
    const args = [];
    for (let i = 0; i < slots[${ARG_COUNT}]; i++) args.push(slots[${ARGS} + i]);
    const items = slots[${ITEMS}];
    const chunk = slots[${CHUNK}];
    const scratch = slots[${SCRATCH} + thread];
    try {
      for (let begin = Atomics.add(flags, ${NEXT_ITEM}, chunk); begin < items; begin = Atomics.add(flags, ${NEXT_ITEM}, chunk)) {
        kernels[kernel](...args, begin, Math.min(begin + chunk, items), scratch);
      }
    } catch (error) {
      const text = new TextEncoder().encode(String((error && error.stack) || error)).slice(0, ${ERROR_TEXT_BYTES});
      new Uint8Array(memory.buffer, ${ERROR_TEXT_OFFSET}, ${ERROR_TEXT_BYTES}).set(text);
      flags[${ERROR_LENGTH}] = text.length;
      Atomics.store(flags, ${FAILED}, thread);
    }
    Atomics.add(flags, ${DONE}, 1);
    Atomics.notify(flags, ${DONE});
  }
}
`;

/** For `new Worker(source, { eval: true, workerData })` in Node. */
export const NODE_WORKER_SOURCE = `${START}
const { workerData, parentPort } = require('node:worker_threads');
start(workerData, (message) => parentPort.postMessage(message));
`;

/** For a Blob URL worker in a browser; the start data arrives as the first message. */
export const BROWSER_WORKER_SOURCE = `${START}
self.onmessage = (event) => start(event.data, (message) => self.postMessage(message));
`;
