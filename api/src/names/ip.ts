/**
 * IP addresses and CIDRs, checked by hand so the api package needs nothing from node:net.
 */
const ipv4Octet = /^(0|[1-9][0-9]{0,2})$/;

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => ipv4Octet.test(p) && Number(p) <= 255);
}

const hexGroup = /^[0-9a-fA-F]{1,4}$/;

function groupsOf(part: string): string[] | undefined {
  if (part === '') return [];
  const groups = part.split(':');
  return groups.every((g) => hexGroup.test(g)) ? groups : undefined;
}

export function isIPv6(s: string): boolean {
  let text = s;
  let tailGroups = 0;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    // An embedded IPv4 tail (`::ffff:1.2.3.4`) stands for the last two groups.
    if (!isIPv4(text.slice(lastColon + 1))) return false;
    text = `${text.slice(0, lastColon + 1)}0`;
    tailGroups = 1;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  if (halves.length === 1) {
    const groups = groupsOf(text);
    return groups !== undefined && groups.length + tailGroups === 8;
  }
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  if (head === undefined || tail === undefined) return false;
  return head.length + tail.length + tailGroups <= 7;
}

export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

export const invalidIPMessage = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** `10.42.0.0/24` or `fd00::/64`. */
export function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(bits)) return false;
  if (isIPv4(ip)) return Number(bits) <= 32;
  return isIPv6(ip) && Number(bits) <= 128;
}

export const invalidCIDRMessage = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
