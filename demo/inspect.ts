// One forward with every hidden state and attention, read back as plain arrays for the Tokens,
// Attention and Layers tabs; and, for a masked-LM model, the logit lens: each layer's hidden state
// through the LM head (dense, GELU, LayerNorm, decoder), its top token per position.

import { R, type Api } from './roberta.js';

export interface Inspection {
  readonly encoding: Api.Encoding;
  /** Per token: is it one of the tokenizer's special tokens (<s>, </s>, <mask>…)? */
  readonly special: boolean[];
  /** [layer][head][query][key] */
  readonly attentions: number[][][][];
  /** [layer 0 (embeddings) … L][token][hidden] */
  readonly hidden: number[][][];
  /** [layer 0 … L][token]: the LM head's top token, where the model has one. */
  readonly lens?: string[][];
}

/** Splits a flat row-major array of `shape` into nested arrays over its leading axes. */
function nest(data: Api.TypedArray, shape: readonly number[]): number[][] {
  const width = shape[shape.length - 1];
  return Array.from({ length: data.length / width }, (_, r) => Array.from(data.subarray(r * width, (r + 1) * width)));
}

const chunk = <T>(items: T[], size: number): T[][] => Array.from({ length: items.length / size }, (_, i) => items.slice(i * size, (i + 1) * size));

async function topTokens(model: Api.RobertaForMaskedLM, hidden: Api.Tensor, tokenizer: Api.RobertaTokenizer): Promise<string[]> {
  const logits = model.lmHead.forward(hidden); // [1, seq, vocab]
  const top = R.ops.argmax(logits);
  const ids = Array.from(await top.data());
  logits.dispose();
  top.dispose();
  return ids.map((id) => tokenizer.idToToken(id) ?? `[${id}]`);
}

export async function inspect(tokenizer: Api.RobertaTokenizer, model: Api.AnyRobertaModel, text: string): Promise<Inspection> {
  const encoding = tokenizer.encode(text);
  const specials = new Set(Object.values(tokenizer.specialTokens).map((t) => t.id));
  const out = model.forward({ inputIds: [encoding.ids] }, { outputHiddenStates: true, outputAttentions: true });
  try {
    const heads = model.config.numAttentionHeads;
    const seq = encoding.ids.length;
    const attentions = await Promise.all(out.attentions!.map(async (a) => chunk(nest(await a.data(), a.shape), seq).slice(0, heads)));
    const hidden = await Promise.all(out.hiddenStates!.map(async (h) => nest(await h.data(), h.shape)));
    const lens = model instanceof R.RobertaForMaskedLM ? await Promise.all(out.hiddenStates!.map((h) => topTokens(model, h, tokenizer))) : undefined;
    return { encoding, special: encoding.ids.map((id) => specials.has(id)), attentions, hidden, lens };
  } finally {
    R.disposeOutput(out);
  }
}
