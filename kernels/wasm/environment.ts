// Where the backend runs: Node (worker_threads, blocking waits, V8 flags) or a browser.

export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}
