import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderSummary } from '../../reports/summary.js';
import { writeFileAtomic, writeRunOutputs } from '../../reports/write-atomic.js';
import { sampleReport } from './report-fixture.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-reports-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a new file and leaves nothing else behind', () => {
    writeFileAtomic(join(dir, 'a.txt'), 'hello');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('hello');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('replaces an existing file whole', () => {
    writeFileSync(join(dir, 'a.txt'), 'an old and much longer content');
    writeFileAtomic(join(dir, 'a.txt'), 'new');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('writes multi-byte text intact', () => {
    writeFileAtomic(join(dir, 'a.txt'), '✓ µs · ✗\n'.repeat(10_000));
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('✓ µs · ✗\n'.repeat(10_000));
  });

  it('removes its temporary file and leaves the target as it was when the rename fails', () => {
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'keep');
    expect(() => writeFileAtomic(target, 'data')).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('keep');
  });

  it('throws and creates nothing when the folder does not exist', () => {
    expect(() => writeFileAtomic(join(dir, 'missing', 'a.txt'), 'data')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeRunOutputs', () => {
  it('creates the folder and writes report.json and summary.txt, returning their paths', () => {
    const out = join(dir, 'runs', 'one');
    const report = sampleReport([{ metric: 'errors', expression: 'rate<0.01', observed: 0.03, ok: false }]);
    const summary = renderSummary(report, { color: false });
    expect(writeRunOutputs(out, report, summary)).toEqual([join(out, 'report.json'), join(out, 'summary.txt')]);
    expect(readdirSync(out).sort()).toEqual(['report.json', 'summary.txt']);
    const json = readFileSync(join(out, 'report.json'), 'utf8');
    expect(JSON.parse(json)).toEqual(report);
    expect(json).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toBe(summary);
  });

  it('writes summary.txt without colour even from a coloured summary', () => {
    const report = sampleReport([{ metric: 'errors', expression: 'rate<0.01', observed: 0.03, ok: false }]);
    writeRunOutputs(dir, report, renderSummary(report, { color: true }));
    expect(readFileSync(join(dir, 'summary.txt'), 'utf8')).toBe(renderSummary(report, { color: false }));
  });
});
