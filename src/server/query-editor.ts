import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from 'pino';

/** Where the editor lives; GET /graphql from a browser's address bar is sent here (issue 13). */
export const EDITOR_PATH = '/editor/';

/** The part of `altair-static` we use: the page with its options inlined, and the folder of its assets. */
interface AltairStatic {
  renderAltair(options: Record<string, unknown>): string;
  getDistDirectory(): string;
  isSandboxFrame(file: string): boolean;
  SANDBOX_FRAME_CSP: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const INITIAL_QUERY = `# Zoco: one catalog, many sellers. Ctrl+Enter runs the query.
query Products {
  products(first: 5) {
    nodes { title priceRange { min { formatted } } }
  }
}
`;

/**
 * Loaded when the editor is first asked for, not at start: a production image without the editor
 * (ZOCO_QUERY_EDITOR=false) never reads the package, and a missing package is a 404, not a crash.
 */
function loadAltair(): AltairStatic | null {
  try {
    return createRequire(__filename)('altair-static') as AltairStatic;
  } catch {
    return null;
  }
}

/**
 * Altair (npm `altair-static`) served from this process: its page, scripts, styles and fonts all come
 * from the package, so it works offline and without a CDN (issue 13). The page talks to `/graphql` on
 * the same origin; `initialHeaders` stay empty so that no credential is ever rendered into it.
 */
export function createQueryEditor({ log }: { log: Logger }) {
  let altair: AltairStatic | null | undefined;
  let page: string | undefined;
  let dist: string | undefined;

  function send(res: ServerResponse, status: number, type: string, body: string): void {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    res.end(body);
  }

  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    if (altair === undefined) {
      altair = loadAltair();
      if (!altair) log.warn('the query editor needs the npm package altair-static: npm install altair-static');
    }
    if (!altair) return send(res, 404, 'text/plain; charset=utf-8', 'The query editor is not installed (npm package altair-static).\n');
    if (pathname === EDITOR_PATH || pathname === `${EDITOR_PATH}index.html`) {
      page ??= altair.renderAltair({
        baseURL: EDITOR_PATH,
        endpointURL: '/graphql',
        initialQuery: INITIAL_QUERY,
        initialName: 'Zoco',
        disableAccount: true,
        initialSettings: { 'alert.disableUpdateNotification': true, disablePushNotification: true, 'schema.reloadOnStart': true },
      });
      return send(res, 200, 'text/html; charset=utf-8', page);
    }
    dist ??= altair.getDistDirectory();
    // Decoded and normalised before the check, so that neither `..` nor `%2e%2e` leaves the folder.
    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(EDITOR_PATH.length));
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'Malformed path.\n');
    }
    const file = path.resolve(dist, relative);
    const info = relative.length <= 300 && !relative.includes('\0') && file.startsWith(dist + path.sep) ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) return send(res, 404, 'text/plain; charset=utf-8', 'Not found.\n');
    const headers: Record<string, string> = {
      'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(info.size),
      // The assets' names carry no hash everywhere (index.html, styles.css): revalidate rather than pin.
      'cache-control': 'no-cache',
      'last-modified': info.mtime.toUTCString(),
      'x-content-type-options': 'nosniff',
    };
    // Scripts the user writes (pre-request scripts) run in this frame; the package asks for a sandbox.
    if (altair.isSandboxFrame(relative)) headers['content-security-policy'] = altair.SANDBOX_FRAME_CSP;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    await new Promise<void>((resolve, reject) => {
      createReadStream(file).on('error', reject).on('end', resolve).pipe(res);
    });
  };
}
