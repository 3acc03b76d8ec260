import { homedir } from 'node:os';
import { join } from 'node:path';
import { hfHome, hubCacheDir, isCommitHash, RepoCacheLayout, repoFolderName } from '../../hub/cachePaths.js';

describe('hubCacheDir', () => {
  it('prefers HF_HUB_CACHE, then the legacy HUGGINGFACE_HUB_CACHE, then HF_HOME/hub', () => {
    const all = { HF_HUB_CACHE: '/a', HUGGINGFACE_HUB_CACHE: '/b', HF_HOME: '/c', XDG_CACHE_HOME: '/d' };
    expect(hubCacheDir(all)).toBe('/a');
    expect(hubCacheDir({ ...all, HF_HUB_CACHE: undefined })).toBe('/b');
    expect(hubCacheDir({ HF_HOME: '/c', XDG_CACHE_HOME: '/d' })).toBe('/c/hub');
  });

  it('falls back to XDG_CACHE_HOME/huggingface/hub, then ~/.cache/huggingface/hub', () => {
    expect(hubCacheDir({ XDG_CACHE_HOME: '/d' })).toBe('/d/huggingface/hub');
    expect(hubCacheDir({})).toBe(join(homedir(), '.cache', 'huggingface', 'hub'));
  });

  it('treats an empty variable as unset and expands a leading ~', () => {
    expect(hubCacheDir({ HF_HUB_CACHE: '', HF_HOME: '~/hf' })).toBe(join(homedir(), 'hf', 'hub'));
    expect(hfHome({ HF_HOME: '/x' })).toBe('/x');
  });
});

describe('cache layout', () => {
  it('names repo folders as huggingface_hub does', () => {
    expect(repoFolderName('FacebookAI/roberta-base')).toBe('models--FacebookAI--roberta-base');
    expect(repoFolderName('roberta-base')).toBe('models--roberta-base');
  });

  it('places blobs, refs, snapshots, .no_exist markers and download locks', () => {
    const layout = new RepoCacheLayout('/cache', 'org/name');
    const commit = 'a'.repeat(40);
    expect(layout.root).toBe('/cache/models--org--name');
    expect(layout.blob('abc')).toBe('/cache/models--org--name/blobs/abc');
    expect(layout.incompleteBlob('abc')).toBe('/cache/models--org--name/blobs/abc.incomplete');
    // Beside Python's `.locks/models--org--name/abc.lock`, not on it (see hub/blobLock.ts).
    expect(layout.blobLock('abc')).toBe('/cache/.locks/models--org--name/abc.node.lock');
    expect(layout.ref('main')).toBe('/cache/models--org--name/refs/main');
    expect(layout.ref('refs/pr/1')).toBe('/cache/models--org--name/refs/refs/pr/1');
    expect(layout.pointer(commit, 'onnx/model.onnx')).toBe(`/cache/models--org--name/snapshots/${commit}/onnx/model.onnx`);
    expect(layout.noExistMarker(commit, 'added_tokens.json')).toBe(
      `/cache/models--org--name/.no_exist/${commit}/added_tokens.json`,
    );
  });

  it('recognises only full lowercase 40-hex commit ids', () => {
    expect(isCommitHash('0123456789abcdef0123456789abcdef01234567')).toBe(true);
    expect(isCommitHash('0123456789abcdef')).toBe(false);
    expect(isCommitHash('0123456789ABCDEF0123456789ABCDEF01234567')).toBe(false);
    expect(isCommitHash('main')).toBe(false);
  });
});
