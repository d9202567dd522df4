/** Prometheus metrics of the subscription bridge: upstream subscriptions open, and subscribers that shared one. */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

import type { SubscriptionObserver } from './bridge';

export function subscriptionMetrics(registry: Registry): SubscriptionObserver {
  const registers = [registry];
  const upstreams = new Gauge({
    name: 'infergraph_subscription_upstreams',
    help: 'Upstream subscriptions the supergraph holds open (or is opening) to a subgraph, each shared by its subscribers, by subgraph.',
    labelNames: ['subgraph'],
    registers,
  });
  const shared = new Counter({
    name: 'infergraph_subscription_shared_total',
    help: 'Subscriptions that joined an identical upstream subscription already open instead of opening one, by subgraph.',
    labelNames: ['subgraph'],
    registers,
  });
  return {
    opened: (subgraph) => upstreams.inc({ subgraph }),
    closed: (subgraph) => upstreams.dec({ subgraph }),
    joined: (subgraph) => shared.inc({ subgraph }),
  };
}
