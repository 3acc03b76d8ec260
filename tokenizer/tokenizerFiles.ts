// The files a Hugging Face tokenizer may be saved as, in a model folder: the fast format
// (tokenizer.json), the slow one (vocab.json + merges.txt, with added_tokens.json), and the side
// files both read (tokenizer_config.json, special_tokens_map.json). loadTokenizer reads only these.

export const TOKENIZER_FILES = [
  'tokenizer.json',
  'vocab.json',
  'merges.txt',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
] as const;
