import type { z } from 'zod';
import { WorkerMessages } from '../protocol/messages';

export type WorkerMessageType = keyof typeof WorkerMessages;
export type WorkerMessage = {
  [K in WorkerMessageType]: { type: K; header: z.infer<(typeof WorkerMessages)[K]>; payload: Buffer[] };
}[WorkerMessageType];

/** `[identity, type, header-json, ...payload]` from the ROUTER → a validated message. */
export function parseWorkerFrames(frames: Buffer[]): { identity: string; message: WorkerMessage } {
  const [identity, type, header, ...payload] = frames;
  if (!identity || !type) throw new Error('message without identity or type frame');
  const name = type.toString('utf8');
  const schema = WorkerMessages[name as WorkerMessageType];
  if (!schema) throw new Error(`unknown message type '${name}'`);
  let json: unknown;
  try {
    json = header && header.length ? JSON.parse(header.toString('utf8')) : {};
  } catch {
    throw new Error(`${name}: header is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { identity: identity.toString('utf8'), message: { type: name, header: parsed.data, payload } as WorkerMessage };
}

export const encode = (type: string, header: unknown): [string, string] => [type, JSON.stringify(header)];
