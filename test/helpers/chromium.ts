import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

/** Debian's `chromium` (`.ci/run` installs it); ZOCO_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env['ZOCO_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * The suites that need a browser run only where it is installed, and say so when it is not; in CI
 * (`CI=true`, where `.ci/run` installs it) a missing browser is a failure, not a silent skip.
 */
export function describeInChromium(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, fn);
    return;
  }
  if (process.env['CI']) throw new Error(`${CHROMIUM} is missing: .ci/run installs the Debian package chromium`);
  console.warn(`SKIPPED "${name}": no Chromium at ${CHROMIUM} (apt-get install chromium, or set ZOCO_CHROMIUM)`);
  describe.skip(name, fn);
}

// The part of playwright-core's API these tests use (a devDependency, loaded only when a browser runs).
export interface Route {
  request(): { url(): string };
  continue(): Promise<void>;
  abort(errorCode?: string): Promise<void>;
}
export interface Locator {
  click(): Promise<void>;
  waitFor(options?: { state?: 'visible' | 'attached'; timeout?: number }): Promise<void>;
  textContent(): Promise<string | null>;
  first(): Locator;
}
export interface Page {
  goto(url: string, options?: { waitUntil?: 'load' | 'domcontentloaded' | 'networkidle' }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  locator(selector: string): Locator;
  keyboard: { press(key: string): Promise<void> };
  waitForResponse(predicate: (res: { url(): string; request(): { method(): string; postData(): string | null }; status(): number }) => boolean, options?: { timeout?: number }): Promise<{ json(): Promise<any> }>;
  on(event: 'console', fn: (msg: { type(): string; text(): string }) => void): void;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
}
export interface BrowserContext {
  route(pattern: string | RegExp | ((url: URL) => boolean), handler: (route: Route) => unknown): Promise<void>;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
export interface Browser {
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}
interface PlaywrightCore {
  chromium: { launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser> };
}

/**
 * Headless Chromium with nothing of its own talking to the network (no updates, sync, QUIC or
 * first-run pages). Playwright gives every launch a fresh temporary profile (its --user-data-dir).
 */
export async function launchChromium(): Promise<Browser> {
  let playwright: PlaywrightCore;
  try {
    playwright = createRequire(__filename)('playwright-core') as PlaywrightCore;
  } catch {
    throw new Error('the browser tests need the devDependency playwright-core: run npm install');
  }
  return playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page's origin: a tiny HTTP server on 127.0.0.1 answering every GET with `html`. */
export async function servePage(html: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Only this machine: a test page that reached anywhere else would not be testing offline use. */
export const isLocal = (url: string): boolean => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
};

/**
 * A browser context that is offline but for this machine: anything else fails as with no network at all,
 * and its URL is pushed to `external` (a test asserts it stays empty).
 */
export async function offlineContext(browser: Browser, external: string[]): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    if (isLocal(route.request().url())) return route.continue();
    external.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  return context;
}
