// The newcomer's path: the README's first command, exactly as written, on a fresh copy of the
// repository, with nothing set in the environment but where the Hub is (a local stand-in serving
// the README's example model the way the real repository is: pytorch_model.bin, no safetensors,
// vocab.json + merges.txt) and where its cache goes. `npm ci` runs for real against the npm
// registry, so a dependency whose install script needs a download or an environment variable
// fails here as it would for a newcomer. The README's second command is what `.ci/run` runs.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureRandomModel, RANDOM_MODEL_PRESETS } from '../../bench/randomModel.js';
import { DEFAULT_CLASSIFY_MODEL } from '../../cli/classify.js';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import { runProcess, type ProcessRun } from '../childProcess.js';
import { FakeHub, type RepoFile } from '../hub/fakeHub.js';
import { torchSaveFloat32 } from '../model/weights/torchWriter.js';
import { makeTempDir } from '../tempDir.js';
import { ciRun, freshCopy, readme, readmeCommands } from './readme.js';

const COMMIT = 'e'.repeat(40);

/** The README example model's repository as the Hub holds it, with seeded random weights of the tiny preset. */
async function standInRepo(dir: string): Promise<{ files: Record<string, RepoFile>; labels: string[] }> {
  await ensureRandomModel(dir, RANDOM_MODEL_PRESETS.tiny);
  const weightsPath = join(dir, 'model.safetensors');
  const weights = safetensorsTensors(parseSafetensors(readFileSync(weightsPath), weightsPath));
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { id2label: Record<string, string> };
  return {
    files: {
      'config.json': { content: readFileSync(join(dir, 'config.json')) },
      'vocab.json': { content: readFileSync(join(dir, 'vocab.json')) },
      'merges.txt': { content: readFileSync(join(dir, 'merges.txt')) },
      'pytorch_model.bin': { content: torchSaveFloat32(weights), lfs: true },
    },
    labels: Object.values(config.id2label),
  };
}

/** Runs `command` with bash in `cwd` with exactly `env`: nothing inherited, not even npm's own npm_* variables. */
function runShell(command: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<ProcessRun> {
  return runProcess('bash', ['-c', command], { cwd, env, timeout: timeoutMs, killSignal: 'SIGKILL' });
}

describe("the README's commands", () => {
  it('are two: install-build-run and test; .ci/run runs the test command as its last step and sets no environment variable', () => {
    const { test } = readmeCommands();
    const ci = ciRun();
    expect(ci.lastCommand).toBe(test);
    // A variable exported here would make CI pass where a newcomer's machine fails.
    expect(ci.text).not.toMatch(/^\s*export\s/m);
    expect(ci.text).not.toMatch(/ONNXRUNTIME/);
  });

  describe('on a fresh copy with nothing set', () => {
    let root: string;
    let hub: FakeHub;
    let labels: string[];

    beforeAll(async () => {
      root = makeTempDir('newcomer');
      hub = await FakeHub.start();
      const repo = await standInRepo(join(root, 'model'));
      labels = repo.labels;
      hub.addRepo(DEFAULT_CLASSIFY_MODEL, { commits: { [COMMIT]: repo.files }, refs: { main: COMMIT } });
      freshCopy(join(root, 'roberta-ts'));
    });
    afterAll(async () => {
      await hub.close();
    });

    it('the first command installs, builds, downloads the example model (pytorch_model.bin only) and prints its best label with a score', async () => {
      expect(readme()).toContain(DEFAULT_CLASSIFY_MODEL);
      const { first } = readmeCommands();
      const env = {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: process.env.HOME ?? root, // npm's cache and the machine's own npm settings, as the newcomer has them
        HF_ENDPOINT: hub.url,
        HF_HOME: join(root, 'hf-home'), // a cache of its own: the download must happen in this run
      };
      const run = await runShell(first, join(root, 'roberta-ts'), env, 9 * 60_000);
      const context = `exit ${run.code}\n--- stdout (end) ---\n${run.stdout.slice(-3000)}\n--- stderr (end) ---\n${run.stderr.slice(-3000)}`;
      expect({ code: run.code, context }).toEqual({ code: 0, context });
      const lastLine = run.stdout.trimEnd().split('\n').at(-1) ?? '';
      expect(lastLine).toMatch(/^(\S+) (0|1)\.\d{4}$/);
      expect(labels).toContain(lastLine.split(' ')[0]);
      const snapshot = join(root, 'hf-home', 'hub', `models--${DEFAULT_CLASSIFY_MODEL.replace('/', '--')}`, 'snapshots', COMMIT);
      expect(readdirSync(snapshot).sort()).toEqual(['config.json', 'merges.txt', 'pytorch_model.bin', 'vocab.json']);
    }, 10 * 60_000);
  });
});
