// Errors about training text always say which file and what is wrong with it.

/** A text file for training or evaluation is missing, unreadable, empty, or too short. */
export class DataFileError extends Error {
  override readonly name = 'DataFileError';

  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}
