import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Env, hfHome, hubCacheDir } from './cachePaths.js';
import { HubError } from './errors.js';
import type { ProgressListener, ProgressStream } from './progress.js';

/** Options shared by every download entry point; each falls back to the variable huggingface_hub reads. */
export interface HubOptions {
  /** Branch, tag or 40-hex commit. Default `main`. */
  readonly revision?: string;
  /** Access token for private or gated repos. Default `HF_TOKEN`, then the token file `huggingface-cli login` writes. */
  readonly token?: string;
  /** Hub base URL. Default `HF_ENDPOINT`, then `https://huggingface.co`. */
  readonly hubEndpoint?: string;
  /** Cache root. Default `HF_HUB_CACHE`, then `HF_HOME/hub`, then `~/.cache/huggingface/hub`. */
  readonly cacheDir?: string;
  /** Use only the cache. Default `HF_HUB_OFFLINE` (or `TRANSFORMERS_OFFLINE`) set to 1/ON/YES/TRUE. */
  readonly offline?: boolean;
  /** No progress bar. Also implied by `HF_HUB_DISABLE_PROGRESS_BARS`; the bar needs a terminal anyway. */
  readonly quiet?: boolean;
  /** Called on every chunk received, whether or not the bar is drawn. */
  readonly onProgress?: ProgressListener;
  /** Where the bar is drawn (when `isTTY`). Default `process.stderr`. */
  readonly progressStream?: ProgressStream;
  /** How long to wait for a response, or for the next bytes of a body, before giving up. Default 10 s. */
  readonly timeoutMs?: number;
}

export interface HubSettings {
  readonly endpoint: string;
  readonly token: string | undefined;
  readonly cacheDir: string;
  /** Why only the cache may be used, for the error message; undefined when online. */
  readonly offlineReason: string | undefined;
  readonly quiet: boolean;
  readonly onProgress: ProgressListener | undefined;
  readonly progressStream: ProgressStream | undefined;
  readonly timeoutMs: number;
}

const DEFAULT_ENDPOINT = 'https://huggingface.co';
const DEFAULT_TIMEOUT_MS = 10_000;
const TRUE_VALUES = new Set(['1', 'ON', 'YES', 'TRUE']);

function isTrue(value: string | undefined): boolean {
  return value !== undefined && TRUE_VALUES.has(value.toUpperCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function resolveEndpoint(option: string | undefined, env: Env): string {
  const raw = nonEmpty(option) ?? nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_ENDPOINT;
  const source = nonEmpty(option) !== undefined ? 'the hubEndpoint option' : 'HF_ENDPOINT';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HubError('InvalidArgument', `${source} '${raw}' is not a URL: expected e.g. ${DEFAULT_ENDPOINT}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new HubError('InvalidArgument', `${source} '${raw}' must be an http(s) URL`);
  }
  return raw.replace(/\/+$/, '');
}

/** huggingface_hub's order: `HF_TOKEN`, the deprecated `HUGGING_FACE_HUB_TOKEN`, then `HF_TOKEN_PATH` or `HF_HOME/token`. */
function resolveToken(option: string | undefined, env: Env): string | undefined {
  const fromEnv = nonEmpty(option) ?? nonEmpty(env.HF_TOKEN) ?? nonEmpty(env.HUGGING_FACE_HUB_TOKEN);
  if (fromEnv !== undefined) return fromEnv;
  const tokenPath = nonEmpty(env.HF_TOKEN_PATH) ?? join(hfHome(env), 'token');
  return existsSync(tokenPath) ? nonEmpty(readFileSync(tokenPath, 'utf8')) : undefined;
}

function resolveOfflineReason(option: boolean | undefined, env: Env): string | undefined {
  if (option !== undefined) return option ? 'offline mode is on (offline option)' : undefined;
  if (isTrue(env.HF_HUB_OFFLINE)) return 'offline mode is on (HF_HUB_OFFLINE)';
  if (isTrue(env.TRANSFORMERS_OFFLINE)) return 'offline mode is on (TRANSFORMERS_OFFLINE)';
  return undefined;
}

export function resolveHubSettings(options: HubOptions, env: Env = process.env): HubSettings {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) {
    throw new HubError('InvalidArgument', `timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  return {
    endpoint: resolveEndpoint(options.hubEndpoint, env),
    token: resolveToken(options.token, env),
    cacheDir: nonEmpty(options.cacheDir) ?? hubCacheDir(env),
    offlineReason: resolveOfflineReason(options.offline, env),
    quiet: options.quiet ?? isTrue(env.HF_HUB_DISABLE_PROGRESS_BARS),
    onProgress: options.onProgress,
    progressStream: options.progressStream,
    timeoutMs,
  };
}
