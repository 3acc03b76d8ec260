"""Hugging Face transformers on PyTorch as the reference on a GPU machine (used by gpu-check.sh).

Three jobs, on the same model directory our engine reads:

  ids      write a deterministic batch of token ids (with one padded row) as the JSON that
           `roberta forward --inputs` takes
  compare  run RobertaForSequenceClassification on those ids in fp32 and print the max |Δ| of
           last_hidden_state and logits against the safetensors file `roberta forward` wrote
  time     time the forward pass (CUDA, fp32, TF32 off, and eager PyTorch: what a Python user gets
           by default) at each batch×seq, printing median and min like `roberta bench`

The values compared against come from transformers itself, never from our code.

Usage: python3 bench/torchReference.py ids MODEL_DIR IDS.json
       python3 bench/torchReference.py compare MODEL_DIR IDS.json OURS.safetensors
       python3 bench/torchReference.py time MODEL_DIR 1x16 1x128 8x512 ...
"""

import json
import statistics
import sys
import time

import numpy as np
import torch
from transformers import RobertaForSequenceClassification

# Our kernels are plain fp32; TF32 would make the reference less exact than the engine checked.
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False


def load(model_dir: str) -> RobertaForSequenceClassification:
    model = RobertaForSequenceClassification.from_pretrained(model_dir, torch_dtype=torch.float32)
    return model.eval().to("cuda")


def write_ids(path: str) -> None:
    rng = np.random.default_rng(20261126)
    batch, seq = 2, 128
    ids = rng.integers(3, 50265, size=(batch, seq))
    ids[:, 0], ids[:, -1] = 0, 2
    mask = np.ones((batch, seq), dtype=np.int64)
    # Row 1 is 77 real tokens then padding, so masking is checked too.
    ids[1, 76], ids[1, 77:], mask[1, 77:] = 2, 1, 0
    with open(path, "w") as f:
        json.dump({"input_ids": ids.tolist(), "attention_mask": mask.tolist()}, f)


def read_safetensors(path: str) -> dict:
    # The format is simple enough to read without the safetensors package: an 8-byte header
    # length, a JSON header, then raw little-endian data.
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", f"{name}: {info['dtype']}"
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + begin : 8 + n + end], dtype="<f4").reshape(info["shape"])
    return out


def compare(model_dir: str, ids_path: str, ours_path: str) -> None:
    with open(ids_path) as f:
        inputs = json.load(f)
    model = load(model_dir)
    ids = torch.tensor(inputs["input_ids"], device="cuda")
    mask = torch.tensor(inputs["attention_mask"], device="cuda")
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    ours = read_safetensors(ours_path)
    reference = {"last_hidden_state": out.hidden_states[-1], "logits": out.logits}
    for name, expected in reference.items():
        delta = np.abs(ours[name] - expected.float().cpu().numpy()).max()
        print(f"parity {name} {list(expected.shape)}: max |Δ| = {delta:.3g} ({'ok' if delta <= 1e-4 else 'OVER 1e-4'})")


def time_shapes(model_dir: str, shapes: list) -> None:
    model = load(model_dir)
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name()}, fp32, TF32 off, eager")
    for shape in shapes:
        batch, seq = (int(v) for v in shape.split("x"))
        ids = torch.randint(3, 50265, (batch, seq), device="cuda")
        times = []
        with torch.no_grad():
            for i in range(23):
                torch.cuda.synchronize()
                start = time.perf_counter()
                logits = model(input_ids=ids).logits
                logits.cpu()  # Reading the result back, as our timings include.
                times.append((time.perf_counter() - start) * 1000)
        warm = times[3:]
        median = statistics.median(warm)
        print(f"torch b{batch}×s{seq}: cold {times[0]:.2f} ms, median {median:.2f} ms, min {min(warm):.2f} ms, {batch * seq / median * 1000:.0f} tokens/s")


if __name__ == "__main__":
    job, model_dir, *rest = sys.argv[1:]
    if job == "ids":
        write_ids(rest[0])
    elif job == "compare":
        compare(model_dir, rest[0], rest[1])
    elif job == "time":
        time_shapes(model_dir, rest)
    else:
        sys.exit(f"unknown job {job!r}: ids | compare | time")
