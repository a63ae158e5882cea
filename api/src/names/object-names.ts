/**
 * Which shape each kind's `metadata.name` must have. A validator gets `prefix: true` when it
 * checks a `generateName`, whose trailing dash will be followed by a random suffix.
 */
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from './dns.ts';

export type NameValidator = (name: string, prefix: boolean) => string[];

/** A generateName may end in '-': stand in a letter so the rest is judged as a name. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

export const nameIsDNSLabel: NameValidator = (name, prefix) =>
  isDNS1123Label(prefix ? maskTrailingDash(name) : name);

export const nameIsDNS1035Label: NameValidator = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

const pathSegmentMayNotBe = ['.', '..'];
const pathSegmentMayNotContain = ['/', '%'];

/** Names that only have to be usable as one URL path segment (RBAC objects). */
export const nameIsPathSegment: NameValidator = (name, prefix) => {
  if (!prefix) {
    for (const bad of pathSegmentMayNotBe) if (name === bad) return [`may not be '${bad}'`];
  }
  const errs: string[] = [];
  for (const bad of pathSegmentMayNotContain) {
    if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  }
  return errs;
};
