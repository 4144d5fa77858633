import { readFileSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_ALLOWANCES, SOURCE_EXTENSIONS, checkPurity, formatOffences } from './purity-check.js';

const CORE = join(import.meta.dirname, '../../proxy-core');

/** Every source file of proxy-core, by path relative to it with `/` separators. */
function coreFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(CORE, { recursive: true, encoding: 'utf8' })) {
    if (SOURCE_EXTENSIONS.some((ext) => entry.endsWith(ext))) files.set(entry.split(sep).join('/'), readFileSync(join(CORE, entry), 'utf8'));
  }
  return files;
}

/** Checks `source` as `file` in a tiny tree that also holds clock/clock.ts (a valid import target). */
function check(source: string, file = 'health/fixture.ts', allow = {}): string[] {
  const files = new Map([
    ['clock/clock.ts', 'export interface Clock { now(): number }\n'],
    [file, source],
  ]);
  return checkPurity(files, allow).map((o) => `${o.file}:${o.line}:${o.column}  ${o.what}`);
}

describe('proxy-core purity: imports and globals, checked on the syntax tree', () => {
  it('proxy-core imports only its own files and reaches time, randomness and the host only through Clock and Rng', () => {
    const files = coreFiles();
    expect(files.size).toBeGreaterThan(30); // the walk found the tree (an empty walk would pass vacuously)
    expect(files.has('clock/real-clock.ts')).toBe(true);
    // One line per offence, `file:line:col  what`, relative to proxy-core/.
    expect(formatOffences(checkPurity(files, CORE_ALLOWANCES)).split('\n').filter(Boolean)).toEqual([]);
  });

  it("RealClock's exemption is exactly what it uses: performance, setTimeout, clearTimeout, setImmediate, clearImmediate, Date.now", () => {
    const unexempted = checkPurity(coreFiles()).filter((o) => o.file === 'clock/real-clock.ts');
    const used = new Set(unexempted.map((o) => o.what.replace(/^global /, '').replace(/ \(in a type\)$/, '')));
    expect([...used].sort()).toEqual([...CORE_ALLOWANCES['clock/real-clock.ts']].sort());
  });

  describe('flags', () => {
    const at = 'health/fixture.ts:1:';
    it.each([
      ["import { readFileSync } from 'fs';", `${at}30  import 'fs': not a relative path (a package or a built-in)`],
      ["import { readFileSync } from 'node:fs';", `${at}30  import 'node:fs': a Node built-in`],
      ["import YAML from 'yaml';", `${at}18  import 'yaml': not a relative path (a package or a built-in)`],
      ["import type { World } from '../../sim/world.js';", `${at}28  type-only import '../../sim/world.js': resolves outside proxy-core`],
      ["import { type World } from '../../sim/world.js';", `${at}28  import '../../sim/world.js': resolves outside proxy-core`],
      ["export { load } from '../../scenarios/load.js';", `${at}22  export from '../../scenarios/load.js': resolves outside proxy-core`],
      ["export * from '../../test/proxy-core/scripted-rng.js';", `${at}15  export from '../../test/proxy-core/scripted-rng.js': resolves outside proxy-core`],
      ["import './missing.js';", `${at}8  import './missing.js': resolves to no file of proxy-core`],
      ["const fs = await import('node:fs');", `${at}25  dynamic import() 'node:fs': a Node built-in`],
      ['const m = (name: string) => import(name);', `${at}29  dynamic import() of a computed specifier`],
      ["type Stats = import('node:fs').Stats;", `${at}21  import() type 'node:fs': a Node built-in`],
      ["import fs = require('fs');", `${at}21  import = require 'fs': not a relative path (a package or a built-in)`],
      ['/// <reference types="node" />', `${at}23  triple-slash reference 'node'`],
      ["declare module 'fs' { export const x: number }", `${at}16  ambient module declaration 'fs'`],
      ['const t = new Date();', `${at}15  global Date`],
      ['const t = Date.UTC(2025, 0, 1);', `${at}11  global Date.UTC`],
      ['const t = Date.now();', `${at}11  global Date.now`],
      ['export let at: Date;', `${at}16  global Date (in a type)`],
      ['const s = `${Date.now()}`;', `${at}14  global Date.now`],
      ['const t = performance.now();', `${at}11  global performance`],
      ['queueMicrotask(f);', `${at}1  global queueMicrotask`],
      ['globalThis.setTimeout(f, 1);', `${at}1  global globalThis`],
      ['global.setTimeout(f, 1);', `${at}1  global global`],
      ['window.setTimeout(f, 1);', `${at}1  global window`],
      ['self.setTimeout(f, 1);', `${at}1  global self`],
      ['setTimeout(f, 1);', `${at}1  global setTimeout`],
      ['setInterval(f, 1);', `${at}1  global setInterval`],
      ['setImmediate(f);', `${at}1  global setImmediate`],
      ['clearTimeout(h);', `${at}1  global clearTimeout`],
      ['clearInterval(h);', `${at}1  global clearInterval`],
      ['clearImmediate(h);', `${at}1  global clearImmediate`],
      ['let h: ReturnType<typeof setTimeout>;', `${at}26  global setTimeout (in a type)`],
      ['const r = Math.random();', `${at}11  global Math.random`],
      ["const r = Math['random']();", `${at}11  global Math.random`],
      ['const m = Math; m.random();', `${at}11  global Math (not as Math.<member>, which could hide Math.random)`],
      ['const { random } = Math;', `${at}20  global Math (not as Math.<member>, which could hide Math.random)`],
      ['const e = process.env.HOME;', `${at}11  global process`],
      ['export const o = { process };', `${at}20  global process`],
      ['declare const process: { env: object }; export const e = process.env;', `${at}58  global process`],
      ['declare global { function fetch(u: string): void } export {}; fetch(u);', `${at}63  global fetch`],
      ["const x = require('../clock/clock.js');", `${at}11  global require`],
      ['const id = crypto.randomUUID();', `${at}12  global crypto`],
      ['const r = fetch(url);', `${at}11  global fetch`],
      ["eval('1');", `${at}1  global eval`],
      ["const f = new Function('return 1');", `${at}15  global Function`],
    ])('%s', (source, expected) => {
      expect(check(source)).toEqual([expected]);
    });

    it("in real-clock.ts, whatever its exemption does not name (Date.UTC, new Date, setInterval, Math.random)", () => {
      const source = [
        'const a = performance.now() + Date.now();',
        'const h = setTimeout(f, 1); clearTimeout(h);',
        'const b = Date.UTC(2025, 0, 1) + new Date().getTime();',
        'setInterval(f, 1); Math.random();',
      ].join('\n');
      expect(check(source, 'clock/real-clock.ts', CORE_ALLOWANCES)).toEqual([
        'clock/real-clock.ts:3:11  global Date.UTC',
        'clock/real-clock.ts:3:38  global Date',
        'clock/real-clock.ts:4:1  global setInterval',
        'clock/real-clock.ts:4:20  global Math.random',
      ]);
    });

    it('the same uses outside real-clock.ts', () => {
      expect(check('const a = performance.now() + Date.now(); clearTimeout(setTimeout(f, 1));')).toEqual([
        `${at}11  global performance`,
        `${at}31  global Date.now`,
        `${at}43  global clearTimeout`,
        `${at}56  global setTimeout`,
      ]);
    });

    it('every offence of a file, each at its own line and column', () => {
      expect(check("import { x } from 'zod';\n\n  const t = Date.now();\nsetTimeout(f, Math.random());")).toEqual([
        `${at}19  import 'zod': not a relative path (a package or a built-in)`,
        'health/fixture.ts:3:13  global Date.now',
        'health/fixture.ts:4:1  global setTimeout',
        'health/fixture.ts:4:15  global Math.random',
      ]);
    });
  });

  describe('does not flag', () => {
    it.each([
      ["import type { Clock } from '../clock/clock.js'; export const f = (c: Clock) => c.now();", 'a relative import inside proxy-core'],
      ["export { type Clock } from '../clock/clock.js'; export * from './fixture.js';", 're-exports inside proxy-core'],
      ["const c = await import('../clock/clock.js');", 'a dynamic import inside proxy-core'],
      ['class A { setTimeout = 1; f() { this.setTimeout = 2; return this.setTimeout; } }', 'a property named setTimeout'],
      ['export const o = { setTimeout: 1, Date: 2, process: 3 }; o.Date = o.process;', 'object keys and member reads'],
      ['export interface T { process: number; setTimeout(): void; Date: string }', 'interface members'],
      ['// Date.now() is what RealClock uses\n/** performance.now(), setTimeout */\nexport const x = 1;', 'comments'],
      ["export const s = 'setTimeout'; export const t = `Date.now ${s}`;", 'strings and templates'],
      ['export function f(process: number) { return process + 1; }', 'a parameter named process (shadowing)'],
      ['export function g(t: { setTimeout(): void }) { const { setTimeout } = t; setTimeout(); }', 'a local destructured setTimeout'],
      ['const performance = { now: () => 0 }; export const p = performance.now();', 'a local const named performance'],
      ["import { now as Date } from './now.js'; export const d = Date();", 'an imported binding named Date'],
      ['export const f = (x: number) => Math.floor(Math.max(x, 0)) + Math.PI;', 'Math.<member> other than random'],
      ['const x = 1; export { x as setTimeout };', 'an exported name'],
      ['self: for (;;) break self;', 'a label'],
    ])('%s (%s)', (source) => {
      const files = new Map([
        ['clock/clock.ts', 'export interface Clock { now(): number }\n'],
        ['health/now.ts', 'export const now = () => 0;\n'],
        ['health/fixture.ts', source],
      ]);
      expect(formatOffences(checkPurity(files))).toBe('');
    });
  });
});
