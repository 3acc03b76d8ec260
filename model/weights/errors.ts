// One error type for every malformed checkpoint, so callers (the CLI, the model loader) can tell
// "this file is bad" apart from programming errors. The message always starts with the file (and
// where possible the tensor, zip entry or pickle offset) so the user knows what to fix.

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}
