/** The dashboard's GraphQL client: the typed client of clients/ pointed at this supergraph. */
import { useEffect, useState } from 'react';

import type { ModelsQuery } from '../../clients/generated/graphql';
import { createTypedClient } from '../../clients/transport';
import type { TypedClient } from '../../clients/transport';

export type Model = ModelsQuery['models'][number];

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function endpoints(): { httpUrl: string; wsUrl: string } {
  const http = new URL('/graphql', window.location.href);
  const ws = new URL(http);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { httpUrl: http.href, wsUrl: ws.href };
}

/** A client per API key, created and disposed by an effect so its socket always has an owner. */
export function useClient(apiKey: string): TypedClient | undefined {
  const [client, setClient] = useState<TypedClient>();
  useEffect(() => {
    const created = createTypedClient({ ...endpoints(), headers: apiKey ? { 'x-api-key': apiKey } : {} });
    setClient(created);
    return () => void created.dispose();
  }, [apiKey]);
  return client;
}
