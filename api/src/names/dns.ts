/**
 * RFC 1123 / RFC 1035 names: the shapes of object names, label-key prefixes and host names.
 */
import { maxLenError, regexError, utf8Bytes } from './messages.ts';

export const dnsLabelCharsMax = 63;
export const dnsSubdomainCharsMax = 253;

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', " +
  'and must start and end with an alphanumeric character';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or " +
  "'.', and must start and end with an alphanumeric character";
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an " +
  'alphabetic character, and end with an alphanumeric character';

const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);

/** Problems with `value` as an RFC 1123 label (`my-name`); empty when valid. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (utf8Bytes(value) > dnsLabelCharsMax) errs.push(maxLenError(dnsLabelCharsMax));
  if (!dns1123LabelRe.test(value)) {
    // A valid subdomain that is not a valid label can only be failing on its dots.
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}

/** Problems with `value` as an RFC 1123 subdomain (`example.com`); empty when valid. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (utf8Bytes(value) > dnsSubdomainCharsMax) errs.push(maxLenError(dnsSubdomainCharsMax));
  if (!dns1123SubdomainRe.test(value)) {
    errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  }
  return errs;
}

/** Problems with `value` as an RFC 1035 label (service names); empty when valid. */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (utf8Bytes(value) > dnsLabelCharsMax) errs.push(maxLenError(dnsLabelCharsMax));
  if (!dns1035LabelRe.test(value)) {
    errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  }
  return errs;
}
