/**
 * wasi:sockets, present so components that import it link, but every operation is refused:
 * an instance's only network is the mesh's wasi:http outgoing-handler.
 */
import { readyPollable, type Pollable } from './io.ts';

const denied = (): never => {
  throw 'access-denied';
};

export class Network {}

function deniedResource(methods: readonly string[]): new () => object {
  class Denied {
    subscribe(): Pollable {
      return readyPollable();
    }
  }
  for (const m of methods) {
    Object.defineProperty(Denied.prototype, m, { value: denied, writable: true });
  }
  return Denied;
}

const tcpMethods = [
  'startBind',
  'finishBind',
  'startConnect',
  'finishConnect',
  'startListen',
  'finishListen',
  'accept',
  'localAddress',
  'remoteAddress',
  'isListening',
  'addressFamily',
  'setListenBacklogSize',
  'keepAliveEnabled',
  'setKeepAliveEnabled',
  'keepAliveIdleTime',
  'setKeepAliveIdleTime',
  'keepAliveInterval',
  'setKeepAliveInterval',
  'keepAliveCount',
  'setKeepAliveCount',
  'hopLimit',
  'setHopLimit',
  'receiveBufferSize',
  'setReceiveBufferSize',
  'sendBufferSize',
  'setSendBufferSize',
  'shutdown',
];
const udpMethods = [
  'startBind',
  'finishBind',
  'stream',
  'localAddress',
  'remoteAddress',
  'addressFamily',
  'unicastHopLimit',
  'setUnicastHopLimit',
  'receiveBufferSize',
  'setReceiveBufferSize',
  'sendBufferSize',
  'setSendBufferSize',
];

export function socketInterfaces(): Record<string, Record<string, unknown>> {
  const network = new Network();
  return {
    network: { Network, networkErrorCode: () => undefined },
    'instance-network': { instanceNetwork: () => network },
    tcp: { TcpSocket: deniedResource(tcpMethods) },
    'tcp-create-socket': { createTcpSocket: denied },
    udp: {
      UdpSocket: deniedResource(udpMethods),
      IncomingDatagramStream: deniedResource(['receive']),
      OutgoingDatagramStream: deniedResource(['checkSend', 'send']),
    },
    'udp-create-socket': { createUdpSocket: denied },
    'ip-name-lookup': {
      resolveAddresses: denied,
      ResolveAddressStream: deniedResource(['resolveNextAddress']),
    },
  };
}
