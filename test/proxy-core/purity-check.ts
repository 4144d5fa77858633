/**
 * The structural purity check of proxy-core: the core depends on nothing
 * outside its own folder, and reaches time, randomness, I/O and the host only through what
 * is injected into it.
 *
 * It parses the sources with the TypeScript compiler and looks at the syntax tree, so
 * comments, strings and property names (`this.setTimeout`) never count, while every real
 * use does, whatever its formatting. Names are resolved by the compiler's binder over the
 * checked files alone (no lib, no `@types`): an identifier that resolves to no declaration
 * of the checked files is a global. A local declaration therefore shadows a global (a
 * parameter named `process` is fine), except an ambient one (`declare const process: …`),
 * which names the real global at run time and is flagged like it.
 *
 * What a syntactic check cannot see: a global reached through a value that does not name
 * it, such as an object handed in from outside the core, or `(() => {}).constructor`
 * (which is `Function`). `Math` used other than as `Math.<member>` is flagged, so that
 * `Math.random` cannot leave under another name.
 */
import { posix } from 'node:path';
import ts from 'typescript';

/** One thing the core must not do, where it does it. */
export interface PurityOffence {
  /** Path relative to the checked root, with `/` separators (e.g. `clock/real-clock.ts`). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** What it is, e.g. `global setTimeout` or `import 'node:fs': not a relative path`. */
  what: string;
}

/**
 * Globals the core must not use: real time, timers, the host process, global randomness,
 * the network, code from strings, and the global object itself (through which all of the
 * above could be reached). `Date` covers every use (`new Date()`, `Date.now`, `Date.UTC`).
 */
export const FORBIDDEN_GLOBALS: ReadonlySet<string> = new Set([
  'Date',
  'performance',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
  'queueMicrotask',
  'process',
  'require',
  'globalThis',
  'global',
  'window',
  'self',
  'crypto',
  'fetch',
  'eval',
  'Function',
]);

/**
 * The uses each file may make of {@link FORBIDDEN_GLOBALS} and `Math.random`, by the same
 * names the offences carry (`Date.now` for `Date` accessed as `.now`).
 */
export type PurityAllowances = Readonly<Record<string, readonly string[]>>;

/** The core's one exception: RealClock reads real time and arms Node timers, and nothing else. */
export const CORE_ALLOWANCES: PurityAllowances = {
  'clock/real-clock.ts': ['performance', 'setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date.now'],
};

/** File extensions the check parses (a `.js` file in the core is checked as much as a `.ts`). */
export const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'] as const;

/**
 * Checks `files` (path relative to the root → source text) as one self-contained tree and
 * returns every offence, sorted by file, line and column:
 *
 * - every module specifier (static, `export … from`, type-only, `import()`, `import x =
 *   require()`, `require()`, `import('…')` types) must be a relative path resolving to one of
 *   `files` (`.js` → `.ts` as NodeNext writes it); triple-slash references and
 *   `declare module '…'` are refused too;
 * - no reference to a {@link FORBIDDEN_GLOBALS} name or to `Math.random`, beyond what
 *   `allow` grants the file.
 */
export function checkPurity(files: ReadonlyMap<string, string>, allow: PurityAllowances = {}): PurityOffence[] {
  const root = '/__purity__';
  const byName = new Map<string, string>();
  for (const [file, text] of files) byName.set(posix.join(root, file), text);
  const options: ts.CompilerOptions = {
    noLib: true,
    noResolve: true,
    types: [],
    allowJs: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host: ts.CompilerHost = {
    getSourceFile: (name, language) => {
      const text = byName.get(name);
      return text === undefined ? undefined : ts.createSourceFile(name, text, language, true, scriptKind(name));
    },
    getDefaultLibFileName: () => posix.join(root, 'no-lib.d.ts'),
    writeFile: () => {},
    getCurrentDirectory: () => root,
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => byName.has(name),
    readFile: (name) => byName.get(name),
  };
  const program = ts.createProgram({ rootNames: [...byName.keys()], options, host });
  const checker = program.getTypeChecker();
  const offences: PurityOffence[] = [];

  for (const source of program.getSourceFiles()) {
    const file = posix.relative(root, source.fileName);
    const allowed = new Set(allow[file] ?? []);
    const report = (node: ts.Node, what: string): void => {
      const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
      offences.push({ file, line: line + 1, column: character + 1, what });
    };
    const reportAt = (pos: number, what: string): void => {
      const { line, character } = source.getLineAndCharacterOfPosition(pos);
      offences.push({ file, line: line + 1, column: character + 1, what });
    };

    const checkSpecifier = (node: ts.Node, specifier: string, how: string): void => {
      const problem = specifierProblem(file, specifier, files);
      if (problem !== undefined) report(node, `${how} '${specifier}': ${problem}`);
    };

    for (const ref of [...source.referencedFiles, ...source.typeReferenceDirectives, ...source.libReferenceDirectives]) {
      reportAt(ref.pos, `triple-slash reference '${ref.fileName}'`);
    }

    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
        const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly === true : node.isTypeOnly;
        const how = `${typeOnly ? 'type-only ' : ''}${ts.isImportDeclaration(node) ? 'import' : 'export from'}`;
        if (ts.isStringLiteral(node.moduleSpecifier)) checkSpecifier(node.moduleSpecifier, node.moduleSpecifier.text, how);
      } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
        const expression = node.moduleReference.expression;
        if (ts.isStringLiteral(expression)) checkSpecifier(expression, expression.text, 'import = require');
      } else if (ts.isImportTypeNode(node)) {
        const argument = node.argument;
        if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) {
          checkSpecifier(argument.literal, argument.literal.text, 'import() type');
        }
      } else if (ts.isCallExpression(node) && isModuleCall(node)) {
        const how = node.expression.kind === ts.SyntaxKind.ImportKeyword ? 'dynamic import()' : 'require()';
        const first = node.arguments[0];
        if (first !== undefined && ts.isStringLiteralLike(first)) checkSpecifier(first, first.text, how);
        else report(node, `${how} of a computed specifier`);
      } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
        report(node.name, `ambient module declaration '${node.name.text}'`);
      } else if (ts.isIdentifier(node)) {
        const what = forbiddenUse(node, checker, files, root);
        if (what !== undefined && !allowed.has(what)) report(node, `global ${what}${inTypePosition(node) ? ' (in a type)' : ''}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return offences.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** Formats offences one a line as `file:line:col  what`, for a failure message. */
export function formatOffences(offences: readonly PurityOffence[], prefix = ''): string {
  return offences.map((o) => `${prefix}${o.file}:${o.line}:${o.column}  ${o.what}`).join('\n');
}

function scriptKind(name: string): ts.ScriptKind {
  if (name.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (/\.[cm]?js$/.test(name)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** `import(…)` or `require(…)` (the latter whatever `require` resolves to: a module load by name either way). */
function isModuleCall(node: ts.CallExpression): boolean {
  const callee = node.expression;
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

/**
 * Why `specifier`, written in `file`, leaves the checked tree, or `undefined` if it resolves
 * to one of `files`. NodeNext specifiers name the emitted file: `./x.js` is `./x.ts`.
 */
function specifierProblem(file: string, specifier: string, files: ReadonlyMap<string, string>): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
    return specifier.startsWith('node:') ? 'a Node built-in' : 'not a relative path (a package or a built-in)';
  }
  const target = posix.normalize(posix.join(posix.dirname(file), specifier));
  if (target.startsWith('../') || target === '..') return 'resolves outside proxy-core';
  const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx'), target.replace(/\.mjs$/, '.mts'), target.replace(/\.cjs$/, '.cts')];
  if (candidates.some((candidate) => files.has(candidate))) return undefined;
  return 'resolves to no file of proxy-core';
}

/**
 * The forbidden global `id` uses, by the name offences and allowances carry (`Date.now`,
 * `Math.random`), or `undefined` when `id` is no such use: not a forbidden name, a name
 * rather than a reference (a property, a declaration), or a reference to a local declaration.
 */
function forbiddenUse(id: ts.Identifier, checker: ts.TypeChecker, files: ReadonlyMap<string, string>, root: string): string | undefined {
  const name = id.text;
  if (!FORBIDDEN_GLOBALS.has(name) && name !== 'Math') return undefined;
  if (!isReference(id)) return undefined;
  if (!isGlobal(id, checker, files, root)) return undefined;
  const member = memberAccessed(id);
  if (name === 'Math') {
    if (member === undefined) return 'Math (not as Math.<member>, which could hide Math.random)';
    return member === 'random' ? 'Math.random' : undefined;
  }
  if (name === 'Date' && member !== undefined) return `Date.${member}`;
  return name;
}

/** For `X.m`, `X?.m` or `X['m']`: `'m'` (`'[computed]'` for a computed key); otherwise `undefined`. */
function memberAccessed(id: ts.Identifier): string | undefined {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === id) return parent.name.text;
  if (ts.isElementAccessExpression(parent) && parent.expression === id) {
    return ts.isStringLiteralLike(parent.argumentExpression) ? parent.argumentExpression.text : '[computed]';
  }
  return undefined;
}

/**
 * Whether `id` refers to something by name, rather than being a name itself: a property
 * after a dot, a key, a member's or a declaration's own name, a label.
 */
function isReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return true; // `{ process }` reads `process`
  if (ts.isQualifiedName(parent) && parent.right === id) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === id) return false; // `{ setTimeout: t } = o` reads o.setTimeout
  if (ts.isImportSpecifier(parent)) return false; // declares a local
  if (ts.isExportSpecifier(parent)) {
    if (parent.parent.parent.moduleSpecifier !== undefined) return false; // re-export: no local read
    return parent.propertyName === undefined || parent.propertyName === id; // `export { x as y }` reads x
  }
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isMetaProperty(parent)) return false;
  const declaration = parent as ts.Declaration;
  return ts.getNameOfDeclaration(declaration) !== id;
}

/**
 * Whether `id` resolves to no runtime declaration of the checked files: unresolved, the
 * compiler's built-in `globalThis`, or only ambient declarations (`declare const process`,
 * `declare global { … }`), which name the real global at run time.
 */
function isGlobal(id: ts.Identifier, checker: ts.TypeChecker, files: ReadonlyMap<string, string>, root: string): boolean {
  const symbol = ts.isShorthandPropertyAssignment(id.parent) ? checker.getShorthandAssignmentValueSymbol(id.parent) : checker.getSymbolAtLocation(id);
  const declarations = symbol?.declarations ?? [];
  return !declarations.some((declaration) => {
    const source = declaration.getSourceFile();
    const inTree = files.has(posix.relative(root, source.fileName));
    const ambient = source.isDeclarationFile || isAmbient(declaration);
    return inTree && !ambient;
  });
}

/** Whether `node` or an enclosing declaration carries `declare` (`declare const x`, `declare global { … }`). */
function isAmbient(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent) {
    if (ts.canHaveModifiers(n) && ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return true;
  }
  return false;
}

/** Whether `id` sits in a type (annotation, `typeof x` query, interface): no run-time use, but still a dependency. */
function inTypePosition(id: ts.Identifier): boolean {
  for (let node: ts.Node = id; node.parent !== undefined; node = node.parent) {
    if (ts.isTypeNode(node)) return true;
    if (ts.isExpression(node.parent) || ts.isStatement(node.parent)) return false;
  }
  return false;
}
