/**
 * The loopback address a pod's ports are served on: pod IP 10.42.a.b → 127.42.a.b. All of 127/8
 * is local on Linux, so agents sharing one machine never collide, and the mesh proxies service
 * VIPs to it.
 *
 *   podLoopback('10.42.7.12'); // '127.42.7.12'
 */
export function podLoopback(podIp: string): string {
  const octets = podIp.split('.');
  const valid = octets.length === 4 && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
  if (!valid) throw new RangeError(`podIP: ${JSON.stringify(podIp)} is not an IPv4 address`);
  return ['127', ...octets.slice(1).map((o) => String(Number(o)))].join('.');
}
