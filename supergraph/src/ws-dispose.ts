import type { Client } from 'graphql-ws';

/**
 * Disposes a graphql-ws client without ever rejecting. graphql-ws's own
 * `dispose()` awaits a socket still connecting and rejects with that socket's
 * error when the connection is refused (a ws ErrorEvent, `connect ECONNREFUSED`,
 * with no stack): there is then no socket to close, so nothing is lost by
 * ignoring it, while letting it through fails a shutdown (or, un-awaited,
 * crashes the process on an unhandled rejection).
 */
export async function disposeClient(client: Client): Promise<void> {
  try {
    await client.dispose();
  } catch {
    // The socket being connected was refused or closed: it is already gone.
  }
}
