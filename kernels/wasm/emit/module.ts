// Assembling a module: a memory imported as env.memory (shared between threads, or not), the
// functions (every one exported under its name, so JavaScript can call any kernel), and a name
// section so stack traces and disassemblers show the builders' names for functions and locals.

import { VALTYPE_CODE, type ValType } from './expr.js';
import { FunctionBuilder, type Params } from './func.js';
import { unsignedLeb128 } from './leb128.js';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];

const Section = { custom: 0, type: 1, import: 2, function: 3, export: 7, code: 10 } as const;

const FUNC_TYPE = 0x60;
const EXTERNAL_FUNCTION = 0x00;
const EXTERNAL_MEMORY = 0x02;
/** Memory limits flags: only a minimum; or a maximum too, and shared between threads (which needs one). */
const LIMITS_MIN_ONLY = 0x00;
const LIMITS_SHARED_WITH_MAX = 0x03;
/** The most a 32-bit memory can have: 65536 pages of 64 KiB = 4 GiB. */
export const MAX_PAGES = 65536;

function utf8(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb128(bytes.length), ...bytes];
}

function vector(items: readonly (readonly number[])[]): number[] {
  return [...unsignedLeb128(items.length), ...items.flat()];
}

function section(id: number, content: readonly number[]): number[] {
  return [id, ...unsignedLeb128(content.length), ...content];
}

export class ModuleBuilder {
  private readonly functions: FunctionBuilder[] = [];

  /** A new function taking `params` (in this order) and returning nothing. */
  function<P extends Params>(name: string, params: P): FunctionBuilder<P> {
    if (this.functions.some((f) => f.name === name)) throw new Error(`ModuleBuilder: a function named ${name} already exists`);
    const f = new FunctionBuilder(this.functions.length, name, params);
    this.functions.push(f as unknown as FunctionBuilder);
    return f;
  }

  /** The module's bytes in the WebAssembly binary format, importing a shared or an unshared memory. */
  encode(sharedMemory: boolean): Uint8Array {
    // One type per distinct parameter list; every function returns nothing.
    const signatures = new Map<string, readonly ValType[]>();
    for (const f of this.functions) signatures.set(f.paramTypes.join(','), f.paramTypes);
    const keys = [...signatures.keys()];
    const typeIndex = this.functions.map((f) => keys.indexOf(f.paramTypes.join(',')));
    const types = [...signatures.values()].map((params) => [FUNC_TYPE, ...vector(params.map((p) => [VALTYPE_CODE[p]])), ...unsignedLeb128(0)]);
    const limits = sharedMemory ? [LIMITS_SHARED_WITH_MAX, ...unsignedLeb128(1), ...unsignedLeb128(MAX_PAGES)] : [LIMITS_MIN_ONLY, ...unsignedLeb128(1)];
    const memoryImport = [...utf8('env'), ...utf8('memory'), EXTERNAL_MEMORY, ...limits];
    const exports = this.functions.map((f) => [...utf8(f.name), EXTERNAL_FUNCTION, ...unsignedLeb128(f.index)]);
    const bodies = this.functions.map((f) => {
      const body = f.encode();
      return [...unsignedLeb128(body.length), ...body];
    });
    const functionNames = vector(this.functions.map((f) => [...unsignedLeb128(f.index), ...utf8(f.name)]));
    const localNames = vector(this.functions.map((f) => [...unsignedLeb128(f.index), ...vector(f.localNames().map((n, i) => [...unsignedLeb128(i), ...utf8(n)]))]));
    const names = [...utf8('name'), ...section(1, functionNames), ...section(2, localNames)];
    return Uint8Array.from([
      ...MAGIC,
      ...VERSION,
      ...section(Section.type, vector(types)),
      ...section(Section.import, vector([memoryImport])),
      ...section(Section.function, vector(typeIndex.map((t) => unsignedLeb128(t)))),
      ...section(Section.export, vector(exports)),
      ...section(Section.code, vector(bodies)),
      ...section(Section.custom, names),
    ]);
  }
}
