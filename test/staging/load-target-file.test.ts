import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTargetFile, MAX_TARGET_BYTES } from '../../sim/staging/load-target-file.js';
import { TargetFileError } from '../../sim/staging/target-file-error.js';
import { heads, TARGET, targetErrorOf, targetOf, withLine } from './target-fixtures.js';

describe('parseTargetFile: a valid file', () => {
  it('gives the target with maxDuration in ms, services as addresses, and defaults filled', () => {
    const { target } = targetOf();
    expect(target).toEqual({
      version: 1,
      target: 'shop-staging',
      allowHosts: ['*.staging.example.internal', '127.0.0.1', '::1'],
      maxDuration: 1_800_000,
      services: {
        frontend: { kind: 'http', url: 'http://frontend.staging.example.internal:8080' },
        payments: { kind: 'grpc', address: 'payments.staging.example.internal:9090', tls: false },
      },
      toxiproxy: [{ api: 'http://toxiproxy-a.staging.example.internal:8474', proxies: { payments: 'payments', 'checkout->inventory': 'inventory-from-checkout' } }],
      l7Faults: 'headers',
    });
  });

  it('defaults toxiproxy to none and l7Faults to none, and reads gRPC over TLS', () => {
    const text = withLine(10, '  payments: { grpc: "[::1]:9090", tls: true }', TARGET.split('\ntoxiproxy:')[0] + '\n');
    const { target } = targetOf(text);
    expect(target.toxiproxy).toEqual([]);
    expect(target.l7Faults).toBe('none');
    expect(target.services.payments).toEqual({ kind: 'grpc', address: '[::1]:9090', tls: true });
  });

  it('reads JSON too', () => {
    const json = JSON.stringify({ version: 1, target: 't', allowHosts: ['127.0.0.1'], maxDuration: '1m', services: { a: { url: 'http://127.0.0.1:1' } } });
    expect(targetOf(json).target.services.a).toEqual({ kind: 'http', url: 'http://127.0.0.1:1' });
  });
});

describe('parseTargetFile: the schema', () => {
  it('reports an unknown key at the key, with the nearest known key', () => {
    const error = targetErrorOf(withLine(13, '    prxies:'));
    expect(error.code).toBe('FL_TARGET_UNKNOWN_KEY');
    expect(heads(error.issues)).toEqual(['target.yaml:13:5: toxiproxy[0].prxies: unknown key (expected one of api, proxies) — did you mean "proxies"?']);
  });

  it('reports an unknown top-level key with a suggestion, and a misspelt required key once', () => {
    const error = targetErrorOf(withLine(3, 'allowHost:'));
    expect(heads(error.issues)).toEqual(['target.yaml:3:1: allowHost: unknown key (expected one of version, target, allowHosts, maxDuration, services, toxiproxy, l7Faults) — did you mean "allowHosts"?']);
  });

  it('reports a missing required key at the top of the file', () => {
    const error = targetErrorOf(withLine(7, ''));
    expect(error.code).toBe('FL_TARGET_SCHEMA');
    expect(heads(error.issues)).toEqual(['target.yaml:1:1: maxDuration: missing required key (expected a duration with a unit, like 250ms, 2s, 1h or 1h30m)']);
  });

  it('reports a wrong version, a duration that is not above 0, and a bad l7Faults with a suggestion', () => {
    const text = withLine(16, 'l7Faults: header', withLine(7, 'maxDuration: 0s', withLine(1, 'version: 2')));
    expect(heads(targetErrorOf(text).issues)).toEqual([
      'target.yaml:1:10: version: not an allowed value (expected 1, found 2)',
      'target.yaml:7:14: maxDuration: value not allowed (expected a duration above 0 and at most 8760h (365 days), found "0s")',
      'target.yaml:16:11: l7Faults: not an allowed value (expected one of "headers", "none", found "header") — did you mean "headers"?',
    ]);
  });

  it('refuses "*", a wildcard over one label, and what is not a host in allowHosts', () => {
    const text = withLine(6, '  - "*"\n  - "*.internal"\n  - "http://127.0.0.1:8080"\n  - "::1"');
    expect(heads(targetErrorOf(text).issues)).toEqual([
      'target.yaml:6:5: allowHosts[2]: "*" would allow every host; list the staging hosts, or a wildcard over their domain like *.staging.example.internal (found "*")',
      'target.yaml:7:5: allowHosts[3]: "*.internal" is too broad: a wildcard must cover at least two labels, like *.staging.internal (found "*.internal")',
      'target.yaml:8:5: allowHosts[4]: value not allowed (expected a host name, *.domain or an IP address, without scheme, port or path, found "http://127.0.0.1:8080")',
    ]);
  });

  it('refuses an empty allowHosts', () => {
    const text = withLine(3, 'allowHosts: []', withLine(4, '', withLine(5, '', withLine(6, ''))));
    expect(heads(targetErrorOf(text).issues)).toEqual(['target.yaml:3:13: allowHosts: too few items (expected at least 1 item, found an empty list)']);
  });

  it('refuses URLs of another scheme, with credentials, with a query, or that do not parse', () => {
    const lines = [
      '  frontend: { url: "ftp://frontend.staging.example.internal" }',
      '  a: { url: "http://user:secret@frontend.staging.example.internal" }',
      '  b: { url: "http://frontend.staging.example.internal/?x=1" }',
      '  c: { url: "frontend.staging.example.internal:8080" }',
    ];
    expect(heads(targetErrorOf(withLine(9, lines.join('\n'))).issues)).toEqual([
      'target.yaml:9:20: services.frontend.url: value not allowed (expected an http:// or https:// URL, like http://frontend.staging.example.internal:8080, found "ftp://frontend.staging.example.internal")',
      'target.yaml:10:13: services.a.url: a URL with a user name or password: keep credentials out of the target file (found a string of 52 characters)',
      'target.yaml:11:13: services.b.url: value not allowed (expected a URL without query or fragment (request classes give the path), found a string of 45 characters)',
      'target.yaml:12:13: services.c.url: value not allowed (expected an http:// or https:// URL, like http://frontend.staging.example.internal:8080, found "frontend.staging.example.internal:8080")',
    ]);
  });

  it('refuses a gRPC address without a port, with a port out of range, or with a scheme', () => {
    const lines = ['  payments: { grpc: "payments.staging.example.internal" }', '  a: { grpc: "[::1]:70000" }', '  b: { grpc: "http://127.0.0.1:9090" }'];
    expect(heads(targetErrorOf(withLine(10, lines.join('\n'))).issues)).toEqual([
      'target.yaml:10:21: services.payments.grpc: value not allowed (expected host:port, like payments.staging.example.internal:9090 or [::1]:9090, found "payments.staging.example.internal")',
      'target.yaml:11:14: services.a.grpc: value not allowed (expected a port from 1 to 65535, found "[::1]:70000")',
      'target.yaml:12:14: services.b.grpc: value not allowed (expected host:port, like payments.staging.example.internal:9090 or [::1]:9090, found "http://127.0.0.1:9090")',
    ]);
  });

  it('wants exactly one of url and grpc, and tls only beside grpc', () => {
    const lines = ['  frontend: { url: "http://127.0.0.1:1", grpc: "127.0.0.1:2" }', '  a: { tls: true }', '  b: { url: "http://127.0.0.1:1", tls: false }'];
    expect(heads(targetErrorOf(withLine(9, lines.join('\n'))).issues)).toEqual([
      'target.yaml:9:13: services.frontend: value not allowed (expected url or grpc, not both, found a mapping with keys "url", "grpc")',
      'target.yaml:10:6: services.a: value not allowed (expected url (an HTTP service) or grpc (a gRPC service), found a mapping with key "tls")',
      'target.yaml:11:40: services.b.tls: tls applies to a grpc address; an HTTP service says https:// in its url (found false)',
    ]);
  });

  it('refuses a proxy key that is neither a service nor an edge, and a proxy name with a slash', () => {
    const text = withLine(15, '      "checkout=>inventory": inventory\n      orders: a/b');
    expect(heads(targetErrorOf(text).issues)).toEqual([
      'target.yaml:15:7: toxiproxy[0].proxies["checkout=>inventory"]: invalid name (expected a service name or an edge like checkout->inventory, found "checkout=>inventory")',
      'target.yaml:16:15: toxiproxy[0].proxies.orders: wrong format (expected a Toxiproxy proxy name, without blanks or slashes, found "a/b")',
    ]);
  });

  it('says a file without a mapping holds no target', () => {
    expect(heads(targetErrorOf('# nothing here\n').issues)).toEqual([
      'target.yaml:1:1: the file holds no target (expected a mapping with keys version, target, allowHosts, maxDuration, services)',
    ]);
  });
});

describe('parseTargetFile: syntax, through the scenario machinery', () => {
  it('reports malformed YAML and duplicate keys with target codes and code frames', () => {
    const dup = targetErrorOf(withLine(2, 'target: a\ntarget: b'));
    expect(dup.code).toBe('FL_TARGET_SYNTAX');
    expect(dup.message).toBe('target.yaml:3:1: target: duplicate key "target"\n3 | target: b\n  | ^');
    const bad = targetErrorOf('version: 1\nservices: { a: [\n');
    expect(bad.code).toBe('FL_TARGET_SYNTAX');
    expect(bad.issues[0]).toMatchObject({ code: 'FL_TARGET_SYNTAX', file: 'target.yaml', line: 3, column: 1 });
  });

  it('refuses a text over the limit before parsing it', () => {
    const error = targetErrorOf(`#${'x'.repeat(MAX_TARGET_BYTES)}`);
    expect(error.code).toBe('FL_TARGET_LIMIT');
    expect(heads(error.issues)).toEqual(['target.yaml:1:1: the text is 1 MiB, over the limit of 1 MiB for a target file']);
  });
});

describe('parseTargetFile: a file that contradicts itself', () => {
  it('refuses every URL and address whose host allowHosts does not allow, at its line', () => {
    const text = withLine(12, '  - api: "http://toxiproxy.example.com:8474"', withLine(10, '  payments: { grpc: "[::2]:9090" }', withLine(9, '  frontend: { url: "http://evilstaging.example.internal:8080" }')));
    const error = targetErrorOf(text);
    expect(error.code).toBe('FL_TARGET_HOST_NOT_ALLOWED');
    const expected = '(expected a host matching *.staging.example.internal, 127.0.0.1, ::1)';
    expect(heads(error.issues)).toEqual([
      `target.yaml:9:20: services.frontend.url: host "evilstaging.example.internal" is not in allowHosts ${expected}`,
      `target.yaml:10:21: services.payments.grpc: host "::2" is not in allowHosts ${expected}`,
      `target.yaml:12:10: toxiproxy[0].api: host "toxiproxy.example.com" is not in allowHosts ${expected}`,
    ]);
    expect(error.message).toContain('9 |   frontend: { url: "http://evilstaging.example.internal:8080" }\n  |                    ^');
  });

  it('checks the host as a URL parser reads it: a spelling of 127.0.0.1 passes, userinfo tricks do not parse', () => {
    expect(targetOf(withLine(9, '  frontend: { url: "http://0x7f.0.0.1:8080" }')).target.services.frontend).toEqual({ kind: 'http', url: 'http://0x7f.0.0.1:8080' });
    expect(heads(targetErrorOf(withLine(9, '  frontend: { url: "http://127.0.0.1@evil.example.com/" }')).issues)).toEqual([
      'target.yaml:9:20: services.frontend.url: a URL with a user name or password: keep credentials out of the target file (found "http://127.0.0.1@evil.example.com/")',
    ]);
  });

  it('refuses a service or edge given two proxies, and one proxy standing for two', () => {
    const text = withLine(16, '  - api: "http://127.0.0.1:8474"\n    proxies:\n      payments: p2\nl7Faults: none', withLine(15, '      "checkout->inventory": payments'));
    expect(heads(targetErrorOf(text).issues)).toEqual([
      'target.yaml:15:30: toxiproxy[0].proxies["checkout->inventory"]: proxy "payments" already stands for payments on this API (expected a proxy of its own for each service or edge)',
      'target.yaml:18:7: toxiproxy[1].proxies.payments: payments already has a proxy, in toxiproxy[0] (expected one proxy per service or edge)',
    ]);
  });
});

describe('loadTargetFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-target-'));

  it('reads a file', () => {
    const path = join(dir, 'ok.yaml');
    writeFileSync(path, TARGET);
    expect(loadTargetFile(path)).toMatchObject({ file: path, text: TARGET, target: { target: 'shop-staging' } });
  });

  it('refuses a missing file, a directory and a device with FL_TARGET_IO, and what is not UTF-8', () => {
    const cases: [string, string][] = [
      [join(dir, 'missing.yaml'), 'cannot read the file: ENOENT'],
      [dir, 'not a regular file but a directory; a target file is a YAML or JSON file'],
      ['/dev/zero', 'not a regular file but a device; a target file is a YAML or JSON file'],
    ];
    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from([0x74, 0x61, 0x72, 0x67, 0x65, 0x74, 0x3a, 0x20, 0xe9]));
    cases.push([latin1, 'the file is not UTF-8 text']);
    for (const [path, message] of cases) {
      let error: unknown;
      try {
        loadTargetFile(path);
      } catch (e) {
        error = e;
      }
      expect(error, path).toBeInstanceOf(TargetFileError);
      expect((error as TargetFileError).code).toBe('FL_TARGET_IO');
      expect((error as TargetFileError).message).toContain(`${path}:1:1: ${message}`);
    }
  });

  it('refuses a file larger than the limit', () => {
    const path = join(dir, 'large.yaml');
    writeFileSync(path, `#${'x'.repeat(MAX_TARGET_BYTES)}`);
    chmodSync(path, 0o600);
    expect(() => loadTargetFile(path)).toThrow(expect.objectContaining({ code: 'FL_TARGET_LIMIT', message: `${path}:1:1: the file is larger than 1 MiB, the limit for a target file` }));
  });
});
