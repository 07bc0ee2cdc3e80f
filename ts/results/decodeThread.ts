/**
 * The result decoder's thread (see decoder.ts): checks each RESULT it is sent and answers with the
 * tables or the reason they were refused. Nothing here touches the store or the sockets.
 */
import { parentPort } from 'node:worker_threads';
import type { Job } from '../experiment/job';
import { checkResult } from './check';

export interface DecodeRequest {
  id: number;
  job: Job;
  names: string[];
  frames: Uint8Array[];
}
export type DecodeAnswer = { id: number; tables: ReturnType<typeof checkResult> } | { id: number; error: string };

parentPort?.on('message', (r: DecodeRequest) => {
  let answer: DecodeAnswer;
  try {
    answer = { id: r.id, tables: checkResult(r.job, r.names, r.frames) };
  } catch (e) {
    // Whatever a frame makes Arrow throw is a refusal of that result, never the thread's end.
    answer = { id: r.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(answer);
});
