// A static file server for the demo (any static server works; this one needs nothing
// but Node): `node test/serve.mjs [PORT]` serves web-demo/ on http://127.0.0.1:PORT/.
// Extra folders can be mounted under a URL prefix (the browser test mounts bundles).
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm',
  '.md': 'text/plain; charset=utf-8', '.png': 'image/png',
};

export const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Starts a server on 127.0.0.1 (port 0: any free port); `mounts`: { '/prefix/': dir }. */
export function serve({ root = DEMO_DIR, port = 0, mounts = {} } = {}) {
  const server = http.createServer(async (request, response) => {
    try {
      let pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
      let base = root;
      for (const [prefix, dir] of Object.entries(mounts)) {
        if (pathname.startsWith(prefix)) { base = dir; pathname = pathname.slice(prefix.length - 1); break; }
      }
      if (pathname.endsWith('/')) pathname += 'index.html';
      const file = path.join(base, path.normalize(pathname));
      if (!file.startsWith(path.resolve(base))) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
      if (!(await stat(file)).isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      response.end(body);
    } catch (error) {
      response.writeHead(error.code === 'ENOENT' ? 404 : 500, { 'content-type': 'text/plain' });
      response.end(String(error.message));
    }
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await serve({ port: Number(process.argv[2] || 8080) });
  console.log(`serving ${DEMO_DIR} at ${url}`);
}
