import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateFile } from '../../sim/cli/validate-file.js';
import { TargetFileError } from '../../sim/staging/target-file-error.js';
import { TARGET, withLine } from './target-fixtures.js';

const REPO = join(import.meta.dirname, '../..');
const SOURCE = join(REPO, 'sim/cli/faultline.ts');

describe('faultline validate on staging target files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-validate-target-'));

  it('checks a file with allowHosts as a target file, and a scenario as a scenario', () => {
    expect(validateFile(join(REPO, 'scenarios/staging/shop-staging.yaml'))).toBe(`✓ ${join(REPO, 'scenarios/staging/shop-staging.yaml')}: staging target shop-staging-local`);
    expect(validateFile(join(REPO, 'scenarios/three-tier-shop.yaml'))).toContain(': three-tier shop with a slow payments provider');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, withLine(9, '  frontend: { url: "http://evil.example.com" }'));
    expect(() => validateFile(bad)).toThrow(TargetFileError);
  });

  it('exits 2 with the target file error, located, from the command line', () => {
    const bad = join(dir, 'cli-bad.yaml');
    writeFileSync(bad, withLine(9, '  frontend: { url: "http://evil.example.com" }'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, TARGET);
    const r = spawnSync(process.execPath, ['--import', 'tsx', SOURCE, 'validate', good, bad], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe(`✓ ${good}: staging target shop-staging\n`);
    expect(r.stderr).toContain(`${bad}:9:20: services.frontend.url: host "evil.example.com" is not in allowHosts`);
  });
});
