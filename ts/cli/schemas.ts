import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { staleSchemas, writeSchemas } from '../schemas/write';

export function registerSchemas(program: Command): void {
  const dir = () => join(process.env.PLATEAU_ROOT ?? process.cwd(), 'schemas');
  const cmd = program.command('schemas').description('the JSON Schema contract in schemas/, generated from the zod sources');
  cmd.command('write').description('regenerate schemas/*.json').action(() => {
    console.log(`wrote ${writeSchemas(dir()).map((f) => `schemas/${f}`).join(', ')}`);
  });
  cmd.command('check').description('fail when schemas/ differs from what the zod sources generate').action(() => {
    const stale = staleSchemas(dir());
    if (stale.length) throw new UserError(`stale: ${stale.map((f) => `schemas/${f}`).join(', ')}; run 'npm run schemas'`, 1);
    console.log('schemas/ is up to date');
  });
}
