/**
 * `faultline fuzz` from the command line: a counterexample is written and `faultline run`
 * reproduces it with exit 1; no counterexample is exit 0; bad input is exit 2 with the file,
 * line and column.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../sim/cli/main.js';
import { parse } from 'yaml';
import { TINY_YAML } from './tiny-scenario.js';

const SOURCE = join(import.meta.dirname, '../../sim/cli/faultline.ts');

function faultline(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SOURCE, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI in this process, capturing what it writes. */
async function inProcess(args: string[]) {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function tempFile(name: string, text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-fuzz-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return { dir, file };
}

describe('faultline fuzz', () => {
  it('writes the counterexample, which faultline run reproduces with exit 1', () => {
    const { dir, file } = tempFile('tiny.yaml', TINY_YAML);
    const out = join(dir, 'found');
    const r = faultline(['fuzz', file, '--seed', '2026', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('✗ counterexample: success: rate>0.9');
    expect(r.stdout).toMatch(/shrunk in \d+ steps/);
    expect(r.stdout).toContain(`replay: faultline fuzz ${file} --seed 2026 --runs 1000 --strategy both`);
    const written = join(out, 'tiny.counterexample.yaml');
    expect(readdirSync(out)).toEqual(['tiny.counterexample.yaml']);
    const text = readFileSync(written, 'utf8');
    expect(text.startsWith('# faultline fuzz counterexample of')).toBe(true);
    expect(text).toContain('# a tiny mesh to fuzz');
    const yaml = parse(text);
    expect(yaml.fuzz).toBeUndefined();
    expect(yaml.description).toMatch(/^Found by faultline fuzz .* Failed: success: rate>0\.9 \(observed [0-9.]+\)\. Minimal schedule: crash on back\[\d\]/);
    expect(yaml.faults.length).toBeGreaterThan(0);
    const run = faultline(['run', written, '--quiet']);
    expect(run.code, run.stderr).toBe(1);
  });

  it('exits 0 when nothing breaks the thresholds in the runs made; --json prints the campaign', async () => {
    const { file } = tempFile('robust.yaml', TINY_YAML.replace(/count:\n\s+max: 2/, 'count:\n      max: 1'));
    const r = await inProcess(['fuzz', file, '--seed', '3', '--runs', '40', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: 'faultline.fuzz/v1', seed: 3, runs: 45, counterexample: null, replay: `faultline fuzz ${file} --seed 3 --runs 40 --strategy both` });
  });

  it('exits 2 on bad input: a fuzz section with an error (located), no thresholds, bad options', async () => {
    const bad = tempFile('bad.yaml', TINY_YAML.replace('- crash', '- crahs'));
    const located = await inProcess(['fuzz', bad.file]);
    expect(located.code).toBe(2);
    expect(located.stderr).toMatch(new RegExp(`${bad.file}:\\d+:\\d+: fuzz\\.faults\\.kinds\\[0\\]: not an allowed value .* did you mean "crash"\\?`));
    const none = tempFile('none.yaml', TINY_YAML.replace(/thresholds:\n\s+success:\n\s+- rate>0\.9\n/, ''));
    const noThresholds = await inProcess(['fuzz', none.file]);
    expect(noThresholds.code).toBe(2);
    expect(noThresholds.stderr).toContain('the scenario has no thresholds');
    expect((await inProcess(['fuzz', bad.file, '--strategy', 'clever'])).stderr).toContain("--strategy must be 'exhaustive', 'random' or 'both'");
    expect((await inProcess(['fuzz', bad.file, '--workers', '0'])).code).toBe(2);
    expect((await inProcess(['fuzz', bad.file, '--seed', '-1'])).code).toBe(2);
  });

  it('is in the main help, with its own', async () => {
    expect((await inProcess(['--help'])).stdout).toContain('faultline fuzz FILE [options]');
    expect((await inProcess(['help', 'fuzz'])).stdout).toContain('--strategy S');
  });
});
