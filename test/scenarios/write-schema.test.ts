import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateScenarioJsonSchema, SCENARIO_SCHEMA_ID } from '../../scenarios/write-schema.js';

describe('scenarios/schema.json', () => {
  it('is what the generator produces now (run `npm run schema` after changing schema.ts)', () => {
    const committed = readFileSync(new URL('../../scenarios/schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(generateScenarioJsonSchema());
  });

  it('is a JSON Schema with an id, a title and the input form of the scenario', () => {
    const schema = JSON.parse(generateScenarioJsonSchema());
    expect(Object.keys(schema).slice(0, 4)).toEqual(['$schema', '$id', 'title', 'description']);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(SCENARIO_SCHEMA_ID);
    expect(schema.required).toEqual(['version', 'name', 'services', 'load']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.report.properties.resolution).toMatchObject({ type: 'string' });
    expect(generateScenarioJsonSchema().endsWith('}\n')).toBe(true);
  });
});
