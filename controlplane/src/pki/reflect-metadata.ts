/**
 * A minimal `Reflect` metadata store. `@peculiar/x509` registers its algorithms through tsyringe,
 * which refuses to load unless `Reflect.getMetadata` exists; no reflect-metadata package is
 * installed, and tsyringe only ever reads `design:paramtypes` (absent without decorator metadata),
 * so a WeakMap-backed store is all it needs. Import this module before `@peculiar/x509`.
 */
type MetadataKey = unknown;

const metadata = new WeakMap<object, Map<MetadataKey, unknown>>();
const reflect = Reflect as unknown as Record<string, unknown>;

function defineMetadata(key: MetadataKey, value: unknown, target: object): void {
  let own = metadata.get(target);
  if (!own) metadata.set(target, (own = new Map()));
  own.set(key, value);
}

function getOwnMetadata(key: MetadataKey, target: object): unknown {
  return metadata.get(target)?.get(key);
}

function getMetadata(key: MetadataKey, target: object): unknown {
  for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
    const own = metadata.get(t);
    if (own?.has(key)) return own.get(key);
  }
  return undefined;
}

if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = defineMetadata;
  reflect.getOwnMetadata = getOwnMetadata;
  reflect.getMetadata = getMetadata;
}
