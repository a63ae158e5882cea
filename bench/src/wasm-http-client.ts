/** A minimal loopback HTTP client for the wasm benchmarks (node:http, keep-alive agent). */
import { Agent, request } from 'node:http';

const bodyBytesMax = 1024 * 1024;

/** GET `path` and resolve with the body; rejects on a non-200 answer. */
export function getOnce(host: string, port: number, path = '/', agent?: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > bodyBytesMax) req.destroy(new Error(`body over ${bodyBytesMax} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(body);
        else reject(new Error(`GET ${path}: ${res.statusCode} ${body.slice(0, 200)}`));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
