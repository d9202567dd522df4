import type { ModelView } from './domain';
import { bucketOf, chooseRoute } from './canary';

function model(canary: { version: string; percent: number } | null): ModelView {
  return { name: 'm', inputKind: 'TEXT', defaultVersion: 'v1', canary, versions: [] };
}

describe('chooseRoute', () => {
  it('uses an explicit version whatever the policy', () => {
    expect(chooseRoute(model({ version: 'v2', percent: 100 }), { version: 'v1' }, () => 0)).toEqual({ version: 'v1', routing: 'EXPLICIT' });
  });

  it('sends the canary its percent of random traffic, at the edges too', () => {
    const policy = model({ version: 'v2', percent: 25 });
    expect(chooseRoute(policy, {}, () => 0.2499)).toEqual({ version: 'v2', routing: 'CANARY' });
    expect(chooseRoute(policy, {}, () => 0.25)).toEqual({ version: 'v1', routing: 'DEFAULT' });
    expect(chooseRoute(model({ version: 'v2', percent: 100 }), {}, () => 0.9999).routing).toBe('CANARY');
    expect(chooseRoute(model(null), {}, () => 0).routing).toBe('DEFAULT');
  });

  it('routes a routing key by its bucket, ignoring chance', () => {
    const key = 'user-42';
    const policy = model({ version: 'v2', percent: bucketOf(key) + 1 });
    expect(chooseRoute(policy, { routingKey: key }, () => 0.99).routing).toBe('CANARY');
    expect(chooseRoute(model({ version: 'v2', percent: bucketOf(key) }), { routingKey: key }, () => 0).routing).toBe('DEFAULT');
  });

  it('spreads routing keys evenly over the buckets', () => {
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < 100_000; i += 1) counts[bucketOf(`key-${i}`)] = (counts[bucketOf(`key-${i}`)] ?? 0) + 1;
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1150);
  });

  it('answers the server default when the registry is not known yet', () => {
    expect(chooseRoute(undefined, {}, () => 0)).toEqual({ version: '', routing: 'DEFAULT' });
  });
});
