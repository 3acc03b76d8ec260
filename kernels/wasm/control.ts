// The control block: a few words at the start of the shared memory through which the main thread
// hands a job to the worker threads and learns when they are done. A job is "call kernel export
// #k with these arguments on work items [0, items)": every thread, the main one included, claims
// `chunk` items at a time from a shared counter until none are left, so a thread that the OS
// puts to sleep (on a busy machine) delays the job by one chunk, not by its whole share.
// Arguments sit in float64 slots, so they may be offsets (i32) or numbers (eps).
//
// Both sides use these constants: the main thread imports them, and the worker source (a string,
// see workerSource.ts) has them interpolated, so the layout is written down once.

/** Int32 slots 0–4 (bytes 0–19), for Atomics. */
export const GENERATION = 0; // bumped once per job: what the workers wait on
export const DONE = 1; // workers that finished the current job
export const FAILED = 2; // 0, or the index of a worker whose kernel threw
export const ERROR_LENGTH = 3; // bytes of the failed worker's message
export const NEXT_ITEM = 4; // the first work item no thread has claimed yet

/** Float64 slots, from index 3 (byte 24) on. */
export const KERNEL = 3; // the export's index, or −1 to make the workers exit
export const ITEMS = 4;
export const CHUNK = 5;
export const ARG_COUNT = 6;
export const ARGS = 7;
export const MAX_ARGS = 24;
export const SCRATCH = ARGS + MAX_ARGS; // per thread: the byte offset of its scratch memory
export const MAX_THREADS = 64;

/** Where a failed worker leaves its error message (UTF-8). */
export const ERROR_TEXT_BYTES = 1024;
export const ERROR_TEXT_OFFSET = (SCRATCH + MAX_THREADS) * 8;

/** Bytes the control block takes at the start of memory. */
export const CONTROL_BYTES = ERROR_TEXT_OFFSET + ERROR_TEXT_BYTES;
