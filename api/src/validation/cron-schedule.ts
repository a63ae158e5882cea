/**
 * The five-field cron syntax CronJobs use (minute hour day-of-month month day-of-week), plus
 * `@hourly`-style descriptors and `@every <duration>`, with the error wording of the
 * robfig/cron parser Kubernetes relies on.
 */
interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const fieldBounds: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: Object.fromEntries(months.map((m, i) => [m, i + 1])) },
  { min: 0, max: 6, names: Object.fromEntries(days.map((d, i) => [d, i])) },
];

const descriptors = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);

const int32Max = 2147483647;

/** Go's strconv.Atoi plus the parser's own sign check. */
function parseNumber(expr: string): number | string {
  const atoi = `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}`;
  if (!/^[+-]?[0-9]+$/.test(expr)) return `${atoi}: invalid syntax`;
  const n = Number(expr);
  if (!Number.isSafeInteger(n)) return `${atoi}: value out of range`;
  if (n < 0) return `negative number (${n}) not allowed: ${expr}`;
  return n;
}

function parseIntOrName(expr: string, b: Bounds): number | string {
  const named = b.names?.[expr.toLowerCase()];
  return named ?? parseNumber(expr);
}

/** One comma-separated piece of a field: `*`, `?`, `n`, `a-b`, any of them with `/step`. */
function checkRange(expr: string, b: Bounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    const s = parseIntOrName(lowAndHigh[0], b);
    if (typeof s === 'string') return s;
    start = s;
    end = s;
    if (lowAndHigh.length === 2) {
      const e = parseIntOrName(lowAndHigh[1], b);
      if (typeof e === 'string') return e;
      end = e;
    } else if (lowAndHigh.length > 2) return `too many hyphens: ${expr}`;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const s = parseNumber(rangeAndStep[1]);
    if (typeof s === 'string') return s;
    step = s;
    // `n/step` means "from n to the maximum, every step".
    if (lowAndHigh.length === 1) end = b.max;
  } else if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (start < b.min) return `beginning of range (${start}) below minimum (${b.min}): ${expr}`;
  if (end > b.max) return `end of range (${end}) above maximum (${b.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0 || step > int32Max) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

const durationShape = /^[-+]?((\d+\.?\d*|\.\d+)(ns|us|µs|ms|s|m|h))+$/;

function checkDescriptor(spec: string): string | undefined {
  if (descriptors.has(spec)) return undefined;
  const every = '@every ';
  if (spec.startsWith(every)) {
    const d = spec.slice(every.length);
    if (d === '0' || durationShape.test(d)) return undefined;
    return `failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(d)}`;
  }
  return `unrecognized descriptor: ${spec}`;
}

/** Why `schedule` is not a valid schedule, or undefined when it is one. */
export function cronScheduleProblem(schedule: string): string | undefined {
  let spec = schedule;
  if (spec.length === 0) return 'empty spec string';
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    // The zone itself is judged elsewhere: Kubernetes refuses TZ= in schedules outright.
    const space = spec.indexOf(' ');
    spec = space < 0 ? '' : spec.slice(space).trim();
  }
  if (spec.startsWith('@')) return checkDescriptor(spec);
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== fieldBounds.length) {
    const found = `found ${fields.length}: [${fields.join(' ')}]`;
    return `expected exactly ${fieldBounds.length} fields, ${found}`;
  }
  for (let i = 0; i < fields.length; i++) {
    for (const part of fields[i].split(',')) {
      const problem = checkRange(part, fieldBounds[i]);
      if (problem) return problem;
    }
  }
  return undefined;
}
