import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./replica-process.ts', import.meta.url));

/** Parent-side handle of a replica process; every call is bounded by a timeout. */
export class Replica {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (msg: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      if (msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.ok) p?.resolve(msg.result);
      else p?.reject(new Error(msg.error));
    });
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('replica process exited'));
      this.pending.clear();
    });
  }

  static async spawn(): Promise<Replica> {
    const child = fork(SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('replica did not start within 20 s')), 20_000);
      child.once('message', () => (clearTimeout(t), resolve()));
      child.once('exit', (code) => (clearTimeout(t), reject(new Error(`replica exited with ${code}`))));
    });
    return new Replica(child);
  }

  call<T = unknown>(cmd: Record<string, unknown>, timeoutMs = 20_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`replica ${String(cmd.type)} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: (v) => (clearTimeout(t), resolve(v)), reject: (e) => (clearTimeout(t), reject(e)) });
      this.child.send({ id, cmd });
    });
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await this.call({ type: 'stop' }, 5_000).catch(() => undefined);
    this.child.kill();
  }
}

/** Polls until `check` passes or the time is up, then throws its last failure. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
