/**
 * Demo devices: `npm run sim:devices [-- --zk-port 4370 --hanvon-port 9922 --days 5 --users 300]`.
 * Starts a ZKTeco terminal (TCP+UDP) and a Hanvon terminal with users E0001.. matching the demo
 * employees and the last few days of their punches (by each one's shift or rotation, see demo-punches.ts),
 * then keeps punching live every so often.
 */
import { parseArgs } from 'node:util';
import { addDays, localDateOf } from '#shared/time';
import { demoCompanyRecords } from './demo-punches.ts';
import { HanvonSimulator } from './hanvon/hanvon-simulator.ts';
import { makeUsers, ZkSimulator } from './zkteco/zk-simulator.ts';

const { values } = parseArgs({
  options: {
    'zk-port': { type: 'string', default: '4370' },
    'hanvon-port': { type: 'string', default: '9922' },
    host: { type: 'string', default: '127.0.0.1' },
    users: { type: 'string', default: '300' },
    days: { type: 'string', default: '5' },
    'comm-key': { type: 'string', default: '0' },
  },
});
const users = makeUsers(Number(values.users));
const days = Number(values.days);
// The demo company's own people (E0001..) punching by their shifts and rotation, up to now.
const records = demoCompanyRecords({ employees: users.length, firstDay: addDays(localDateOf(Date.now()), -days), until: Date.now() });

const zk = await new ZkSimulator({ host: values.host, port: Number(values['zk-port']), serialNumber: 'ZK-DEMO-0001', users, records: [...records], commKey: Number(values['comm-key']) }).start();
const hanvonUsers = users.slice(0, Math.ceil(users.length / 3));
const hv = await new HanvonSimulator({ host: values.host, port: Number(values['hanvon-port']), serialNumber: 'HV-DEMO-0001', users: hanvonUsers, records: records.filter((r) => hanvonUsers.some((u) => u.pin === r.pin)) }).start();

console.log(JSON.stringify({ zkteco: { ...zk.address, serial: zk.serialNumber, users: zk.users.length, records: zk.records.length }, hanvon: { ...hv.address, users: hv.users.length, records: hv.records.length } }));
console.log(`try: npm run device -- info --host ${zk.address.host} --port ${zk.address.port}`);

// a live punch every 20 s so the real-time path has something to show
const timer = setInterval(() => {
  const u = users[Math.floor(Math.random() * users.length)]!;
  zk.punch(u.pin);
}, 20_000);

const shutdown = async () => {
  clearInterval(timer);
  await Promise.all([zk.stop(), hv.stop()]);
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
