import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkUrlScheme,
  defaultInsecureHosts,
  isInsecureHost,
  registryBaseUrl,
  splitHostPort,
} from './registry-endpoint.ts';

describe('registry endpoints', () => {
  it('speaks plain http only to loopback hosts by default', () => {
    assert.equal(registryBaseUrl('127.0.0.1:5000', defaultInsecureHosts), 'http://127.0.0.1:5000');
    assert.equal(registryBaseUrl('127.42.1.2:80', defaultInsecureHosts), 'http://127.42.1.2:80');
    assert.equal(registryBaseUrl('localhost:5000', defaultInsecureHosts), 'http://localhost:5000');
    assert.equal(registryBaseUrl('[::1]:5000', defaultInsecureHosts), 'http://[::1]:5000');
    assert.equal(registryBaseUrl('128.0.0.1:5000', defaultInsecureHosts), 'https://128.0.0.1:5000');
    assert.equal(registryBaseUrl('ghcr.io', defaultInsecureHosts), 'https://ghcr.io');
    assert.equal(
      registryBaseUrl('docker.io', defaultInsecureHosts),
      'https://registry-1.docker.io',
    );
  });

  it('matches listed hosts with or without a port', () => {
    assert.ok(isInsecureHost('reg.site:5000', ['reg.site']));
    assert.ok(isInsecureHost('reg.site:5000', ['reg.site:5000']));
    assert.equal(isInsecureHost('reg.site:5001', ['reg.site:5000']), false);
    assert.ok(isInsecureHost('10.1.2.3:5000', ['10.0.0.0/8']));
    assert.equal(isInsecureHost('11.1.2.3:5000', ['10.0.0.0/8']), false);
  });

  it('refuses plain http to other hosts and other schemes', () => {
    assert.match(checkUrlScheme(new URL('http://example.com/x'), [])!, /plain http/);
    assert.equal(checkUrlScheme(new URL('http://127.0.0.1/x'), defaultInsecureHosts), undefined);
    assert.match(checkUrlScheme(new URL('ftp://example.com/x'), [])!, /"ftp:"/);
  });

  it('splits hosts, ports and bracketed IPv6', () => {
    assert.deepEqual(splitHostPort('[::1]:5000'), { host: '::1', port: '5000' });
    assert.deepEqual(splitHostPort('a.b:1'), { host: 'a.b', port: '1' });
    assert.deepEqual(splitHostPort('a.b'), { host: 'a.b' });
  });
});
