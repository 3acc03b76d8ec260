// The engine with only the CPU reference backend registered. Tests of the engine and kernels
// import it instead of the package entry point, which also brings in the model, the tokenizer
// and (as they are added) other backends these tests must not depend on.

import '../../kernels/cpu/register.js';

export * from '../../engine/index.js';
