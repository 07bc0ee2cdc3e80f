import { z } from 'zod';
import { Experiment } from '../experiment/schema';
import { Job } from '../experiment/job';
import { BrokerMessages, WorkerMessages } from '../protocol/messages';
import { TABLES } from '../protocol/tables';
import { BridgeCalls } from '../bridge/contract';

/** Every file of `schemas/`, generated from the zod sources (the one place types are defined). */
export function generateSchemas(): Record<string, unknown> {
  const messages = (group: Record<string, z.ZodType>) =>
    Object.fromEntries(Object.entries(group).map(([type, s]) => [type, z.toJSONSchema(s, { io: 'output' })]));
  return {
    // Input side: what a user may write (defaults make fields optional).
    'experiment.json': { title: 'plateau experiment', ...z.toJSONSchema(Experiment, { io: 'input' }) },
    // Output side: what the control plane sends (every field present).
    'job.json': { title: 'plateau job', ...z.toJSONSchema(Job, { io: 'output' }) },
    'messages.json': {
      title: 'plateau messages: [type, header-json, ...payload]',
      worker_to_broker: messages(WorkerMessages),
      broker_to_worker: messages(BrokerMessages),
    },
    'tables.json': { title: 'plateau Arrow table layouts', tables: TABLES },
    // The in-process calls (pythonia): what the control plane sends, what Python answers.
    'bridge.json': {
      title: 'plateau.bridge calls: argument and answer of each (or {"error": sentence})',
      calls: Object.fromEntries(Object.entries(BridgeCalls).map(([fn, c]) => [fn, { argument: z.toJSONSchema(c.argument, { io: 'output' }), answer: z.toJSONSchema(c.answer, { io: 'output' }) }])),
    },
  };
}

export const render = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;
