// Registers the CPU backend and its kernels. Importing this module is what makes `cpu` exist.

import { registerKernel } from '../../engine/registry.js';
import { registerBackend } from '../../engine/select.js';
import { argmax } from './argmax.js';
import { attention, qkvAttention } from './attention.js';
import { CpuBackend } from './backend.js';
import { binary } from './binary.js';
import { cast } from './cast.js';
import { concat } from './concat.js';
import { cumsum } from './cumsum.js';
import { gather, scatterAdd } from './gather.js';
import { layerNorm, layerNormBackward } from './layerNorm.js';
import { linear } from './linear.js';
import { logSoftmax } from './logSoftmax.js';
import { matmul } from './matmul.js';
import { permute } from './permute.js';
import { scale } from './scale.js';
import { slice } from './slice.js';
import { softmax, softmaxBackward } from './softmax.js';
import { sumTo } from './sumTo.js';
import { topk } from './topk.js';
import { unary, unaryBackward } from './unary.js';

registerBackend({ name: 'cpu', priority: 0, create: () => new CpuBackend() });

registerKernel('cpu', 'matmul', matmul);
registerKernel('cpu', 'linear', linear);
registerKernel('cpu', 'binary', binary);
registerKernel('cpu', 'scale', scale);
registerKernel('cpu', 'unary', unary);
registerKernel('cpu', 'softmax', softmax);
registerKernel('cpu', 'attention', attention);
registerKernel('cpu', 'qkvAttention', qkvAttention);
registerKernel('cpu', 'layerNorm', layerNorm);
registerKernel('cpu', 'gather', gather);
registerKernel('cpu', 'permute', permute);
registerKernel('cpu', 'slice', slice);
registerKernel('cpu', 'concat', concat);
registerKernel('cpu', 'cumsum', cumsum);
registerKernel('cpu', 'argmax', argmax);
registerKernel('cpu', 'topk', topk);
registerKernel('cpu', 'cast', cast);
registerKernel('cpu', 'sumTo', sumTo);
registerKernel('cpu', 'logSoftmax', logSoftmax);
registerKernel('cpu', 'unaryBackward', unaryBackward);
registerKernel('cpu', 'softmaxBackward', softmaxBackward);
registerKernel('cpu', 'layerNormBackward', layerNormBackward);
registerKernel('cpu', 'scatterAdd', scatterAdd);
