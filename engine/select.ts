// Which backend runs the ops. Backends register a factory; `selectBackend` creates the one asked
// for, or with `auto` the best that works here, and reports what was picked and why.

import type { Backend, BackendName } from './backend.js';

export interface BackendFactory {
  readonly name: BackendName;
  /** Higher is tried first by `auto`. */
  readonly priority: number;
  /** Creates the backend, or throws an Error saying why it is unavailable here. */
  create(): Backend | Promise<Backend>;
}

export interface DegradedBackend {
  /** Set when the backend works but badly here (e.g. WebGPU on a software adapter): `auto` skips it. */
  readonly degraded?: string;
}

export type BackendPreference = BackendName | 'auto';

export interface SelectionReport {
  readonly requested: BackendPreference;
  readonly chosen: BackendName;
  /** One line per backend considered, in order: what happened and why. */
  readonly lines: readonly string[];
}

const factories = new Map<BackendName, BackendFactory>();
const instances = new Map<BackendName, Backend>();
let current: Backend | undefined;

export function registerBackend(factory: BackendFactory): void {
  if (factories.has(factory.name)) throw new Error(`registerBackend: ${factory.name} is already registered`);
  factories.set(factory.name, factory);
}

export function registeredBackends(): BackendName[] {
  return [...factories.values()].sort((a, b) => b.priority - a.priority).map((f) => f.name);
}

/** The backend of that name, created once and then reused. */
export async function getBackendByName(name: BackendName): Promise<Backend> {
  const existing = instances.get(name);
  if (existing) return existing;
  const factory = factories.get(name);
  if (!factory) {
    throw new Error(`backend "${name}" is not available in this build (registered: ${registeredBackends().join(', ') || 'none'})`);
  }
  const backend = await factory.create();
  instances.set(name, backend);
  return backend;
}

export async function selectBackend(preference: BackendPreference): Promise<{ backend: Backend; report: SelectionReport }> {
  if (preference !== 'auto') {
    const backend = await getBackendByName(preference);
    return { backend, report: { requested: preference, chosen: backend.name, lines: [`${backend.name}: requested (${backend.description})`] } };
  }
  const lines: string[] = [];
  for (const name of registeredBackends()) {
    let backend: Backend & DegradedBackend;
    try {
      backend = await getBackendByName(name);
    } catch (error) {
      lines.push(`${name}: unavailable: ${(error as Error).message}`);
      continue;
    }
    if (backend.degraded) {
      lines.push(`${name}: skipped: ${backend.degraded}`);
      continue;
    }
    lines.push(`${name}: chosen (${backend.description})`);
    return { backend, report: { requested: 'auto', chosen: name, lines } };
  }
  throw new Error(`no backend is available:\n${lines.join('\n')}`);
}

/** Makes `backend` the one new tensors are created on. */
export function setBackend(backend: Backend): void {
  current = backend;
}

/**
 * The backend new tensors are created on: the one set last, else the CPU reference (which is
 * always registered and created synchronously).
 */
export function getBackend(): Backend {
  if (current) return current;
  const cpu = factories.get('cpu');
  if (!cpu) throw new Error('no backend set and the cpu backend is not registered (import "roberta-ts")');
  // Reuse the instance `getBackendByName('cpu')` may have made: tensors on two CPU instances
  // could not be mixed in one op.
  const backend = instances.get('cpu') ?? cpu.create();
  if (backend instanceof Promise) throw new Error('the cpu backend must be created synchronously');
  instances.set('cpu', backend);
  current = backend;
  return backend;
}

/** Releases every backend that was created (devices, worker threads), so the process can exit. */
export async function disposeBackends(): Promise<void> {
  for (const backend of instances.values()) await backend.dispose();
  instances.clear();
  current = undefined;
}
