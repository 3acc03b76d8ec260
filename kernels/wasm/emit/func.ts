// Building one function body: named parameters and locals, statements (assignments, stores,
// calls), and structured control flow written as nested callbacks, so the TypeScript reads like
// the loops it emits. Branch targets are `Label` objects; the builder turns them into the relative
// depths the binary format wants.

import { codeOf, Local, memarg, VALTYPE_CODE, type Operand, type ValType } from './expr.js';
import { unsignedLeb128 } from './leb128.js';
import { Op, SIMD_PREFIX, SimdOp } from './opcodes.js';

/** A block or loop that `br` can target: the end of a block, the start of a loop. */
export class Label {
  constructor(readonly depth: number) {}
}

export type Params = Record<string, ValType>;

/** The empty block type: blocks and loops here neither take nor leave values. */
const VOID_BLOCK = 0x40;

export class FunctionBuilder<P extends Params = Params> {
  readonly params: { readonly [K in keyof P]: Local<P[K]> };
  readonly paramTypes: readonly ValType[];
  private readonly all: Local<ValType>[] = [];
  private readonly code: number[] = [];
  private depth = 0;

  constructor(
    /** The function's index in the module (calls refer to it). */
    readonly index: number,
    readonly name: string,
    params: P,
  ) {
    const locals: Record<string, Local<ValType>> = {};
    for (const [paramName, type] of Object.entries(params)) locals[paramName] = this.declare(type, paramName);
    this.params = locals as { readonly [K in keyof P]: Local<P[K]> };
    this.paramTypes = Object.values(params);
  }

  /** A new local variable (zero-initialised, as WebAssembly guarantees). */
  local<T extends ValType>(type: T, name: string): Local<T> {
    return this.declare(type, name);
  }

  /** `count` locals named name0, name1, … */
  locals<T extends ValType>(type: T, name: string, count: number): Local<T>[] {
    return Array.from({ length: count }, (_, i) => this.declare(type, `${name}${i}`));
  }

  set<T extends ValType>(local: Local<T>, value: Operand<T>): void {
    this.code.push(...codeOf(local.type, value), Op.local_set, ...unsignedLeb128(local.index));
  }

  storeV128(address: Operand<'i32'>, value: Operand<'v128'>, offset = 0): void {
    this.code.push(...codeOf('i32', address), ...codeOf('v128', value), SIMD_PREFIX, ...unsignedLeb128(SimdOp.v128_store), ...memarg('v128', offset));
  }

  storeF32(address: Operand<'i32'>, value: Operand<'f32'>, offset = 0): void {
    this.code.push(...codeOf('i32', address), ...codeOf('f32', value), Op.f32_store, ...memarg('f32', offset));
  }

  /** Stores the low 16 bits of an i32. */
  storeI16(address: Operand<'i32'>, value: Operand<'i32'>, offset = 0): void {
    this.code.push(...codeOf('i32', address), ...codeOf('i32', value), Op.i32_store16, ...[1, ...unsignedLeb128(offset)]);
  }

  /** Calls a function that returns nothing. */
  call(callee: FunctionBuilder, ...args: Operand<ValType>[]): void {
    if (args.length !== callee.paramTypes.length) throw new Error(`${this.name}: ${callee.name} takes ${callee.paramTypes.length} arguments, got ${args.length}`);
    args.forEach((arg, i) => this.code.push(...codeOf(callee.paramTypes[i], arg)));
    this.code.push(Op.call, ...unsignedLeb128(callee.index));
  }

  /** `br exit` jumps past the end of the block. */
  block(body: (exit: Label) => void): void {
    this.structured(Op.block, body);
  }

  /** `br next` jumps back to the start; falling off the end leaves the loop. */
  loop(body: (next: Label) => void): void {
    this.structured(Op.loop, body);
  }

  if(condition: Operand<'i32'>, then: () => void, otherwise?: () => void): void {
    this.code.push(...codeOf('i32', condition), Op.if, VOID_BLOCK);
    this.depth++;
    then();
    if (otherwise) {
      this.code.push(Op.else);
      otherwise();
    }
    this.depth--;
    this.code.push(Op.end);
  }

  br(label: Label): void {
    this.code.push(Op.br, ...unsignedLeb128(this.relativeDepth(label)));
  }

  brIf(label: Label, condition: Operand<'i32'>): void {
    this.code.push(...codeOf('i32', condition), Op.br_if, ...unsignedLeb128(this.relativeDepth(label)));
  }

  /** for (i = from; i < to; i += step) body() — `to` is evaluated before every iteration. */
  forRange(i: Local<'i32'>, from: Operand<'i32'>, to: Operand<'i32'>, step: Operand<'i32'>, body: () => void): void {
    this.set(i, from);
    this.block((exit) => {
      this.loop((next) => {
        this.brIf(exit, { type: 'i32', code: [...codeOf('i32', i), ...codeOf('i32', to), Op.i32_ge_s] });
        body();
        this.set(i, { type: 'i32', code: [...codeOf('i32', i), ...codeOf('i32', step), Op.i32_add] });
        this.br(next);
      });
    });
  }

  /** The body in the binary format: local declarations (runs of one type), code, `end`. */
  encode(): number[] {
    if (this.depth !== 0) throw new Error(`${this.name}: unbalanced blocks`);
    const declared = this.all.slice(this.paramTypes.length);
    const runs: [number, ValType][] = [];
    for (const local of declared) {
      const last = runs[runs.length - 1];
      if (last && last[1] === local.type) last[0]++;
      else runs.push([1, local.type]);
    }
    return [...unsignedLeb128(runs.length), ...runs.flatMap(([n, type]) => [...unsignedLeb128(n), VALTYPE_CODE[type]]), ...this.code, Op.end];
  }

  /** Every local (parameters first) with its name, for the module's name section. */
  localNames(): readonly string[] {
    return this.all.map((l) => l.name);
  }

  private declare<T extends ValType>(type: T, name: string): Local<T> {
    const local = new Local(type, this.all.length, name);
    this.all.push(local);
    return local;
  }

  private structured(opcode: number, body: (label: Label) => void): void {
    this.code.push(opcode, VOID_BLOCK);
    this.depth++;
    body(new Label(this.depth));
    this.depth--;
    this.code.push(Op.end);
  }

  private relativeDepth(label: Label): number {
    if (label.depth > this.depth) throw new Error(`${this.name}: branch to a label outside its block`);
    return this.depth - label.depth;
  }
}
