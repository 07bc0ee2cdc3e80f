import { z } from 'zod';
import { Job } from '../experiment/job';

/**
 * The messages between the broker (ROUTER) and workers (DEALER). On the wire a message is
 * `[type, header-json, ...payload]`; the ROUTER adds the worker's identity frame in front.
 */
export const Ready = z
  .object({
    worker: z.string().min(1),
    host: z.string(),
    pid: z.number().int(),
    device: z.string().describe('torch device the worker trains on, e.g. cpu or cuda:0'),
    torch: z.string(),
    monai: z.string(),
    gpu: z.string().nullable().optional().describe('accelerator name when there is one'),
    threads: z.number().int().positive(),
  })
  .strict();

export const Heartbeat = z.object({}).strict();

export const Progress = z
  .object({
    job: z.string(),
    epoch: z.number().int().positive(),
    epochs: z.number().int().positive(),
    train_loss: z.number(),
    val_loss: z.number(),
    val_dice: z.number(),
    seconds: z.number().nonnegative(),
  })
  .strict();

/** Followed by one Arrow IPC stream frame per name in `tables`, in that order. */
export const Result = z
  .object({
    job: z.string(),
    tables: z.array(z.string()).min(1),
    seconds: z.number().nonnegative(),
  })
  .strict();

export const Failed = z
  .object({ job: z.string(), error: z.string(), traceback: z.string().default('') })
  .strict();

/**
 * The worker is leaving before its job is done (Slurm preempts it or its time limit is near:
 * SIGTERM/SIGUSR1): the job goes back to the queue at once, and the try does not count.
 */
export const Handback = z
  .object({ job: z.string().nullable().describe('the job it hands back; null when it held none'), reason: z.string() })
  .strict();

export const Stop = z.object({ reason: z.string().optional() }).strict();

/** Worker → broker. */
export const WorkerMessages = {
  READY: Ready,
  HEARTBEAT: Heartbeat,
  PROGRESS: Progress,
  RESULT: Result,
  FAILED: Failed,
  HANDBACK: Handback,
} as const;

/** Broker → worker. */
export const BrokerMessages = { JOB: Job, HEARTBEAT: Heartbeat, STOP: Stop } as const;

export type Ready = z.infer<typeof Ready>;
export type Progress = z.infer<typeof Progress>;
export type Result = z.infer<typeof Result>;
export type Failed = z.infer<typeof Failed>;
export type Handback = z.infer<typeof Handback>;
