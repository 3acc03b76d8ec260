// Boundary checks shared by the ops. Each names the op and the argument, with shapes.

import type { DType } from '../dtype.js';
import { OpError } from '../errors.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';

export function expectTensor(op: string, name: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) throw new OpError(op, `${name} must be a Tensor, got ${describeValue(value)}`);
  value.assertLive(op);
  return value;
}

export function expectDType(op: string, name: string, t: Tensor, ...allowed: DType[]): void {
  if (!allowed.includes(t.dtype)) {
    throw new OpError(op, `${name} must be ${allowed.join(' or ')}, got ${t.dtype} ${formatShape(t.shape)}`);
  }
}

export function expectRank(op: string, name: string, t: Tensor, min: number, max = min): void {
  if (t.rank < min || t.rank > max) {
    const want = min === max ? `rank ${min}` : max === Infinity ? `rank ≥ ${min}` : `rank ${min}…${max}`;
    throw new OpError(op, `${name} must have ${want}, got ${formatShape(t.shape)}`);
  }
}

export function expectFinite(op: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new OpError(op, `${name} must be a finite number, got ${String(value)}`);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
