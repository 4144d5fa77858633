/**
 * The checks a target file must pass on its own, beyond its schema: it does not contradict
 * itself. Every URL and address it holds is allowed by its own `allowHosts`, each service
 * or edge has one proxy, and a proxy stands for one service or edge.
 */
import type { IssueDraft } from '../../scenarios/issue-draft.js';
import { isHostAllowed } from './host-allowlist.js';
import { parseHostPort } from './staging-target-schema.js';
import type { StagingTarget } from './staging-target-schema.js';
import type { TargetErrorCode } from './target-file-error.js';

type Draft = IssueDraft<TargetErrorCode>;

/** The issues of a schema-valid target that contradicts itself; empty when it does not. */
export function checkTargetItself(target: StagingTarget): Draft[] {
  return [...hostIssues(target), ...proxyIssues(target)];
}

/** Each URL or address whose host `allowHosts` does not allow. */
function hostIssues(target: StagingTarget): Draft[] {
  const places: { path: (string | number)[]; host: string }[] = [];
  for (const [name, address] of Object.entries(target.services)) {
    if (address.kind === 'http') places.push({ path: ['services', name, 'url'], host: new URL(address.url).hostname });
    else places.push({ path: ['services', name, 'grpc'], host: (parseHostPort(address.address) as { host: string }).host });
  }
  target.toxiproxy.forEach((api, i) => places.push({ path: ['toxiproxy', i, 'api'], host: new URL(api.api).hostname }));
  return places
    .filter(({ host }) => !isHostAllowed(target.allowHosts, host))
    .map(({ path, host }) => ({
      code: 'FL_TARGET_HOST_NOT_ALLOWED' as const,
      path,
      message: `host ${JSON.stringify(unbracketed(host))} is not in allowHosts`,
      expected: `a host matching ${target.allowHosts.join(', ')}`,
    }));
}

function unbracketed(host: string): string {
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** A service or edge given a second proxy, and a proxy name used twice on one API. */
function proxyIssues(target: StagingTarget): Draft[] {
  const owner = new Map<string, number>();
  return target.toxiproxy.flatMap((api, i) => {
    const names = new Map<string, string>();
    return Object.entries(api.proxies).flatMap(([key, proxy]): Draft[] => {
      const path = ['toxiproxy', i, 'proxies', key];
      const earlier = owner.get(key);
      if (earlier !== undefined) {
        return [{ code: 'FL_TARGET_SCHEMA', path, atKey: true, message: `${key} already has a proxy, in toxiproxy[${earlier}]`, expected: 'one proxy per service or edge' }];
      }
      owner.set(key, i);
      const other = names.get(proxy);
      if (other !== undefined) {
        return [{ code: 'FL_TARGET_SCHEMA', path, message: `proxy ${JSON.stringify(proxy)} already stands for ${other} on this API`, expected: 'a proxy of its own for each service or edge' }];
      }
      names.set(proxy, key);
      return [];
    });
  });
}
