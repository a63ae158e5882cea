/**
 * The shape every service has (STYLE rule 6): `start()` / `stop()`, started in order and
 * stopped in reverse.
 */
export interface Startable {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export async function startAll(services: readonly Startable[]): Promise<void> {
  const started: Startable[] = [];
  try {
    for (const s of services) {
      await s.start();
      started.push(s);
    }
  } catch (e) {
    await stopAll(started);
    throw e;
  }
}

/** Stops in reverse order; every service is asked to stop even if one fails. */
export async function stopAll(services: readonly Startable[]): Promise<void> {
  const errors: unknown[] = [];
  for (const s of [...services].reverse()) {
    try {
      await s.stop();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several services failed to stop');
}
