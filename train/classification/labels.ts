// The classes of a classification task, from its training examples: class names sorted by code
// point (Python's `sorted()` on strings, what transformers' run_glue.py does "for determinism")
// and numbered from 0 in that order; or, for integer labels, ids 0…max named LABEL_0, LABEL_1, …
// as a PretrainedConfig without id2label names them. The eval data must use the same kind of label
// and only classes the training data has.

import { InputError } from '../../model/inputs.js';
import { assertSameLabelKind, type LabelledExample } from './examples.js';

export interface LabelSet {
  /** Class names by class id (config.json's id2label). */
  readonly id2label: readonly string[];
  /** Class id by name (config.json's label2id). */
  readonly label2id: ReadonlyMap<string, number>;
  /** Whether the data's labels are names or integer class ids. */
  readonly kind: 'names' | 'ids';
  /** An example of the training data, to name in an error about another file's label kind. */
  readonly reference: LabelledExample;
}

/** Python's string order: by Unicode code point (JavaScript's default sort compares UTF-16 units, which differs above U+FFFF). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The classes of `train` (already checked to be all names or all ids). */
export function labelSetOf(train: readonly LabelledExample[]): LabelSet {
  const reference = train[0];
  let id2label: string[];
  if (typeof reference.label === 'number') {
    const numLabels = Math.max(...train.map((e) => e.label as number)) + 1;
    id2label = Array.from({ length: numLabels }, (_, i) => `LABEL_${i}`);
  } else {
    id2label = [...new Set(train.map((e) => e.label as string))].sort(compareCodePoints);
  }
  if (id2label.length < 2) throw new InputError(`${reference.where}: the training data has one class (${JSON.stringify(reference.label)}); a classifier needs at least two`);
  return { id2label, label2id: new Map(id2label.map((name, id) => [name, id])), kind: typeof reference.label === 'number' ? 'ids' : 'names', reference };
}

/** Each example's class id; an error names the first row whose label is of the wrong kind or not a class of the training data. */
export function classIds(examples: readonly LabelledExample[], labels: LabelSet): number[] {
  assertSameLabelKind(labels.reference, examples);
  return examples.map(({ label, where }) => {
    const id = typeof label === 'number' ? label : labels.label2id.get(label);
    if (id === undefined || id >= labels.id2label.length) {
      const known = labels.kind === 'ids' ? `0…${labels.id2label.length - 1}` : labels.id2label.map((n) => JSON.stringify(n)).join(', ');
      throw new InputError(`${where}: label ${JSON.stringify(label)} is not a class of the training data (${known})`);
    }
    return id;
  });
}
