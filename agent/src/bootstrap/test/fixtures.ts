/**
 * Keys and certificates made once with the control plane's PKI (the agent cannot import it): a
 * cluster CA; a node certificate for `edge-1` (site store-1, pod CIDR 10.42.3.0/24) valid for 90
 * days from 2030-01-01 (less the 5-minute backdate) with the node's Ed25519 and X25519 keys; and
 * the same node facts certified by another CA; and the node certificate renewed 70 days later.
 */
export const fixtureStartMs = Date.UTC(2030, 0, 1);
export const fixtureLifetimeMs = 90 * 24 * 3600 * 1000 + 5 * 60 * 1000;

export const caPem =
  [
    '-----BEGIN CERTIFICATE-----',
    'MIIBRDCB96ADAgECAhB6f8E3t3WNLTG3ikPgtjsJMAUGAytlcDASMRAwDgYDVQQD',
    'Ewd3aXNwLWNhMB4XDTI5MTIzMTIzNTUwMFoXDTM5MTIzMDAwMDAwMFowEjEQMA4G',
    'A1UEAxMHd2lzcC1jYTAqMAUGAytlcAMhAJ97+rfjWgLXq17O310JomE7k1orr9/p',
    '1lkSI3/8iiuWo2MwYTAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBhjAd',
    'BgNVHQ4EFgQUad9GKMBNZFlXqL0u6IFZABk/0tswHwYDVR0jBBgwFoAUad9GKMBN',
    'ZFlXqL0u6IFZABk/0tswBQYDK2VwA0EA+4flNbOp73hqX/UXVCbJUVkVX03HG5pv',
    'CNBepHZ+C2hJbfAfrK/YnQfgLwGOYH1iu6qPWeTYqwmf+OdQFj3XDQ==',
    '-----END CERTIFICATE-----',
  ].join('\n') + '\n';

export const nodeCertPem =
  [
    '-----BEGIN CERTIFICATE-----',
    'MIICRDCCAfagAwIBAgIQewB6LpAgZeDFZNQYM5Do6TAFBgMrZXAwEjEQMA4GA1UE',
    'AxMHd2lzcC1jYTAeFw0yOTEyMzEyMzU1MDBaFw0zMDA0MDEwMDAwMDBaMDQxGzAZ',
    'BgNVBAMTEnN5c3RlbTpub2RlOmVkZ2UtMTEVMBMGA1UEChMMc3lzdGVtOm5vZGVz',
    'MCowBQYDK2VwAyEAQEXuFLXgXtdI3d+C3qsh/yOCDroW2/Bq3VcpnlO0v2GjggE+',
    'MIIBOjAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDAdBgNVHQ4EFgQUFKKt',
    'QTNHC05eeSc1OeAVSQMM8V0wHwYDVR0jBBgwFoAUad9GKMBNZFlXqL0u6IFZABk/',
    '0tswHQYDVR0lBBYwFAYIKwYBBQUHAwIGCCsGAQUFBwMBMIG6BgNVHREEgbIwga+G',
    'QHdpc3A6Ly9wZWVyLzEyRDNLb29XRTlHN0RIVmtvZjdWcEF5MUFWeThqVzFFbVQz',
    'eXdnYUJuTWZ6THVLZlhiNFWGOXdpc3A6Ly94MjU1MTkvRTc1UDZ1cnlCTWY5TTFq',
    'OG5BQnlHSUhSZENlQktDSi14blR6ZjNfcGUyMIYbd2lzcDovL3BvZGNpZHIvMTAu',
    'NDIuMy4wLTI0hhN3aXNwOi8vc2l0ZS9zdG9yZS0xMAUGAytlcANBAOKEKkLh51tp',
    '66Sko0OOpK5X9qC0T34Vo41x4cEZ8LXGKGysGtC8T1/kyit1EMR4QZ3Ia2ZQ8Pii',
    'i3aHuqCCXgo=',
    '-----END CERTIFICATE-----',
  ].join('\n') + '\n';

export const nodeKeyPem =
  [
    '-----BEGIN PRIVATE KEY-----',
    'MC4CAQAwBQYDK2VwBCIEIP9Ghw8QvgsP4TBC2u8OdEVcsbPvPQ7vY6Fs0a2f/kCW',
    '-----END PRIVATE KEY-----',
  ].join('\n') + '\n';

export const boxKeyPem =
  [
    '-----BEGIN PRIVATE KEY-----',
    'MC4CAQAwBQYDK2VuBCIEIAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH',
    '-----END PRIVATE KEY-----',
  ].join('\n') + '\n';

export const foreignCertPem =
  [
    '-----BEGIN CERTIFICATE-----',
    'MIICRDCCAfagAwIBAgIQSEsTqK6x7RbxbvEjHARcezAFBgMrZXAwEjEQMA4GA1UE',
    'AxMHd2lzcC1jYTAeFw0yOTEyMzEyMzU1MDBaFw0zMDA0MDEwMDAwMDBaMDQxGzAZ',
    'BgNVBAMTEnN5c3RlbTpub2RlOmVkZ2UtMTEVMBMGA1UEChMMc3lzdGVtOm5vZGVz',
    'MCowBQYDK2VwAyEAQEXuFLXgXtdI3d+C3qsh/yOCDroW2/Bq3VcpnlO0v2GjggE+',
    'MIIBOjAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDAdBgNVHQ4EFgQUFKKt',
    'QTNHC05eeSc1OeAVSQMM8V0wHwYDVR0jBBgwFoAUfVhq3UrBDW8kwGH4esnTjSqX',
    'hakwHQYDVR0lBBYwFAYIKwYBBQUHAwIGCCsGAQUFBwMBMIG6BgNVHREEgbIwga+G',
    'QHdpc3A6Ly9wZWVyLzEyRDNLb29XRTlHN0RIVmtvZjdWcEF5MUFWeThqVzFFbVQz',
    'eXdnYUJuTWZ6THVLZlhiNFWGOXdpc3A6Ly94MjU1MTkvRTc1UDZ1cnlCTWY5TTFq',
    'OG5BQnlHSUhSZENlQktDSi14blR6ZjNfcGUyMIYbd2lzcDovL3BvZGNpZHIvMTAu',
    'NDIuMy4wLTI0hhN3aXNwOi8vc2l0ZS9zdG9yZS0xMAUGAytlcANBAE5koiDfmzGO',
    'ZF6Y9v2yXbgql6L2Jv+Ac+jud1RiDF5NmrtK2wbCOs1dThCDWsus3THCPKM0Bocv',
    'whTAXJaxEw4=',
    '-----END CERTIFICATE-----',
  ].join('\n') + '\n';

export const renewedCertPem =
  [
    '-----BEGIN CERTIFICATE-----',
    'MIICRDCCAfagAwIBAgIQWPZImUqbSULsoUY09lq6JTAFBgMrZXAwEjEQMA4GA1UE',
    'AxMHd2lzcC1jYTAeFw0zMDAzMTEyMzU1MDBaFw0zMDA2MTAwMDAwMDBaMDQxGzAZ',
    'BgNVBAMTEnN5c3RlbTpub2RlOmVkZ2UtMTEVMBMGA1UEChMMc3lzdGVtOm5vZGVz',
    'MCowBQYDK2VwAyEAQEXuFLXgXtdI3d+C3qsh/yOCDroW2/Bq3VcpnlO0v2GjggE+',
    'MIIBOjAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDAdBgNVHQ4EFgQUFKKt',
    'QTNHC05eeSc1OeAVSQMM8V0wHwYDVR0jBBgwFoAUad9GKMBNZFlXqL0u6IFZABk/',
    '0tswHQYDVR0lBBYwFAYIKwYBBQUHAwIGCCsGAQUFBwMBMIG6BgNVHREEgbIwga+G',
    'QHdpc3A6Ly9wZWVyLzEyRDNLb29XRTlHN0RIVmtvZjdWcEF5MUFWeThqVzFFbVQz',
    'eXdnYUJuTWZ6THVLZlhiNFWGOXdpc3A6Ly94MjU1MTkvRTc1UDZ1cnlCTWY5TTFq',
    'OG5BQnlHSUhSZENlQktDSi14blR6ZjNfcGUyMIYbd2lzcDovL3BvZGNpZHIvMTAu',
    'NDIuMy4wLTI0hhN3aXNwOi8vc2l0ZS9zdG9yZS0xMAUGAytlcANBALS/HZPZQXSD',
    '+6PvX7P3bKnFahu2ZPRRGSsgDQdJyK9VXGbMAn6AAQuq+xlmGB3LIlzpCuS3tVut',
    'g39+ivFEoAY=',
    '-----END CERTIFICATE-----',
  ].join('\n') + '\n';
