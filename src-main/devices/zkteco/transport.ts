/**
 * Byte transports for the ZKTeco protocol. Both hand whole packets (TCP prefix removed) to `onPacket` and
 * report the end of the connection once through `onClose`. They never throw from socket callbacks: bad
 * framing closes the connection with a typed error.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { RenshiError } from '#shared/errors';
import { encodeTcpFrame, TcpDeframer } from './protocol.ts';

export interface ZkTransport {
  readonly kind: 'tcp' | 'udp';
  onPacket: (packet: Buffer) => void;
  onClose: (reason: RenshiError) => void;
  send(packet: Buffer): void;
  close(): void;
}

function unreachable(host: string, port: number, why: string): RenshiError {
  return new RenshiError('device-unreachable', `device ${host}:${port} unreachable: ${why}`, { host, port });
}

export function openTcp(host: string, port: number, timeoutMs: number): Promise<ZkTransport> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host, port });
    socket.setNoDelay(true);
    const deframer = new TcpDeframer();
    let closed = false;
    const transport: ZkTransport = {
      kind: 'tcp',
      onPacket: () => {},
      onClose: () => {},
      send(packet) {
        if (!closed) socket.write(encodeTcpFrame(packet));
      },
      close() {
        finish(unreachable(host, port, 'closed by us'));
      },
    };
    const finish = (reason: RenshiError) => {
      if (closed) return;
      closed = true;
      socket.destroy();
      transport.onClose(reason);
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(unreachable(host, port, `no TCP connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(transport);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const reason = unreachable(host, port, err.code ?? err.message);
      (reason as RenshiError & { errno?: string }).errno = err.code;
      reject(reason);
      finish(reason);
    });
    socket.on('close', () => finish(unreachable(host, port, 'connection closed by the device')));
    socket.on('data', (chunk) => {
      deframer.push(chunk);
      try {
        for (let p = deframer.next(); p; p = deframer.next()) {
          if (closed) return;
          transport.onPacket(p);
        }
      } catch (err) {
        finish(err instanceof RenshiError ? err : new RenshiError('device-protocol-error', String(err)));
      }
    });
  });
}

export function openUdp(host: string, port: number, timeoutMs: number): Promise<ZkTransport> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    let closed = false;
    const transport: ZkTransport = {
      kind: 'udp',
      onPacket: () => {},
      onClose: () => {},
      send(packet) {
        if (!closed) socket.send(packet);
      },
      close() {
        finish(unreachable(host, port, 'closed by us'));
      },
    };
    const finish = (reason: RenshiError) => {
      if (closed) return;
      closed = true;
      try {
        socket.close();
      } catch {
        // already closed
      }
      transport.onClose(reason);
    };
    const timer = setTimeout(() => {
      finish(unreachable(host, port, `UDP socket not ready within ${timeoutMs} ms`));
      reject(unreachable(host, port, 'UDP socket not ready'));
    }, timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const reason = unreachable(host, port, err.code ?? err.message);
      reject(reason);
      finish(reason);
    });
    socket.on('message', (msg) => {
      if (!closed) transport.onPacket(msg);
    });
    socket.connect(port, host, () => {
      clearTimeout(timer);
      resolve(transport);
    });
  });
}
