/**
 * An example of a team's own properties over faultline's simulator, written only against the
 * package's public entry point `faultline/fuzz`, as a user's test suite imports it (here it
 * resolves to the sources; test/package checks the built entry in plain Node).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultSchedule, loadProfile, loadScenario, policyParameters, simulate } from 'faultline/fuzz';

/** web calls catalog (two replicas) at 100 req/s for 10 s, retrying twice on another replica. */
const shop = loadScenario('scenarios/fuzz/breaker-two-crashes.yaml');

describe('properties of a shop through faultline/fuzz', () => {
  it("for any single crash of a catalog replica, web's success over the run stays above 99.5%", () => {
    const oneCrash = faultSchedule(shop, { count: { min: 1, max: 1 }, kinds: ['crash'], targets: { instances: ['catalog'] }, duration: { min: '100ms', max: '5s' } });
    fc.assert(
      fc.property(oneCrash, (faults) => {
        const web = simulate(shop, { faults }).services.web;
        expect(web.ok / web.requests).toBeGreaterThan(0.995);
      }),
      { numRuns: 10 },
    );
  });

  it('a spike up to three times the load, for up to 2 s, keeps every threshold', () => {
    const spikes = loadProfile(shop, { shoppers: { spike: { factor: { min: 1, max: 3 }, for: { min: '100ms', max: '2s' }, ramp: '200ms' } } });
    fc.assert(
      fc.property(spikes, fc.nat(), (load, seed) => {
        expect(simulate(shop, { load, seed }).ok).toBe(true);
      }),
      { numRuns: 8 },
    );
  });

  it('finds where the retry policy stops holding a crash: fast-check shrinks it to no retry at all', () => {
    const crash = [{ kind: 'crash' as const, service: 'catalog', instance: 0, at: 2000, for: 3000 }];
    const retries = policyParameters(shop, [{ from: 'web', to: 'catalog', field: 'retries.attempts', min: 0, max: 3 }]);
    const details = fc.check(
      fc.property(retries, (policies) => {
        const web = simulate(shop, { faults: crash, policies }).services.web;
        return web.ok / web.requests > 0.99;
      }),
      { seed: 1, numRuns: 20 },
    );
    expect(details.failed).toBe(true);
    expect(details.counterexample![0].find((p) => p.from === 'web' && p.to === 'catalog')!.retries!.attempts).toBe(0);
  });
});
