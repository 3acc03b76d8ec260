// What a benchmark ran on, printed with every table and stored with every result: numbers from
// different machines, Node versions or load levels are not comparable, and the reader must be
// able to see which is which.

import { availableParallelism, cpus, loadavg, platform, release, arch, totalmem } from 'node:os';
import type { Backend } from '../engine/backend.js';
import type { DegradedBackend } from '../engine/select.js';
import { getBackendByName, registeredBackends } from '../engine/select.js';

export interface MachineInfo {
  readonly cpu: string;
  /** Logical CPUs this process may use. */
  readonly cores: number;
  readonly node: string;
  readonly v8: string;
  readonly os: string;
  readonly total_memory_gb: number;
  /** The 1-minute load average when the benchmark started: above the core count, timings include waiting. */
  readonly load_avg_1m: number;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    node: process.version,
    v8: process.versions.v8,
    os: `${platform()} ${release()} ${arch()}`,
    total_memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    load_avg_1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function describeMachine(machine: MachineInfo): string {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.total_memory_gb} GiB; Node ${machine.node} (V8 ${machine.v8}); ${machine.os}; load average ${machine.load_avg_1m}`;
}

/** The GPU adapter the webgpu backend would use, as its description says, or why there is none. */
export async function describeAdapter(): Promise<string> {
  if (!registeredBackends().includes('webgpu')) return 'none (the webgpu backend is not in this build)';
  try {
    const backend: Backend & DegradedBackend = await getBackendByName('webgpu');
    return `${backend.description}${backend.degraded ? ' — software, not a GPU' : ''}`;
  } catch (error) {
    return `none (${(error as Error).message.split('\n')[0]})`;
  }
}
