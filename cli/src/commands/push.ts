/**
 * `wisp push FILE REF [--insecure]`: publishes a WebAssembly component to an OCI registry in the
 * CNCF wasm artifact layout and prints `pushed REF@sha256:…`, the reference to pin pods to.
 * Plain http is used for loopback registries, and for REF's registry with `--insecure`.
 */
import { resolve } from 'node:path';
import { systemClock } from '@wisp/core';
import { parseImageRef } from '@wisp/runtime-wasm/image/image-ref.ts';
import { defaultInsecureHosts } from '@wisp/runtime-wasm/image/registry-endpoint.ts';
import { pushComponent } from '@wisp/runtime-wasm/image/push-component.ts';
import { parseFlags, UsageError } from '../flags.ts';

const usage = 'usage: wisp push FILE REF [--insecure]   (REF: registry/repo:tag)';

export const pushCommand = {
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseFlags(args, { insecure: { type: 'boolean' } });
    const [file, image, ...extra] = positionals;
    if (!file || !image || extra.length) throw new UsageError(usage);
    const ref = parseImageRef(image);
    const insecureHosts =
      values.insecure && ref.kind === 'registry'
        ? [...defaultInsecureHosts, ref.registry]
        : defaultInsecureHosts;
    const pushed = await pushComponent(
      resolve(file),
      image,
      { insecureHosts },
      { clock: systemClock() },
    );
    process.stdout.write(`pushed ${pushed.ref}@${pushed.digest}\n`);
    return 0;
  },
};
