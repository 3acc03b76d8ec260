// Registers the WebGPU backend and its kernels. Importing this module is what makes `webgpu`
// exist; the backend itself (a device) is only created when selected.

import { registerKernel } from '../../engine/registry.js';
import { registerBackend } from '../../engine/select.js';
import { environment } from '../../platform/host.js';
import { attention, qkvAttention } from './attention.js';
import { binary } from './binary.js';
import { createWebGpuBackend } from './create.js';
import { cumsum } from './cumsum.js';
import { scatterAdd, sumTo, unaryBackward } from './elementwiseBackward.js';
import { gather } from './gather.js';
import { layerNorm } from './layerNorm.js';
import { cast, scale, unary } from './map.js';
import { linear, matmul } from './matmul.js';
import { MATMUL_VERSION_ENV, parseMatmulVersion } from './matmulVersions.js';
import { quantizedLinear } from './quantizedLinear.js';
import { layerNormBackward, logSoftmax, softmaxBackward } from './rowsBackward.js';
import { softmax } from './softmax.js';
import { concat, permute, slice } from './stridedCopy.js';
import { argmax, topk } from './topk.js';

// ROBERTA_WEBGPU_MATMUL=naive|tiled|blocked pins the matrix-product kernel, to time the versions end to end.
registerBackend({
  name: 'webgpu',
  priority: 20,
  create: () => {
    const pinned = environment()[MATMUL_VERSION_ENV];
    return createWebGpuBackend(pinned ? { matmul: parseMatmulVersion(pinned, MATMUL_VERSION_ENV) } : {});
  },
});

registerKernel('webgpu', 'matmul', matmul);
registerKernel('webgpu', 'linear', linear);
registerKernel('webgpu', 'quantizedLinear', quantizedLinear);
registerKernel('webgpu', 'binary', binary);
registerKernel('webgpu', 'scale', scale);
registerKernel('webgpu', 'unary', unary);
registerKernel('webgpu', 'softmax', softmax);
registerKernel('webgpu', 'attention', attention);
registerKernel('webgpu', 'qkvAttention', qkvAttention);
registerKernel('webgpu', 'layerNorm', layerNorm);
registerKernel('webgpu', 'gather', gather);
registerKernel('webgpu', 'permute', permute);
registerKernel('webgpu', 'slice', slice);
registerKernel('webgpu', 'concat', concat);
registerKernel('webgpu', 'cumsum', cumsum);
registerKernel('webgpu', 'argmax', argmax);
registerKernel('webgpu', 'topk', topk);
registerKernel('webgpu', 'cast', cast);

// Training.
registerKernel('webgpu', 'sumTo', sumTo);
registerKernel('webgpu', 'logSoftmax', logSoftmax);
registerKernel('webgpu', 'unaryBackward', unaryBackward);
registerKernel('webgpu', 'softmaxBackward', softmaxBackward);
registerKernel('webgpu', 'layerNormBackward', layerNormBackward);
registerKernel('webgpu', 'scatterAdd', scatterAdd);
