// Jest runs the TypeScript sources as native ES modules (ts-jest's ESM preset), so code that
// uses `import.meta` or imports ESM-only packages (such as `webgpu`) behaves as it does in Node.
// Type checking is done once by `tsc --noEmit` (npm test), so ts-jest only transpiles.
/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testTimeout: 120000,
};
