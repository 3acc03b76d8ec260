// Arbitraries that damage a real file: its bytes, its text, or the JSON value it holds. Each is a
// short list of edits applied in order; positions are taken modulo the current length when an
// edit is applied, so any list of edits fits any file and fast-check can shrink a failing list.

import fc from 'fast-check';

/** Numbers that make length and offset fields lie in the ways parsers trip on. */
const EDGE_UINT32 = [0, 1, 7, 8, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff] as const;

type ByteEdit =
  | { readonly kind: 'set'; readonly at: number; readonly byte: number }
  | { readonly kind: 'uint32'; readonly at: number; readonly value: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly count: number }
  | { readonly kind: 'truncate'; readonly at: number };

/** Where an edit lands: anywhere, or inside one of the hot spots (a header, a directory). */
const position = (hotSpots: readonly (readonly [number, number])[]): fc.Arbitrary<number> =>
  hotSpots.length === 0
    ? fc.nat()
    : fc.oneof(fc.nat(), ...hotSpots.map(([begin, end]) => fc.integer({ min: begin, max: Math.max(begin, end - 1) })));

const byteEdit = (hotSpots: readonly (readonly [number, number])[]): fc.Arbitrary<ByteEdit> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), at: position(hotSpots), byte: fc.integer({ min: 0, max: 255 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('uint32' as const), at: position(hotSpots), value: fc.oneof(fc.constantFrom(...EDGE_UINT32), fc.nat({ max: 0xffffffff })) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position(hotSpots), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position(hotSpots), count: fc.integer({ min: 1, max: 64 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position(hotSpots) }) },
  );

function applyByteEdit(bytes: Uint8Array, edit: ByteEdit): Uint8Array {
  const at = bytes.length === 0 ? 0 : edit.at % bytes.length;
  // A copy, never the original: `slice` on a Buffer is a view.
  switch (edit.kind) {
    case 'set': {
      const out = new Uint8Array(bytes);
      if (out.length > 0) out[at] = edit.byte;
      return out;
    }
    case 'uint32': {
      const out = new Uint8Array(bytes);
      const where = Math.min(at, Math.max(0, out.length - 4));
      if (out.length >= 4) new DataView(out.buffer).setUint32(where, edit.value, true);
      return out;
    }
    case 'insert':
      return concat(bytes.subarray(0, at), edit.bytes, bytes.subarray(at));
    case 'delete':
      return concat(bytes.subarray(0, at), bytes.subarray(at + edit.count));
    case 'truncate':
      return new Uint8Array(bytes.subarray(0, at));
  }
}

/** `original` with 1 to 4 random edits; `hotSpots` ([begin, end) byte ranges) draw edits towards them. */
export function damagedBytes(original: Uint8Array, hotSpots: readonly (readonly [number, number])[] = []): fc.Arbitrary<Uint8Array> {
  return fc.array(byteEdit(hotSpots), { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce(applyByteEdit, original));
}

/** Characters that matter to the text formats: JSON syntax, line ends, NUL, a lone surrogate. */
const SPECIAL_TEXT = fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '\n', '\r', ' ', '\u0000', '\ud800', '\udfff', '#', '0', '-', 'e', 'Ġ');

type TextEdit =
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'delete'; readonly at: number; readonly count: number }
  | { readonly kind: 'truncate'; readonly at: number };

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(SPECIAL_TEXT, fc.string({ unit: 'binary', minLength: 1, maxLength: 8 })),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function applyTextEdit(text: string, edit: TextEdit): string {
  const at = text.length === 0 ? 0 : edit.at % text.length;
  switch (edit.kind) {
    case 'insert':
      return text.slice(0, at) + edit.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + edit.count);
    case 'truncate':
      return text.slice(0, at);
  }
}

/** `original` with 1 to 4 random character edits (which may split a surrogate pair). */
export function damagedText(original: string): fc.Arbitrary<string> {
  return fc.array(textEdit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce(applyTextEdit, original));
}

/** JSON values that are wrong in the ways a file's fields usually are. */
export const oddJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 0.5, -0, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, '', ' ', '\u0000', '\ud800', [], {}, [[]], [0, 1], ['a', 'b']),
  fc.jsonValue({ maxDepth: 2 }),
);

type JsonEdit =
  | { readonly kind: 'replace'; readonly node: number; readonly shallow: boolean; readonly value: unknown }
  | { readonly kind: 'delete'; readonly node: number; readonly shallow: boolean }
  | { readonly kind: 'add'; readonly node: number; readonly shallow: boolean; readonly key: string; readonly value: unknown };

const jsonEdit = (keys: readonly string[]): fc.Arbitrary<JsonEdit> => fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), node: fc.nat(), shallow: fc.boolean(), value: oddJsonValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), node: fc.nat(), shallow: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      node: fc.nat(),
      shallow: fc.boolean(),
      key: fc.oneof(fc.constantFrom('__proto__', 'constructor', '', 'type', 'id', ...keys), fc.string({ maxLength: 8 })),
      value: oddJsonValue,
    }),
  },
);

type Container = Record<string, unknown> | unknown[];

/** Every object and array in `value`, with its depth; the root first. */
function containers(value: unknown, depth = 0, found: Array<{ node: Container; depth: number }> = []): Array<{ node: Container; depth: number }> {
  if (typeof value === 'object' && value !== null) {
    found.push({ node: value as Container, depth });
    for (const child of Object.values(value)) containers(child, depth + 1, found);
  }
  return found;
}

function applyJsonEdit(root: unknown, edit: JsonEdit): unknown {
  // A copy of the new value: the arbitrary may hand the same object to other edits and cases.
  const value = 'value' in edit ? structuredClone(edit.value) : undefined;
  const all = containers(root);
  const pool = edit.shallow ? all.filter(({ depth }) => depth <= 1) : all;
  if (pool.length === 0) return edit.kind === 'replace' ? value : root;
  const { node } = pool[edit.node % pool.length]!;
  const keys = Object.keys(node);
  const key = keys.length === 0 ? undefined : keys[edit.node % keys.length]!;
  if (edit.kind === 'add') {
    // defineProperty, so "__proto__" becomes an own key as JSON.parse would make it.
    if (Array.isArray(node)) node.push(value);
    else Object.defineProperty(node, edit.key, { value, enumerable: true, writable: true, configurable: true });
  } else if (key === undefined) {
    return root;
  } else if (edit.kind === 'delete') {
    if (Array.isArray(node)) node.splice(Number(key), 1);
    else delete node[key];
  } else {
    (node as Record<string, unknown>)[key] = value;
  }
  return root;
}

/**
 * A deep copy of `original` with 1 to 3 edits: a field replaced by an odd value, deleted, or added
 * (under a random name, or one of `keys`: names the format gives a meaning).
 */
export function mutatedJson(original: unknown, keys: readonly string[] = []): fc.Arbitrary<unknown> {
  return fc
    .array(jsonEdit(keys), { minLength: 1, maxLength: 3 })
    .map((edits) => edits.reduce(applyJsonEdit, structuredClone(original) as unknown));
}

/** A JSON file's text after either a structural mutation or a few character edits. */
export function mutatedJsonText(original: unknown, keys: readonly string[] = []): fc.Arbitrary<string> {
  const text = JSON.stringify(original, null, 2);
  return fc.oneof(
    mutatedJson(original, keys).map((value) => JSON.stringify(value, null, 2) ?? 'undefined'),
    damagedText(text),
  );
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
