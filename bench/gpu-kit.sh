#!/usr/bin/env bash
# Packs what a bare CUDA/Python GPU machine lacks for bench/gpu-check.sh into .gpu/ (git-ignored
# through .git/info/exclude): this machine's Node binary, node_modules without the packages the
# check never loads (ONNX Runtime, the tokenizer peers, other platforms' Dawn builds), and the
# Vulkan loader's Debian package. Compressed it is ≈ 43 MB; carry `.gpu` and `dist` with the call.
#
# Usage: bash bench/gpu-kit.sh   (after npm ci and npm run build)

set -eu
cd "$(dirname "$0")/.."
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >>.git/info/exclude
mkdir -p .gpu
xz -T0 -6 -c "$(command -v node)" >.gpu/node.xz
tar --exclude='node_modules/onnxruntime-node' --exclude='node_modules/onnxruntime-web' \
  --exclude='node_modules/tokenizers' --exclude='node_modules/@tokenizers' --exclude='node_modules/@huggingface' \
  --exclude='node_modules/webgpu/dist/darwin-*' --exclude='node_modules/webgpu/dist/win32-*' \
  --exclude='node_modules/webgpu/dist/linux-arm64' \
  --exclude='node_modules/gpu.js/node_modules/webgpu/dist/darwin-*' \
  --exclude='node_modules/gpu.js/node_modules/webgpu/dist/win32-*' \
  -cf - node_modules | xz -T0 -6 >.gpu/nm.tar.xz
lists=$(mktemp -d)
mkdir -p "$lists/partial"
apt_amd64=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
apt-get "${apt_amd64[@]}" update -qq
(cd .gpu && apt-get "${apt_amd64[@]}" download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libgles2 libopengl0)
du -ch .gpu/* | tail -n 1
