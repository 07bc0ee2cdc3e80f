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
  const nextJob = async (): Promise<Job> => {
    for (;;) {
      const [type, header] = await d.receive();
      if (type.toString() === 'JOB') return JSON.parse(header.toString()) as Job;
    }
  };
  return { send, nextJob, close: () => d.close() };
}

it('a handed-back job goes first in the queue and its try does not count against maxAttempts', async () => {
  const [job] = expandGrid(tiny({ name: 'hb' }));
  const log: string[] = [];
  const broker = await startBroker({
    jobs: [job],
    maxAttempts: 2,
    handlers: {
      result: (j, w) => void log.push(`result ${j.key} by ${w}`),
      handedBack: (j, w, reason) => log.push(`handback ${j?.key} by ${w}: ${reason}`),
      failed: (j, w, error, final) => log.push(`${final ? 'failed' : 'retry'} ${j.key} by ${w}`),
    },
  });
  try {
    // a: takes the job, then is preempted and hands it back.
    const a = await worker(broker.endpoint, 'a');
    expect((await a.nextJob()).key).toBe(job.key);
    await a.send('HANDBACK', { job: job.key, reason: 'SIGTERM on node1' });
    // b: gets it next, then dies (its try counts: 1 of 2).
    const b = await worker(broker.endpoint, 'b');
    expect((await b.nextJob()).key).toBe(job.key);
    broker.workerExited('b', 'killed by SIGKILL');
    // Had the hand-back counted, b's loss would have been the second try and final; c finishes it.
    const c = await worker(broker.endpoint, 'c');
    expect((await c.nextJob()).key).toBe(job.key);
    await c.send('RESULT', { job: job.key, tables: ['metrics'], seconds: 1 });
    await broker.done;
    expect(log).toEqual([`handback ${job.key} by a: SIGTERM on node1`, `retry ${job.key} by b`, `result ${job.key} by c`]);
    for (const w of [a, b, c]) w.close();
  } finally {
    await broker.close();
  }
});
