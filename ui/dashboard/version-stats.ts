/** Polls every version's state and statistics (one query for all models) and keeps their history for the charts. */
import { useCallback, useEffect, useState } from 'react';

import { VersionStatsDocument } from '../../clients/generated/graphql';
import type { VersionStatsQuery } from '../../clients/generated/graphql';
import type { TypedClient } from '../../clients/transport';
import { errorText } from './client';
import { addPoll } from './version-history';
import type { VersionHistory } from './version-history';

/** The next poll starts this long after the last one answered, so a slow answer never stacks polls up. */
export const STATS_POLL_MS = 2000;

export type PolledModel = VersionStatsQuery['models'][number];

export function useVersionStats(client: TypedClient | undefined): {
  models: readonly PolledModel[];
  history: VersionHistory;
  error: string | undefined;
  /** Polls now (after a load or unload made here) and every STATS_POLL_MS from then. */
  refresh: () => void;
} {
  const [polled, setPolled] = useState<{ models: readonly PolledModel[]; history: VersionHistory }>({ models: [], history: {} });
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!client) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      client
        .request(VersionStatsDocument, {})
        .then(
          ({ models }) => {
            if (stopped) return;
            const at = Date.now();
            setPolled((p) => ({ models, history: addPoll(p.history, models, at) }));
            setError(undefined);
          },
          (err: unknown) => {
            if (!stopped) setError(errorText(err));
          },
        )
        .finally(() => {
          if (!stopped) timer = setTimeout(poll, STATS_POLL_MS);
        });
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, round]);
  const refresh = useCallback(() => setRound((r) => r + 1), []);
  return { ...polled, error, refresh };
}
