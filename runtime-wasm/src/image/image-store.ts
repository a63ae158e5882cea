/**
 * Where wasm pods get their components: `pull(ref)` resolves a reference to a verified `.wasm`
 * file in a content-addressed cache, fetching only what the cache lacks.
 *
 *   const images = createImageStore({ cacheDir, cacheBytesMax: 1 << 30 }, { clock });
 *   const { digest, path } = await images.pull('127.0.0.1:5000/hello:v1');
 *   images.pin(digest); // while instances run from `path`; unpin after
 *
 * A pull by digest that is cached makes no request; a pull by tag asks for the manifest (tags
 * move) but not the blob, and falls back to the last good answer when no registry answers, so
 * a site that is offline keeps starting the pods it ran before. Every failure is an
 * `ImagePullError` whose message says why.
 */
import { open } from 'node:fs/promises';
import { ImagePullError, type Clock } from '@wisp/core';
import { openBlobCache, type BlobCache, type IngestExpect } from './blob-cache.ts';
import { componentHeaderBytes, componentProblem } from './component-header.ts';
import { ImageRefError, RegistryError } from './image-errors.ts';
import { openImageIndex, type ImageIndex } from './image-index.ts';
import {
  formatImageRef,
  parseImageRef,
  type ImageRef,
  type RegistryImageRef,
  type UrlImageRef,
} from './image-ref.ts';
import {
  createRegistryClient,
  type RegistryClient,
  type RegistryClientInit,
} from './registry-client.ts';
import { defaultInsecureHosts } from './registry-endpoint.ts';
import { bodyChunks, createRegistryHttp, type Fetch, type RegistryHttp } from './registry-http.ts';
import { openUrlSource } from './url-source.ts';

export interface ImageStoreInit extends RegistryClientInit {
  readonly cacheDir: string;
  /** Disk the cached components may use; least recently used unpinned ones go first. */
  readonly cacheBytesMax: number;
}

export interface ImageStoreComponents {
  readonly clock: Clock;
  readonly fetch?: Fetch;
}

export interface PulledImage {
  /** The component's own sha256 (the layer digest for registry images). */
  readonly digest: string;
  /** The verified component file; do not write to it. */
  readonly path: string;
  readonly size: number;
}

export interface ImageStore {
  pull(ref: string): Promise<PulledImage>;
  /** Whether `pull(ref)` could be answered from the cache (as far as this process knows). */
  cached(ref: string): boolean;
  /** Keeps a component from eviction while instances use it; counted, so pair with unpin. */
  pin(digest: string): void;
  unpin(digest: string): void;
}

export function createImageStore(
  init: ImageStoreInit,
  components: ImageStoreComponents,
): ImageStore {
  const fetchFn = components.fetch ?? ((u: string, i?: RequestInit) => fetch(u, i));
  const client = createRegistryClient(init, { clock: components.clock, fetch: fetchFn });
  const http = createRegistryHttp(
    {
      insecureHosts: init.insecureHosts ?? defaultInsecureHosts,
      requestTimeoutMs: client.limits.requestTimeoutMs,
    },
    { clock: components.clock, fetch: fetchFn },
  );
  const cache = openBlobCache(
    { dir: init.cacheDir, bytesMax: init.cacheBytesMax },
    { clock: components.clock },
  );
  const index = openImageIndex(init.cacheDir);
  // The index is a shortcut; failing to rewrite it costs a network round trip, nothing more.
  cache.onEvict((digest) => void index.forgetLayer(digest).catch(() => undefined));
  return new CachingImageStore(client, http, cache, index);
}

class CachingImageStore implements ImageStore {
  readonly #client: RegistryClient;
  readonly #http: RegistryHttp;
  readonly #cache: BlobCache;
  readonly #index: ImageIndex;
  readonly #blobs: BlobFetcher;
  readonly #pulls = new Map<string, Promise<PulledImage>>();

  constructor(client: RegistryClient, http: RegistryHttp, cache: BlobCache, index: ImageIndex) {
    this.#client = client;
    this.#http = http;
    this.#cache = cache;
    this.#index = index;
    this.#blobs = new BlobFetcher(cache);
  }

  pull(image: string): Promise<PulledImage> {
    let ref: ImageRef;
    try {
      ref = parseImageRef(image);
    } catch (e) {
      const why = e instanceof ImageRefError ? e.reason : String(e);
      return Promise.reject(new ImagePullError(image, why, { cause: e }));
    }
    const key = formatImageRef(ref);
    const running = this.#pulls.get(key);
    if (running) return running;
    const p = this.#pullParsed(image, ref).finally(() => this.#pulls.delete(key));
    this.#pulls.set(key, p);
    return p;
  }

  cached(image: string): boolean {
    let ref: ImageRef;
    try {
      ref = parseImageRef(image);
    } catch {
      return false;
    }
    if (ref.kind === 'url') return this.#cache.has(ref.digest);
    const manifest = ref.digest ?? this.#index.tag(formatImageRef(ref));
    const layer = manifest === undefined ? undefined : this.#index.layer(manifest);
    return layer !== undefined && this.#cache.has(layer);
  }

  pin(digest: string): void {
    this.#cache.pin(digest);
  }

  unpin(digest: string): void {
    this.#cache.unpin(digest);
  }

  async #pullParsed(image: string, ref: ImageRef): Promise<PulledImage> {
    try {
      return await (ref.kind === 'url' ? this.#pullUrl(ref) : this.#pullRegistry(ref));
    } catch (e) {
      throw new ImagePullError(image, e instanceof Error ? e.message : String(e), { cause: e });
    }
  }

  async #pullRegistry(ref: RegistryImageRef): Promise<PulledImage> {
    const tagKey = ref.digest === undefined ? formatImageRef(ref) : undefined;
    if (ref.digest !== undefined) {
      const hit = await this.#blobs.cached(this.#index.layer(ref.digest));
      if (hit) return hit;
    }
    let pulled;
    try {
      pulled = await this.#client.getManifest(ref);
    } catch (e) {
      const hit = await this.#offlineFallback(e, tagKey);
      if (hit) return hit;
      throw e;
    }
    const { layer } = pulled.manifest;
    const { blobBytesMax } = this.#client.limits;
    if (layer.size > blobBytesMax) {
      throw new Error(`layer is ${layer.size} bytes, more than blobBytesMax ${blobBytesMax}`);
    }
    const expect = { size: layer.size, sizeMax: layer.size };
    const image = await this.#blobs.ensure(layer.digest, expect, async () => {
      const res = await this.#client.getBlob(ref, layer);
      return { chunks: bodyChunks(res) };
    });
    await this.#index.record(tagKey, pulled.digest, layer.digest);
    return image;
  }

  /** When no registry answered at all, the tag's last good component, if still intact. */
  async #offlineFallback(e: unknown, tagKey: string | undefined) {
    const unreachable = e instanceof RegistryError && e.status === undefined;
    const last = tagKey === undefined ? undefined : this.#index.tag(tagKey);
    if (!unreachable || last === undefined) return undefined;
    return this.#blobs.cached(this.#index.layer(last));
  }

  #pullUrl(ref: UrlImageRef): Promise<PulledImage> {
    const { limits } = this.#client;
    return this.#blobs.ensure(ref.digest, { sizeMax: limits.blobBytesMax }, () =>
      openUrlSource(ref, this.#http, limits),
    );
  }
}

interface BlobSource {
  readonly chunks: AsyncIterable<Uint8Array>;
  readonly size?: number;
}

/** Gets one blob into the cache at most once at a time, verified and checked as a component. */
class BlobFetcher {
  readonly #cache: BlobCache;
  readonly #running = new Map<string, Promise<PulledImage>>();

  constructor(cache: BlobCache) {
    this.#cache = cache;
  }

  /** The cached image if the blob is present and still hashes right; a corrupt one is dropped. */
  async cached(digest: string | undefined): Promise<PulledImage | undefined> {
    if (digest === undefined || !this.#cache.has(digest)) return undefined;
    this.#cache.pin(digest);
    try {
      if (!(await this.#cache.verify(digest))) return undefined;
      await this.#cache.touch(digest);
      return this.#image(digest);
    } finally {
      this.#cache.unpin(digest);
    }
  }

  ensure(
    digest: string,
    expect: IngestExpect,
    open: () => Promise<BlobSource>,
  ): Promise<PulledImage> {
    const running = this.#running.get(digest);
    if (running) return running;
    const p = this.#fetch(digest, expect, open).finally(() => this.#running.delete(digest));
    this.#running.set(digest, p);
    return p;
  }

  async #fetch(digest: string, expect: IngestExpect, open: () => Promise<BlobSource>) {
    const hit = await this.cached(digest);
    if (hit) return hit;
    const source = await open();
    const size = source.size ?? expect.size;
    await this.#cache.ingest(digest, { size, sizeMax: expect.sizeMax }, source.chunks);
    const problem = componentProblem(await readHeader(this.#cache.path(digest)));
    if (problem) {
      await this.#cache.remove(digest);
      throw new Error(`${digest} is ${problem}`);
    }
    return this.#image(digest);
  }

  #image(digest: string): PulledImage {
    return { digest, path: this.#cache.path(digest), size: this.#cache.size(digest) ?? 0 };
  }
}

async function readHeader(path: string): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buf = new Uint8Array(componentHeaderBytes);
    const { bytesRead } = await file.read(buf, 0, componentHeaderBytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
