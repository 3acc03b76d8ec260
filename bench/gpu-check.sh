#!/usr/bin/env bash
# The WebGPU kernels on a real GPU: reports the machine, makes sure Dawn can reach the GPU through
# Vulkan, then runs the WebGPU tests (kernel parity against the CPU reference, matmul versions,
# erf accuracy, memory, full RoBERTa parity) and the kernel benchmark, and prints both.
#
# Meant for a GPU machine such as a CUDA/Python container: it may lack Node (needs ≥ 20, and
# `npm ci` run in the repository) or the Vulkan loader and NVIDIA's Vulkan driver manifest; each
# is checked and a missing one is reported with what to install.
#
# Usage: bash bench/gpu-check.sh            (from anywhere; exits non-zero if a step failed)

set -u
cd "$(dirname "$0")/.." || exit 2
failed=()
step() { echo; echo "=== $*"; }

step machine
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "nvidia-smi: not available"
uname -srm

step node
if ! command -v node >/dev/null 2>&1; then
  echo "node: not found. Install Node >= 20 (e.g. https://nodejs.org/dist/ tarball, or apt-get install nodejs), then npm ci."
  exit 2
fi
node --version
if [ "$(node -p 'Number(process.versions.node.split(".")[0])')" -lt 20 ]; then
  echo "node: version 20 or newer is required"
  exit 2
fi
if [ ! -d node_modules/webgpu ] || [ ! -d node_modules/jest ]; then
  echo "node_modules is missing or incomplete: run npm ci (needs the npm registry)"
  exit 2
fi

step vulkan
# Dawn reaches NVIDIA GPUs through Vulkan: the loader (libvulkan.so.1) and the driver's manifest.
ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' && echo "loader: libvulkan.so.1 found" || echo "loader: libvulkan.so.1 missing (apt-get install libvulkan1)"
icds=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null)
echo "driver manifests: ${icds:-none}"
# CUDA containers often carry NVIDIA's Vulkan driver library but not its manifest (it comes with
# NVIDIA_DRIVER_CAPABILITIES=graphics); write one if so.
if [ -z "${VK_ICD_FILENAMES:-}" ] && ! echo "$icds" | grep -q nvidia; then
  lib=$(ldconfig -p 2>/dev/null | grep -o '/[^ ]*libGLX_nvidia.so.0' | head -n 1)
  if [ -n "$lib" ]; then
    manifest="${TMPDIR:-/tmp}/nvidia_icd.json"
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$lib" >"$manifest"
    export VK_ICD_FILENAMES="$manifest"
    echo "wrote $manifest for $lib and set VK_ICD_FILENAMES"
  else
    echo "no NVIDIA Vulkan driver library (libGLX_nvidia.so.0) visible: Dawn may fall back to another adapter"
  fi
fi

step build
npx tsc -p tsconfig.build.json >/dev/null || echo "tsc reported type errors (the build still emits JavaScript)"
[ -f dist/kernels/wgsl/create.js ] || { echo "build produced no dist/kernels/wgsl/create.js"; exit 2; }

step adapter
node --input-type=module -e "
  import { createWebGpuBackend } from './dist/kernels/wgsl/create.js';
  const backend = await createWebGpuBackend();
  console.log(backend.adapterReportText());
  if (backend.degraded) console.log('NOTE: ' + backend.degraded);
  await backend.dispose();
" || failed+=(adapter)

step "webgpu tests"
NODE_OPTIONS=--experimental-vm-modules npx jest test/kernels/wgsl 2>&1 | tail -n 60
[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=(tests)

step "kernel bench"
# The bench prints its table, then the same as JSON; the table is enough here.
node dist/bench/kernelsWebgpu.js | grep -v '^[ {}\["]'
[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=(bench)

step summary
if [ ${#failed[@]} -eq 0 ]; then echo "all steps passed"; else echo "failed: ${failed[*]}"; exit 1; fi
