/**
 * Smaller string shapes: port names and numbers, ConfigMap keys, environment variable names,
 * percentages and HTTP header names.
 */
import { inclusiveRangeError, maxLenError, regexError, utf8Bytes } from './messages.ts';
import { dnsSubdomainCharsMax } from './dns.ts';

export const portNameCharsMax = 15;
export const portNumberMax = 65535;

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= portNumberMax
    ? []
    : [inclusiveRangeError(1, portNumberMax)];
}

/** IANA service names: [-a-z0-9], at least one letter, no leading, trailing or double '-'. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > portNameCharsMax) errs.push(maxLenError(portNameCharsMax));
  if (!/^[-a-z0-9]+$/.test(port)) {
    errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  }
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) {
    errs.push('must not begin or end with a hyphen');
  }
  return errs;
}

function chDirPrefixErrors(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
const configMapKeyRe = new RegExp(`^${configMapKeyFmt}$`);

/** Keys of ConfigMap and Secret data; they become file names in volumes. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (utf8Bytes(value) > dnsSubdomainCharsMax) errs.push(maxLenError(dnsSubdomainCharsMax));
  if (!configMapKeyRe.test(value)) {
    const msg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
    errs.push(regexError(msg, configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  }
  return [...errs, ...chDirPrefixErrors(value)];
}

/**
 * Environment variable names, by the relaxed rule Kubernetes has used since 1.30's
 * RelaxedEnvironmentVariableValidation: printable ASCII other than '='.
 */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push('environment variable name must be non-empty');
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x3d) {
      errs.push(
        'a valid environment variable name must consist only of printable ASCII characters ' +
          "other than '='",
      );
      break;
    }
  }
  return errs;
}

const percentFmt = '[0-9]+%';
const percentRe = new RegExp(`^${percentFmt}$`);

export function isValidPercent(value: string): string[] {
  if (percentRe.test(value)) return [];
  const msg = "a valid percent string must be a numeric string followed by an ending '%'";
  return [regexError(msg, percentFmt, '1%', '93%')];
}

const httpHeaderNameFmt = '[-A-Za-z0-9]+';
const httpHeaderNameRe = new RegExp(`^${httpHeaderNameFmt}$`);

export function isHTTPHeaderName(value: string): string[] {
  if (httpHeaderNameRe.test(value)) return [];
  const msg = "a valid HTTP header must consist of alphanumeric characters or '-'";
  return [regexError(msg, httpHeaderNameFmt, 'X-Header-Name')];
}
