/**
 * The published JSON Schema of scenario files, `scenarios/schema.json`, derived from
 * {@link ScenarioSchema} (the input side: what a file may contain). `npm run schema`
 * rewrites the file; a test checks that it is up to date.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

/** Where the schema is published; editors resolve `$schema` references by it. */
export const SCENARIO_SCHEMA_ID = 'https://faultline.dev/schema/scenario-v1.json';

/** The content of `scenarios/schema.json`: pretty-printed JSON with a trailing newline. */
export function generateScenarioJsonSchema(): string {
  const { $schema, ...body } = z.toJSONSchema(ScenarioSchema, { io: 'input' });
  const document = {
    $schema,
    $id: SCENARIO_SCHEMA_ID,
    title: 'faultline scenario',
    description: 'A faultline scenario file (version 1): services, mesh policies, load, faults and thresholds.',
    ...body,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(new URL('./schema.json', import.meta.url), generateScenarioJsonSchema());
}
