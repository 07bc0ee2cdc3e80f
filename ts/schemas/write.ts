import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSchemas, render } from './generate';

/** Files under `dir` that differ from what the zod sources generate. */
export function staleSchemas(dir: string): string[] {
  return Object.entries(generateSchemas())
    .filter(([file, doc]) => {
      try {
        return readFileSync(join(dir, file), 'utf8') !== render(doc);
      } catch {
        return true;
      }
    })
    .map(([file]) => file);
}

export function writeSchemas(dir: string): string[] {
  const docs = generateSchemas();
  for (const [file, doc] of Object.entries(docs)) writeFileSync(join(dir, file), render(doc));
  return Object.keys(docs);
}
