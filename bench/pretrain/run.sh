#!/usr/bin/env bash
# The pretraining benchmark of issue #17: a small RoBERTa (4 layers, hidden 256, 4 heads, FFN 1024,
# the roberta-base tokenizer) pretrained on tinyshakespeare for a fixed wall-clock budget, first by
# `roberta train --task mlm` on wasm, then by the same recipe in plain PyTorch (torchPretrain.py) on
# the same token cache, the same batch size, sequence length and learning-rate schedule. Each stops
# after the step that ends the budget (the schedule still runs towards --steps, so neither decays
# its learning rate early), then evaluates on the held-out tenth of the documents. Steps per budget
# differ: that is the measurement. Writes OUT/summary.md (printed at the end) beside both runs.
#
# usage: bench/pretrain/run.sh [--budget SECONDS (300)] [--steps N (2000)] [--warmup-steps W (100)]
#        [--lr LR (5e-4)] [--batch-size B (8)] [--seq-len S (128)] [--backend wasm] [--out DIR]
# Needs `npm run build` (dist/) and Debian's python3-torch at /usr/bin/python3. Debian's torch calls
# whatever libblas.so.3 is installed, by default the reference BLAS (≈ 4 GFLOP/s on 2 cores, a tenth
# of OpenBLAS): with libopenblas0-pthread installed, the PyTorch run loads OpenBLAS from its own
# folder (the system's default BLAS is left as it is), and machine.txt says which BLAS it used.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUDGET=300 STEPS=2000 WARMUP=100 LR=5e-4 BATCH=8 SEQ=128 BACKEND=wasm
OUT="$ROOT/bench/results/pretrain-$(date -u +%Y%m%d-%H%M%S)"
PYTHON=${PYTHON:-/usr/bin/python3}
while [ $# -gt 0 ]; do
  case "$1" in
    --budget) BUDGET=$2 ;;
    --steps) STEPS=$2 ;;
    --warmup-steps) WARMUP=$2 ;;
    --lr) LR=$2 ;;
    --batch-size) BATCH=$2 ;;
    --seq-len) SEQ=$2 ;;
    --backend) BACKEND=$2 ;;
    --out) OUT=$2 ;;
    *) echo "run.sh: unknown flag $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
[ -f "$ROOT/dist/cli/main.js" ] || { echo "run.sh: no dist/cli/main.js: run npm run build first" >&2; exit 2; }
"$PYTHON" -c 'import torch' 2>/dev/null || { echo "run.sh: $PYTHON cannot import torch (apt-get install python3-torch)" >&2; exit 2; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TOKENIZER="$ROOT/test/fixtures/roberta-base-tokenizer"

# Documents are blank-line separated blocks (one speech each); the last tenth is held out.
awk -v train="$OUT/train.txt" -v eval="$OUT/eval.txt" 'BEGIN { RS = ""; ORS = "\n\n" }
  { docs[NR] = $0 } END { cut = int(NR * 0.9); for (i = 1; i <= NR; i++) print docs[i] > (i <= cut ? train : eval) }' \
  "$ROOT/bench/corpus/tinyshakespeare.txt"

cat > "$OUT/config.json" <<'JSON'
{
  "architectures": ["RobertaForMaskedLM"], "model_type": "roberta",
  "vocab_size": 50265, "hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4, "intermediate_size": 1024,
  "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 514,
  "type_vocab_size": 1, "initializer_range": 0.02, "layer_norm_eps": 1e-05, "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2
}
JSON

RECIPE=(--steps "$STEPS" --warmup-steps "$WARMUP" --lr "$LR" --batch-size "$BATCH" --seq-len "$SEQ" --weight-decay 0.01 --max-grad-norm 1.0 --seed 0)
OPENBLAS=/usr/lib/x86_64-linux-gnu/openblas-pthread
TORCH_ENV=()
if [ -f "$OPENBLAS/libblas.so.3" ]; then
  TORCH_BLAS="OpenBLAS ($OPENBLAS)"
  TORCH_ENV=(LD_LIBRARY_PATH="$OPENBLAS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_NUM_THREADS=2)
else
  TORCH_BLAS="the reference BLAS, about 10× slower than OpenBLAS (apt-get install libopenblas0-pthread)"
  echo "run.sh: PyTorch will use $TORCH_BLAS" >&2
fi
{ echo "$(uptime | sed 's/^ *//')"; echo "PyTorch's BLAS: $TORCH_BLAS"; } > "$OUT/machine.txt"

echo "roberta-ts ($BACKEND), ${BUDGET} s budget → $OUT/roberta-ts" >&2
# Each line gets the wall-clock second it arrived, so tokens/s can leave out start-up and the final evaluation.
node "$ROOT/dist/cli/main.js" train --task mlm --config "$OUT/config.json" --tokenizer "$TOKENIZER" \
  --data "$OUT/train.txt" --eval-data "$OUT/eval.txt" --cache-dir "$OUT/token-cache" "${RECIPE[@]}" \
  --max-seconds "$BUDGET" --out "$OUT/roberta-ts" --backend "$BACKEND" --json --quiet |
  while IFS= read -r line; do printf '%s\t%s\n' "$EPOCHREALTIME" "$line"; done > "$OUT/roberta-ts.jsonl"

echo "PyTorch $("$PYTHON" -c 'import torch; print(torch.__version__)') (2 threads), ${BUDGET} s budget" >&2
env "${TORCH_ENV[@]}" "$PYTHON" "$ROOT/bench/pretrain/torchPretrain.py" --config "$OUT/config.json" --tokenizer "$TOKENIZER" \
  --cache-dir "$OUT/token-cache" --data "$OUT/train.txt" --eval-data "$OUT/eval.txt" "${RECIPE[@]}" \
  --max-seconds "$BUDGET" > "$OUT/torch.jsonl"

node "$ROOT/dist/bench/pretrain/summary.js" --dir "$OUT" --backend "$BACKEND" --budget "$BUDGET"
cat "$OUT/summary.md"
