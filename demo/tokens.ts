// The Tokens tab: each BPE piece with its id, spelled as the vocabulary spells it (Ġ is a space
// before the word, Ċ a newline), special tokens set apart; hovering a piece highlights its characters in
// the text through the tokenizer's offsets.

import { el } from './dom.js';
import type { Inspection } from './inspect.js';

export function tokensView(text: string, inspection: Inspection): HTMLElement {
  const { encoding, special } = inspection;
  const source = el('p', { class: 'source-text' });
  const showSpan = (i: number | null) => {
    source.replaceChildren();
    if (i === null || special[i]) return void source.append(text);
    const [start, end] = encoding.offsets[i];
    source.append(text.slice(0, start), el('mark', {}, text.slice(start, end)), text.slice(end));
  };
  showSpan(null);
  const pieces = encoding.tokens.map((token, i) => {
    const [start, end] = encoding.offsets[i];
    const piece = el(
      'span',
      { class: special[i] ? 'token special' : 'token', 'data-token': token, 'data-id': String(encoding.ids[i]), 'data-offsets': `${start},${end}`, title: `id ${encoding.ids[i]}, characters ${start}–${end}` },
      el('span', { class: 'token-text' }, token),
      el('span', { class: 'token-id' }, String(encoding.ids[i])),
    );
    piece.addEventListener('mouseenter', () => showSpan(i));
    piece.addEventListener('mouseleave', () => showSpan(null));
    return piece;
  });
  return el('div', {}, el('p', { class: 'note' }, `${encoding.ids.length} tokens, as the vocabulary spells them: Ġ is a space before the piece, Ċ a newline (byte-level BPE); special tokens are grey; hover a piece to see its characters in the text.`), el('div', { class: 'tokens' }, ...pieces), source);
}
