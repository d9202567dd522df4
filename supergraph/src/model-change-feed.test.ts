/**
 * The modelChanged feed's shutdown while its socket is still connecting to a
 * models subgraph that refuses it (as when both are stopped together): the
 * refusal must not fail the dispose, which would fail the supergraph's close.
 */
import net from 'node:net';

import { createLogger } from '../../lib/logger';
import { ModelChangeFeed } from './model-change-feed';

/** A port nothing listens on any more: connecting to it is refused. */
const closedPort = async (): Promise<number> => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

describe('the modelChanged feed', () => {
  it('disposes without rejecting while its socket is being refused', async () => {
    const feed = new ModelChangeFeed({
      url: `ws://127.0.0.1:${await closedPort()}/graphql`,
      secret: '',
      keepaliveMs: 1000,
      logger: createLogger('model-change-feed-test', 'silent'),
      opened: () => undefined,
      changed: () => undefined,
      closed: () => undefined,
    });
    // Unsigned, the attempt opens its socket at once: the dispose finds it connecting.
    feed.start();
    await expect(feed.dispose()).resolves.toBeUndefined();
    expect(feed.open).toBe(false);
  });
});
