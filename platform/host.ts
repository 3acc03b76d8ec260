// Facts about the host that Node and browsers learn differently, in Node. The browser bundle
// replaces this module with host.browser.ts.

import { availableParallelism } from 'node:os';

/** Logical CPUs available to this process. */
export const cpuCount = (): number => availableParallelism();

/** The process's environment (a browser has none). */
export const environment = (): Readonly<Record<string, string | undefined>> => process.env;
