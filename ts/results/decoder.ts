import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Job } from '../experiment/job';
import { repoRoot } from '../root';
import type { ResultTables } from './check';
import type { DecodeAnswer, DecodeRequest } from './decodeThread';

/**
 * Decodes and checks RESULT frames on a thread of their own (decodeThread.ts), so the broker keeps
 * reading messages and sending heartbeats while a large result decodes: the largest frame a grid
 * allows takes about half a second of Arrow decoding (bench/oversize.ts).
 *
 * Every result goes through the thread, small ones too: a round trip costs well under a millisecond
 * next to the trainings' seconds, and one path means a frame that makes Arrow throw, however small,
 * never throws on the control plane's event loop.
 */
export interface ResultDecoder {
  /** The job's tables; rejects with the reason they cannot be stored (as checkResult says). */
  decode(job: Job, names: string[], frames: Uint8Array[]): Promise<ResultTables>;
  /** Ends the thread; decodes still pending are refused. */
  close(): Promise<void>;
}

/**
 * The thread's code: in the bundle, decodeThread.js beside the file this module was bundled into
 * (scripts/build-cli.mjs builds it and leaves this module its own import.meta.url); from the
 * sources (vitest, tsx), decodeThread.ts through tsx's loader, which a thread does not inherit from
 * a test runner.
 */
function threadEntry(): { url: URL; execArgv: string[] } {
  const here = import.meta.url;
  if (!/\.tsx?$/.test(here)) return { url: new URL('./decodeThread.js', here), execArgv: [] };
  const tsx = pathToFileURL(join(repoRoot(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return { url: new URL('./decodeThread.ts', here), execArgv: ['--import', tsx] };
}

export function startResultDecoder(): ResultDecoder {
  let thread: Worker | undefined;
  let closing = false;
  let nextId = 0;
  const pending = new Map<number, { thread: Worker; resolve(t: ResultTables): void; reject(e: Error): void }>();
  // Refuses what `of` holds (every thread's when undefined): a dead thread's late 'exit' leaves its successor's alone.
  const refuse = (why: string, of?: Worker) => {
    for (const [id, p] of pending) {
      if (of && p.thread !== of) continue;
      pending.delete(id);
      p.reject(new Error(why));
    }
  };

  const spawn = () => {
    const { url, execArgv } = threadEntry();
    const t = new Worker(url, { execArgv });
    // Idle, the thread never keeps the process alive (a caller that forgets close() still exits);
    // with a decode pending it does.
    t.unref();
    t.on('message', (a: DecodeAnswer) => {
      const p = pending.get(a.id);
      if (!p) return;
      pending.delete(a.id);
      if (![...pending.values()].some((q) => q.thread === t)) t.unref();
      if ('error' in a) p.reject(new Error(a.error));
      else p.resolve(a.tables);
    });
    // A thread that dies (out of memory, a bug) refuses what it held; the next result starts a new one.
    const gone = (why: string) => {
      if (thread === t) thread = undefined;
      refuse(closing ? 'the run stopped before the result was checked' : why, t);
    };
    t.on('error', (e) => gone(`the result decoder failed: ${e instanceof Error ? e.message : String(e)}`));
    t.on('exit', (code) => gone(`the result decoder stopped (exit code ${code})`));
    return t;
  };

  return {
    decode(job, names, frames) {
      if (closing) return Promise.reject(new Error('the run stopped before the result was checked'));
      const t = (thread ??= spawn());
      const id = ++nextId;
      return new Promise<ResultTables>((resolve, reject) => {
        pending.set(id, { thread: t, resolve, reject });
        t.ref();
        const request: DecodeRequest = { id, job, names, frames: frames.map((f) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength)) };
        // A frame that owns its whole ArrayBuffer moves to the thread instead of being copied. ZeroMQ's
        // frames live outside V8's heap and cannot be moved: postMessage refuses them and they are
        // copied once (the largest frame a grid allows, 11 MB: a few milliseconds).
        const own = [...new Set(frames.filter((f) => f.byteOffset === 0 && f.byteLength === f.buffer.byteLength).map((f) => f.buffer as ArrayBuffer))];
        try {
          t.postMessage(request, own);
        } catch {
          t.postMessage(request); // memory that cannot be moved (external to V8) is copied
        }
      });
    },
    async close() {
      closing = true;
      const t = thread;
      thread = undefined;
      refuse('the run stopped before the result was checked');
      if (t) await t.terminate();
    },
  };
}
