import { Dealer } from 'zeromq';
import { expect, it } from 'vitest';
import { startBroker } from '../../../ts/dispatch/broker';
import type { Job } from '../../../ts/experiment/job';
import { expandGrid } from '../../../ts/experiment/grid';
import { tiny } from '../helpers';

/** A worker played by the test over a real DEALER socket, speaking the protocol by hand. */
async function worker(endpoint: string, id: string) {
  const d = new Dealer({ routingId: id, linger: 0 });
  d.connect(endpoint);
  const send = (type: string, header: unknown) => d.send([type, JSON.stringify(header)]);
  await send('READY', { worker: id, host: 'test', pid: 1, device: 'cpu', torch: '-', monai: '-', gpu: null, threads: 1 });
  /** The next JOB or STOP, heartbeats skipped. */
  const next = async (): Promise<{ type: string; header: { key?: string } }> => {
    for (;;) {
      const [type, header] = await d.receive();
      if (type.toString() !== 'HEARTBEAT') return { type: type.toString(), header: JSON.parse(header.toString()) };
    }
  };
  const result = (job: string) => send('RESULT', { job, tables: ['metrics'], seconds: 1 });
  return { next, result, close: () => d.close() };
}

const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 10));
};

it('asks its source for further jobs when a worker is free or a job ends, and ends once the source has none with nothing unfinished', async () => {
  const [j0, j1, j2] = expandGrid(tiny({ name: 'source' }));
  const calls: { idle: number; unfinished: string[] }[] = [];
  // the source's answers in turn: none (wait: j0 is in flight), then two jobs, then none, none
  const answers: Job[][] = [[], [j1, j2], [], []];
  const broker = await startBroker({
    jobs: [j0],
    handlers: { result: () => {} },
    more: async (idle, unfinished) => {
      calls.push({ idle, unfinished: unfinished.map((j) => j.key) });
      return answers.shift() ?? [];
    },
  });
  try {
    const a = await worker(broker.endpoint, 'a');
    expect((await a.next()).header.key).toBe(j0.key);
    // b comes with the queue empty: the source is asked, with j0 in flight, and has nothing yet
    const b = await worker(broker.endpoint, 'b');
    await until(() => calls.length === 1);
    expect(calls[0]).toEqual({ idle: 1, unfinished: [j0.key] });
    // j0 ends: asked again; the two jobs it gives go to a and b, the same workers
    await a.result(j0.key);
    const [ja, jb] = await Promise.all([a.next(), b.next()]);
    expect([ja.header.key, jb.header.key].sort()).toEqual([j1.key, j2.key].sort());
    expect(calls[1].unfinished).toEqual([]);
    // b's job ends: asked with a's in flight, none; a's ends: asked with nothing unfinished, none: done
    await b.result(jb.header.key!);
    await until(() => calls.length === 3);
    expect(calls[2].unfinished).toEqual([ja.header.key]);
    expect(broker.settled()).toBe(false);
    await a.result(ja.header.key!);
    await broker.done;
    expect(calls).toHaveLength(4);
    expect(calls[3]).toEqual({ idle: 2, unfinished: [] });
    expect((await a.next()).type).toBe('STOP');
    expect((await b.next()).type).toBe('STOP');
    a.close();
    b.close();
  } finally {
    await broker.close();
  }
});

it('ends with the error of a source that fails', async () => {
  const broker = await startBroker({
    jobs: [],
    handlers: { result: () => {} },
    more: async () => {
      throw new Error('the strategy could not fit');
    },
  });
  try {
    await expect(broker.done).rejects.toThrow('the strategy could not fit');
  } finally {
    await broker.close();
  }
});
