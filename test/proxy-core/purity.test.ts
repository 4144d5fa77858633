import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '../../proxy-core');
const FORBIDDEN = /\b(Date\.now|performance\.now|setTimeout|setInterval|setImmediate|Math\.random|process\.hrtime)\b|from 'node:/;

describe('proxy-core purity (DESIGN.md, rule 1)', () => {
  it('reads time and randomness only through the injected Clock and Rng, and does no I/O', () => {
    const offenders = readdirSync(CORE, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('real-clock.ts'))
      .flatMap((f) =>
        readFileSync(join(CORE, f), 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
          .filter(({ line }) => FORBIDDEN.test(line) && !line.trimStart().startsWith('*') && !line.trimStart().startsWith('//')),
      );
    expect(offenders).toEqual([]);
  });
});
