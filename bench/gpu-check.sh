#!/usr/bin/env bash
# The WebGPU engine on a real GPU, in one call: reports the machine, makes sure Dawn reaches the GPU
# through Vulkan, runs the WebGPU tests (kernel parity against the CPU reference on random shapes,
# matmul versions, erf accuracy, memory, RoBERTa fixture parity), the kernel benchmark, the
# roberta-base-sized model end to end (with each matmul version pinned, too), what recording a
# forward costs the host (dispatches, record_ms: every webgpu `bench --json` line has them; recorded
# each time, and replayed from a recording made once, `--replay`), the
# memory peak of loading it, and Hugging Face transformers on PyTorch (CUDA) as the reference:
# parity of our logits with its logits on the same weights and ids, and its latency.
#
# Meant for a bare CUDA/Python container, which lacks Node and the Vulkan loader: when `.gpu/`
# (made by bench/gpu-kit.sh) is present, Node, node_modules and libvulkan1 are unpacked from it.
# Every step has a time limit, and a failed step does not stop the others.
#
# Usage: bash bench/gpu-check.sh [--quick] [LOG_DIR]   (exits non-zero if a step failed)
#   --quick  tests, parity and end to end with the tuning's own choices only (about a minute): no
#            kernel benchmark, no pinned matmul versions, no PyTorch timings

set -u
cd "$(dirname "$0")/.." || exit 2
quick=false
[ "${1:-}" = --quick ] && { quick=true; shift; }
log_dir=${1:-bench/results}
mkdir -p "$log_dir"
failed=()
step() { echo; echo "=== $* ($(date -u +%T))"; }
run_step() { # name, seconds, command...
  local name=$1 limit=$2
  shift 2
  timeout "$limit" "$@" || { echo "step $name failed or ran past ${limit}s (status $?)"; failed+=("$name"); }
}

step machine
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "nvidia-smi: not available"
uname -srm
nproc

step kit
if [ -d .gpu ]; then
  if ! command -v node >/dev/null 2>&1; then
    mkdir -p /tmp/gpukit/bin && xz -dc .gpu/node.xz >/tmp/gpukit/bin/node && chmod +x /tmp/gpukit/bin/node
    export PATH="/tmp/gpukit/bin:$PATH"
    echo "node from .gpu/node.xz"
  fi
  [ -d node_modules/webgpu ] || { xz -dc .gpu/nm.tar.xz | tar -xf - && echo "node_modules from .gpu/nm.tar.xz"; }
  # The Vulkan loader, and the GL vendor-neutral dispatch libraries NVIDIA's Vulkan driver
  # (libGLX_nvidia) links against: without them the loader finds the driver but cannot open it.
  if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' || ! ldconfig -p 2>/dev/null | grep -q 'libGLdispatch.so.0'; then
    for deb in .gpu/*.deb; do dpkg -x "$deb" /; done
    ldconfig
    echo "unpacked $(ls .gpu/*.deb | xargs -n1 basename)"
  fi
else
  echo "no .gpu/ kit: relying on the machine's own Node, node_modules and Vulkan loader"
fi

step node
command -v node >/dev/null 2>&1 || { echo "node: not found (make a kit with bench/gpu-kit.sh, or install Node >= 20)"; exit 2; }
node --version
[ -d node_modules/webgpu ] && [ -d node_modules/jest ] || { echo "node_modules is missing: run npm ci, or make a kit"; exit 2; }

step vulkan
ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' && echo "loader: libvulkan.so.1 found" || echo "loader: libvulkan.so.1 missing (apt-get install libvulkan1)"
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  # The NVIDIA container runtime mounts the driver's manifest here when it mounts the driver.
  for manifest in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$manifest" ] && { export VK_ICD_FILENAMES="$manifest" VK_DRIVER_FILES="$manifest"; break; }
  done
fi
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  # Some CUDA containers carry NVIDIA's Vulkan driver library but no manifest: write one.
  lib=$(ldconfig -p 2>/dev/null | grep -o '/[^ ]*libGLX_nvidia.so.0' | head -n 1)
  if [ -n "$lib" ]; then
    manifest=/tmp/nvidia_icd.json
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$lib" >"$manifest"
    export VK_ICD_FILENAMES="$manifest" VK_DRIVER_FILES="$manifest"
  fi
fi
echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-unset}"
if [ -n "${VK_ICD_FILENAMES:-}" ]; then
  driver=$(grep -o '"library_path": *"[^"]*"' "$VK_ICD_FILENAMES" | sed 's/.*"\([^"]*\)"$/\1/')
  driver_path=$(ldconfig -p | grep -o "/[^ ]*$(basename "$driver")\$" | head -n 1)
  echo "driver library: $driver -> ${driver_path:-not in the linker cache}"
  [ -n "$driver_path" ] && ldd "$driver_path" | grep 'not found' | sed 's/^/  missing: /'
fi

step build
[ -f dist/kernels/wgsl/create.js ] && echo "dist/ present (carried)" || run_step build 180 node node_modules/typescript/bin/tsc -p tsconfig.build.json

step adapter
run_step adapter 60 node --input-type=module -e "
  import { createWebGpuBackend } from './dist/kernels/wgsl/create.js';
  const backend = await createWebGpuBackend();
  console.log(backend.adapterReportText());
  if (backend.degraded) { console.log('NOTE: ' + backend.degraded); process.exitCode = 1; }
  await backend.dispose();
"

step "webgpu tests"
run_step tests 240 env NODE_OPTIONS=--experimental-vm-modules node node_modules/jest/bin/jest.js --maxWorkers=8 test/kernels/wgsl

if ! $quick; then
step "kernel bench"
# The bench prints its table, then the same as JSON: the table is shown, all of it kept in the log
# folder. Then again without Dawn's bounds checks (robustness), which cost a little on real GPUs.
for robustness in "" --no-robustness; do
  run_step "kernel-bench$robustness" 120 node dist/bench/kernelsWebgpu.js $robustness >"$log_dir/kernels-webgpu$robustness.txt"
  grep -v '^[ {}\["]' "$log_dir/kernels-webgpu$robustness.txt"
done
fi

model=bench/models/roberta-base-random
step "random roberta-base-sized model"
run_step model 120 node dist/cli/main.js bench --random base --quiet

step "parity with transformers (CUDA fp32) on the random model, b2×s128 with padding"
run_step parity-ids 120 python3 bench/torchReference.py ids "$model" /tmp/ids.json
run_step forward 120 node dist/cli/main.js forward --model "$model" --inputs /tmp/ids.json --out /tmp/ours.safetensors --backend webgpu
run_step parity 120 python3 bench/torchReference.py compare "$model" /tmp/ids.json /tmp/ours.safetensors

step "end to end, webgpu"
for shape in 1x16 1x128 1x512 8x128 8x512; do
  run_step "e2e-$shape" 120 node dist/cli/main.js bench --model "$model" --backend webgpu --batch "${shape%x*}" --seq "${shape#*x}" --runs 20 --warmup 3 --json
done
run_step e2e-auto 120 node dist/cli/main.js bench --model "$model" --backend auto --batch 1 --seq 128 --runs 20 --warmup 3 --json
# Each matrix-product version for every product, to check the tuning's choice end to end.
$quick || for version in naive tiled blocked; do
  for shape in 1x128 8x512; do
    run_step "e2e-$version-$shape" 120 env ROBERTA_WEBGPU_MATMUL=$version node dist/cli/main.js bench --model "$model" --backend webgpu --batch "${shape%x*}" --seq "${shape#*x}" --runs 20 --warmup 3 --json
  done
done

step "host time of recording a forward, webgpu (dispatches, record_ms; many runs: it is a few ms), then of replaying one (--replay)"
for shape in 1x16 1x128; do
  run_step "record-$shape" 120 node dist/cli/main.js bench --model "$model" --backend webgpu --batch "${shape%x*}" --seq "${shape#*x}" --runs 100 --warmup 5 --json
  run_step "replay-$shape" 120 node dist/cli/main.js bench --model "$model" --backend webgpu --batch "${shape%x*}" --seq "${shape#*x}" --runs 100 --warmup 5 --json --replay
done
run_step replay-8x512 120 node dist/cli/main.js bench --model "$model" --backend webgpu --batch 8 --seq 512 --runs 20 --warmup 3 --json --replay

step "fp16 and q8 weights, webgpu (issue #18: faster than fp32 at 8x512; shader-f16 and dot4I8Packed where the adapter has them)"
for dtype in fp16 q8; do
  for shape in 1x128 8x512; do
    run_step "e2e-$dtype-$shape" 120 node dist/cli/main.js bench --model "$model" --backend webgpu --dtype $dtype --batch "${shape%x*}" --seq "${shape#*x}" --runs 20 --warmup 3 --json
  done
done

step "memory while loading, webgpu"
run_step memory-load 120 node --expose-gc dist/bench/memoryProbe.js "{\"mode\":\"load\",\"dir\":\"$model\",\"backend\":\"webgpu\"}"

step "transformers on PyTorch, same model"
$quick || run_step torch 180 python3 bench/torchReference.py time "$model" 1x16 1x128 1x512 8x128 8x512

step summary
if [ ${#failed[@]} -eq 0 ]; then echo "all steps passed"; else echo "failed: ${failed[*]}"; exit 1; fi
