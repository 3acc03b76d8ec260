// roberta-ts: the public entry point. Importing it registers the CPU reference backend.

import './kernels/cpu/register.js';

export * from './engine/index.js';
