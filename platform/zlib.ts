// Inflating and checksumming zip entries (PyTorch checkpoints are zip archives), in Node: zlib.
// The browser bundle replaces this module with zlib.browser.ts.

export { crc32, inflateRawSync } from 'node:zlib';
