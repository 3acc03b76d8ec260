// A page of the test server in headless Chromium, with the bundle's harness (harness.mjs) one
// call away. Failures inside the page come back as the page's own error messages.

import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { StaticServer, type StaticServerOptions } from './staticServer.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HARNESS = '/test/browser/harness.mjs';

/** The URL path the test server gives a file or folder of the repository. */
export const servedPath = (path: string): string => `/${relative(ROOT, path)}`;

export interface OutputValues {
  readonly shape: number[];
  readonly data: number[];
}

export interface ForwardResult {
  readonly outputs: Record<string, OutputValues>;
  readonly counts: { readonly hiddenStates: number; readonly attentions: number };
  readonly log: string[];
  /** Set when the backend was chosen by name. */
  readonly selection?: { readonly chosen: string; readonly lines: string[] };
  readonly description: string;
}

export interface ForwardRequest {
  readonly source: string;
  readonly backend: string;
  readonly inputs: { readonly input_ids: unknown; readonly attention_mask: unknown };
  readonly options?: Record<string, unknown>;
}

export class TestPage {
  private constructor(
    readonly server: StaticServer,
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async open(options: StaticServerOptions): Promise<TestPage> {
    const server = await StaticServer.start(options);
    const browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    return new TestPage(server, browser, page);
  }

  /** harness.forward in the page (see harness.mjs). */
  forward(request: ForwardRequest): Promise<ForwardResult> {
    return this.page.evaluate(async ([harness, r]) => (await import(harness)).forward(r), [HARNESS, request] as const) as Promise<ForwardResult>;
  }

  /** Runs `body` (an async function's source, of the bundle `R` and `args`) in the page. */
  run<T>(body: string, args: unknown = null): Promise<T> {
    return this.page.evaluate(
      async ([harness, source, a]) => {
        const { R } = await import(harness);
        return new Function('R', 'args', `return (async () => { ${source} })();`)(R, a);
      },
      [HARNESS, body, args] as const,
    ) as Promise<T>;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.close();
  }
}
