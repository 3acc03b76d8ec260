// Where the rows of the attention ops' operands lie in memory, shared by every kernel that reads
// them in place (the CPU spec and the fused WGSL kernel): `attention` takes contiguous
// [..., S, D] arrays; `qkvAttention` takes one [batch, seq, 3·hidden] array and writes the context
// as [batch, seq, hidden], so each head is a column block read by strides.

/**
 * Where the rows of one operand lie: row r of head h of batch b starts at element
 * start + b·batch + h·head + r·row, and its D (or Dv) elements follow contiguously.
 */
export interface RowLayout {
  readonly start: number;
  readonly batch: number;
  readonly head: number;
  readonly row: number;
}

/** One attention problem as an in-place kernel sees it. */
export interface AttentionLayout {
  /** The scores' shape [..., Sq, Sk]; the flat batch axes "..." index batch · heads. */
  readonly scoresShape: readonly number[];
  /** How many heads each batch has: the flat batch index splits into (batch, head) by it. */
  readonly heads: number;
  readonly d: number;
  readonly dv: number;
  readonly q: RowLayout;
  readonly k: RowLayout;
  readonly v: RowLayout;
  readonly out: RowLayout;
}

/** The rows of a contiguous [..., S, n] array, its batch axes flattened (one "head" per batch). */
const contiguous = (s: number, n: number): RowLayout => ({ start: 0, batch: s * n, head: 0, row: n });

/** `attention(q [..., Sq, D], k [..., Sk, D], v [..., Sk, Dv])` → out [..., Sq, Dv], all contiguous. */
export function attentionLayout(qShape: readonly number[], vShape: readonly number[]): AttentionLayout {
  const [sq, d] = qShape.slice(-2);
  const [sk, dv] = vShape.slice(-2);
  return {
    scoresShape: [...qShape.slice(0, -1), sk],
    heads: 1,
    d,
    dv,
    q: contiguous(sq, d),
    k: contiguous(sk, d),
    v: contiguous(sk, dv),
    out: contiguous(sq, dv),
  };
}

/** `qkvAttention(qkv [batch, seq, 3·hidden], heads)` → context [batch, seq, hidden]. */
export function qkvAttentionLayout(qkvShape: readonly number[], heads: number): AttentionLayout {
  const [batch, seq, width] = qkvShape;
  const hidden = width / 3;
  const d = hidden / heads;
  // Head h of q is columns h·d… of the first third of each token's row, of k the second, of v the third.
  const packed = (part: number): RowLayout => ({ start: part * hidden, batch: seq * width, head: d, row: width });
  return {
    scoresShape: [batch, heads, seq, seq],
    heads,
    d,
    dv: d,
    q: packed(0),
    k: packed(1),
    v: packed(2),
    out: { start: 0, batch: seq * hidden, head: d, row: hidden },
  };
}
