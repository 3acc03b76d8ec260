// The library as any page gets it: the browser bundle (dist/browser/roberta.js, beside this
// folder once built), typed by the library's own declarations. The demo uses nothing else.

import type * as Api from '../dist/index.js';

export type { Api };
export const R: typeof Api = await import(new URL('../browser/roberta.js', import.meta.url).href);
