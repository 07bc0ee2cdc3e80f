import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSchemas } from '../../../ts/schemas/generate';
import { staleSchemas } from '../../../ts/schemas/write';
import { ROOT } from '../helpers';

describe('schemas/', () => {
  it('matches what the zod sources generate (run `npm run schemas` after changing them)', () => {
    expect(staleSchemas(join(ROOT, 'schemas'))).toEqual([]);
  });

  it('describes every message type in both directions', () => {
    const m = generateSchemas()['messages.json'] as Record<string, Record<string, unknown>>;
    expect(Object.keys(m.worker_to_broker).sort()).toEqual(['FAILED', 'HANDBACK', 'HEARTBEAT', 'PROGRESS', 'READY', 'RESULT']);
    expect(Object.keys(m.broker_to_worker).sort()).toEqual(['HEARTBEAT', 'JOB', 'STOP']);
  });
});
