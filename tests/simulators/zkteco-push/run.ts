/**
 * A PUSH terminal against a running sync server:
 *   node --import tsx tests/simulators/zkteco-push/run.ts -- --server http://127.0.0.1:8787 --sn PUSHDEMO01
 * Handshakes every minute (a refused serial shows up under GET /push-devices "unregistered" until adopted),
 * punches a random pin every --every seconds in real time, and polls for commands every Delay seconds.
 * Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { localDateTimeOf } from '#shared/time';
import { PushDevice } from './push-device.ts';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'http://127.0.0.1:8787' },
    sn: { type: 'string', default: 'PUSHDEMO01' },
    every: { type: 'string', default: '20' },
    users: { type: 'string', default: '50' },
  },
});
const users = Array.from({ length: Number(values.users) }, (_, i) => ({ pin: String(i + 1), name: `E${String(i + 1).padStart(4, '0')}` }));
const device = new PushDevice({ serverUrl: values.server, serialNumber: values.sn, users });
let admitted = false;

async function connect(): Promise<void> {
  const res = await device.handshake().catch((err: Error) => ({ status: 0, text: err.message }));
  admitted = res.status === 200;
  console.log(`[push-sim] handshake ${res.status}: ${admitted ? `ATTLOGStamp=${device.options.get('ATTLOGStamp')}` : res.text}`);
  if (admitted) await device.uploadUsers().catch(() => undefined);
}

await connect();
const timers = [
  setInterval(() => void connect(), 60_000),
  setInterval(async () => {
    const user = users[Math.floor(Math.random() * users.length)]!;
    device.record({ pin: user.pin, localTime: localDateTimeOf(Date.now()), punchState: 0, verifyMode: 1 });
    if (!admitted) return;
    const res = await device.uploadPending().catch((err: Error) => ({ status: 0, text: err.message, sent: 0 }));
    console.log(`[push-sim] punch ${user.pin}: ${res.status} ${res.text}`);
  }, Number(values.every) * 1000),
  setInterval(async () => {
    if (!admitted) return;
    const { answer } = await device.poll().catch((err: Error) => ({ answer: { status: 0, text: err.message } }));
    if (answer.text.trim() !== 'OK') console.log(`[push-sim] commands: ${answer.text.trim()}`);
  }, Number(device.options.get('Delay') ?? 10) * 1000),
];
process.on('SIGINT', () => {
  timers.forEach(clearInterval);
  process.exit(0);
});
