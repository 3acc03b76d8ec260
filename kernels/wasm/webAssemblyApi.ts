// The parts of the WebAssembly JavaScript API this backend uses, typed here: TypeScript declares
// them only in its DOM and web-worker libraries, which this project does not compile with, and
// @types/node 20 has none. Reaching the global through a typed alias keeps these declarations
// local instead of adding a global one that could clash with a library that does declare it.

export interface WasmMemory {
  /** A SharedArrayBuffer when the memory is shared: views of it stay valid when the memory grows. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Grows by `pages` 64 KiB pages; returns the previous size in pages. */
  grow(pages: number): number;
}

/** A compiled module: can be instantiated many times, and posted to workers. */
export interface WasmModule {
  readonly __kind?: 'WebAssembly.Module';
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

interface WebAssemblyNamespace {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  /** Compiles off the calling thread (browsers refuse synchronous compiles of large modules on the main thread). */
  compile(bytes: Uint8Array): Promise<WasmModule>;
  /** Whether this engine would accept the module: how optional features are detected. */
  validate(bytes: Uint8Array): boolean;
  instantiate(module: WasmModule, imports: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Promise<WasmInstance>;
}

export const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WebAssemblyNamespace }).WebAssembly;
