// Build a RobertaTokenizer from a model directory, by either of HF's two routes:
//   - tokenizer.json (the "fast" format), preferred when present;
//   - vocab.json + merges.txt (the "slow" format), with the RobertaTokenizer defaults for
//     special tokens (`<mask>` strips the whitespace on its left).
// Both may be refined by tokenizer_config.json / special_tokens_map.json (and, for the slow
// route, added_tokens.json). Both routes give the same tokenizer for the same model.

import { joinPath, readTextFile } from '../platform/files.js';

import { ROBERTA_SPECIAL_TOKENS } from './definition.js';
import type { SpecialTokenNames, TokenizerDefinition } from './definition.js';
import { RobertaTokenizer } from './robertaTokenizer.js';
import type { TokenizerOptions } from './robertaTokenizer.js';
import type { AddedToken } from './specialTokens.js';
import { parseAddedTokensJson, parseSpecialTokensMap, parseTokenizerConfig } from './tokenizerConfig.js';
import type { AddedTokenFlags, TokenizerConfig } from './tokenizerConfig.js';
import { TokenizerFileError } from './tokenizerFileError.js';
import { parseTokenizerJson } from './tokenizerJson.js';
import type { TokenizerJson } from './tokenizerJson.js';
import { parseMergesTxt, parseVocabJson } from './vocabFiles.js';

/** Which files to build from: `auto` takes tokenizer.json when the directory has one. */
export type TokenizerSource = 'auto' | 'tokenizer.json' | 'vocab+merges';

export interface LoadOptions extends TokenizerOptions {
  readonly source?: TokenizerSource;
}

type Role = keyof SpecialTokenNames;
const ROLES = Object.keys(ROBERTA_SPECIAL_TOKENS) as Role[];

async function readText(path: string, missingHint = ''): Promise<string> {
  try {
    return await readTextFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TokenizerFileError(path, `file not found${missingHint}`);
    throw new TokenizerFileError(path, `cannot read the file (${(error as Error).message})`);
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readTextFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TokenizerFileError(path, `cannot read the file (${(error as Error).message})`);
  }
}

/** Merge the optional side files; later files override earlier ones role by role. */
async function readConfig(dir: string, withAddedTokensJson: boolean): Promise<TokenizerConfig> {
  const parsed: TokenizerConfig[] = [];
  const sources: Array<[string, (text: string, file: string) => TokenizerConfig]> = [
    ['tokenizer_config.json', parseTokenizerConfig],
    ['special_tokens_map.json', parseSpecialTokensMap],
  ];
  if (withAddedTokensJson) sources.push(['added_tokens.json', parseAddedTokensJson]);
  for (const [name, parse] of sources) {
    const path = joinPath(dir, name);
    const text = await readOptional(path);
    if (text !== undefined) parsed.push(parse(text, path));
  }
  return parsed.reduce(overlay, { specialTokens: {}, addedTokens: [] });
}

function overlay(base: TokenizerConfig, top: TokenizerConfig): TokenizerConfig {
  return {
    specialTokens: { ...base.specialTokens, ...top.specialTokens },
    addedTokens: [...base.addedTokens, ...top.addedTokens],
    addPrefixSpace: top.addPrefixSpace ?? base.addPrefixSpace,
    trimOffsets: top.trimOffsets ?? base.trimOffsets,
    cleanUpTokenizationSpaces: top.cleanUpTokenizationSpaces ?? base.cleanUpTokenizationSpaces,
    modelMaxLength: top.modelMaxLength ?? base.modelMaxLength,
  };
}

function roleFlags(role: Role, config: TokenizerConfig): AddedTokenFlags {
  // RobertaTokenizer's own default: only `<mask>` strips (the whitespace on its left).
  return config.specialTokens[role] ?? { content: ROBERTA_SPECIAL_TOKENS[role], special: true, lstrip: role === 'mask', rstrip: false };
}

/** Role names, with RoBERTa's `<s>`/`</s>` framing where none was named. */
function withFraming(names: Partial<Record<Role, string>>): SpecialTokenNames {
  return { ...names, cls: names.cls ?? ROBERTA_SPECIAL_TOKENS.cls, sep: names.sep ?? ROBERTA_SPECIAL_TOKENS.sep };
}

function sharedSettings(config: TokenizerConfig): Pick<TokenizerDefinition, 'cleanUpTokenizationSpaces' | 'modelMaxLength'> {
  return { cleanUpTokenizationSpaces: config.cleanUpTokenizationSpaces ?? true, modelMaxLength: config.modelMaxLength };
}

/**
 * The slow route, as transformers' RobertaTokenizer builds it: every special-token role becomes
 * an added token (with its vocabulary id, or a new id after the vocabulary if it has none).
 */
function definitionFromVocabFiles(
  vocab: Map<string, number>,
  merges: TokenizerDefinition['merges'],
  config: TokenizerConfig,
): TokenizerDefinition {
  const added = new Map<string, AddedToken>(config.addedTokens.map((token) => [token.content, token]));
  let nextId = 0;
  for (const id of [...vocab.values(), ...config.addedTokens.map((token) => token.id)]) if (id >= nextId) nextId = id + 1;
  const names: Partial<Record<Role, string>> = {};
  for (const role of ROLES) {
    const flags = roleFlags(role, config);
    names[role] = flags.content;
    if (!added.has(flags.content)) added.set(flags.content, { ...flags, id: vocab.get(flags.content) ?? nextId++ });
  }
  return {
    vocab,
    merges,
    addedTokens: [...added.values()],
    specialTokens: withFraming(names),
    addPrefixSpace: config.addPrefixSpace ?? false,
    trimOffsets: config.trimOffsets ?? true,
    ...sharedSettings(config),
  };
}

/**
 * The fast route. `cls`/`sep` come from the post-processor (`pad` from the padding settings, if
 * any); other roles from the side files, else RoBERTa's names when the tokenizer has such a token.
 */
function definitionFromTokenizerJson(json: TokenizerJson, config: TokenizerConfig): TokenizerDefinition {
  const known = (content: string): boolean =>
    json.vocab.has(content) || json.addedTokens.some((token) => token.content === content);
  const names: Partial<Record<Role, string>> = {};
  for (const role of ROLES) {
    const configured = config.specialTokens[role]?.content;
    const fromFile = role === 'cls' ? json.cls : role === 'sep' ? json.sep : role === 'pad' ? json.pad : undefined;
    const name = fromFile ?? configured ?? ROBERTA_SPECIAL_TOKENS[role];
    if (fromFile !== undefined || configured !== undefined || known(name)) names[role] = name;
  }
  return {
    vocab: json.vocab,
    merges: json.merges,
    addedTokens: json.addedTokens,
    specialTokens: withFraming(names),
    addPrefixSpace: config.addPrefixSpace ?? json.addPrefixSpace,
    trimOffsets: config.trimOffsets ?? json.trimOffsets,
    ...sharedSettings(config),
  };
}

/**
 * Load the tokenizer of a model directory. Errors name the file and the problem
 * ({@link TokenizerFileError}), with the line for a bad merges.txt line.
 */
export async function loadTokenizer(dir: string, options: LoadOptions = {}): Promise<RobertaTokenizer> {
  const source = options.source ?? 'auto';
  const tokenizerJsonPath = joinPath(dir, 'tokenizer.json');
  let tokenizerJsonText: string | undefined;
  if (source === 'tokenizer.json') tokenizerJsonText = await readText(tokenizerJsonPath);
  else if (source === 'auto') tokenizerJsonText = await readOptional(tokenizerJsonPath);

  const config = await readConfig(dir, tokenizerJsonText === undefined);
  let definition: TokenizerDefinition;
  let mainFile: string;
  if (tokenizerJsonText !== undefined) {
    mainFile = tokenizerJsonPath;
    definition = definitionFromTokenizerJson(parseTokenizerJson(tokenizerJsonText, tokenizerJsonPath), config);
  } else {
    const hint = source === 'auto' ? ' (and there is no tokenizer.json)' : '';
    mainFile = joinPath(dir, 'vocab.json');
    const mergesPath = joinPath(dir, 'merges.txt');
    const vocab = parseVocabJson(await readText(mainFile, hint), mainFile);
    const merges = parseMergesTxt(await readText(mergesPath, hint), mergesPath, vocab);
    definition = definitionFromVocabFiles(vocab, merges, config);
  }
  try {
    return new RobertaTokenizer(definition, options);
  } catch (error) {
    throw new TokenizerFileError(mainFile, (error as Error).message);
  }
}
