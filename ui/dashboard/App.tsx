/**
 * The dashboard: one typed GraphQL client (HTTP for queries and mutations,
 * graphql-ws for the latency and model-change subscriptions) to this supergraph,
 * shared by the models table, the latency chart, the per-version panel and the
 * prediction form.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

import { LatencyEventsDocument, ModelChangedDocument, ModelsDocument } from '../../clients/generated/graphql';
import type { TypedClient } from '../../clients/transport';
import { useCanManageVersions } from './admin-role';
import { errorText, useClient } from './client';
import type { Model } from './client';
import { LatencyChart } from './LatencyChart';
import { addLatency } from './latency';
import type { LatencySeries } from './latency';
import { ModelsTable } from './ModelsTable';
import { PredictionForm } from './PredictionForm';
import { addServed } from './served-split';
import type { ServedLog } from './served-split';
import { STATS_POLL_MS, useVersionStats } from './version-stats';
import { VersionsPanel } from './VersionsPanel';

/**
 * The table is refreshed after each change made here and on each modelChanged event; this catches what a dropped
 * subscription missed.
 */
const MODELS_REFRESH_MS = 5000;
/** After the subscription drops, wait this long before subscribing again. */
const RESUBSCRIBE_MS = 2000;
/** Kept for this tab's session only, not written to disk for later visits. */
const API_KEY_STORAGE = 'infergraph.apiKey';

function useModels(client: TypedClient | undefined): { models: readonly Model[]; error: string | undefined; refresh: () => void } {
  const [models, setModels] = useState<readonly Model[]>([]);
  const [error, setError] = useState<string>();
  const refresh = useCallback(() => {
    client?.request(ModelsDocument, {}).then(
      (data) => {
        setModels(data.models);
        setError(undefined);
      },
      (err: unknown) => setError(errorText(err)),
    );
  }, [client]);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, MODELS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);
  return { models, error, refresh };
}

/**
 * Subscribes to `document` while `client` lasts, subscribing again RESUBSCRIBE_MS after the subscription drops, and
 * hands each event to the latest `onEvent`. Answers the subscription's status.
 */
function useSubscription<R>(
  client: TypedClient | undefined,
  document: TypedDocumentNode<R, Record<string, never>>,
  onEvent: (event: R) => void,
): string {
  const [status, setStatus] = useState('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!client) return undefined;
    let stopped = false;
    let events: AsyncIterableIterator<R> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      const subscription = client.subscribe(document, {});
      events = subscription;
      setStatus('live');
      try {
        for await (const event of subscription) handler.current(event);
        if (!stopped) setStatus('subscription ended');
      } catch (err) {
        if (!stopped) setStatus(`disconnected (${errorText(err)}); retrying`);
      }
      if (!stopped) retry = setTimeout(() => void run(), RESUBSCRIBE_MS);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(retry);
      void events?.return?.();
    };
  }, [client, document]);
  return status;
}

function useLatency(client: TypedClient | undefined): { series: LatencySeries; served: ServedLog; status: string } {
  const [series, setSeries] = useState<LatencySeries>({});
  const [served, setServed] = useState<ServedLog>({});
  const status = useSubscription(client, LatencyEventsDocument, ({ latencyEvents: e }) => {
    const parsed = Date.parse(e.timestamp);
    const at = Number.isNaN(parsed) ? Date.now() : parsed;
    setSeries((s) => addLatency(s, { model: e.model.name, version: e.modelVersion, latencyMs: e.latencyMs, at }));
    setServed((s) => addServed(s, { model: e.model.name, version: e.modelVersion, routing: e.routing, at }));
  });
  return { series, served, status };
}

export function App(): React.JSX.Element {
  const [apiKey, setApiKey] = useState(() => window.sessionStorage.getItem(API_KEY_STORAGE) ?? '');
  const client = useClient(apiKey);
  const { models, error, refresh } = useModels(client);
  const { series, served, status } = useLatency(client);
  const stats = useVersionStats(client);
  const admin = useCanManageVersions(client);
  const refreshStats = stats.refresh;
  const onVersionChanged = useCallback(() => {
    refresh();
    refreshStats();
  }, [refresh, refreshStats]);
  // A policy or a version changed, here or anywhere else (another tab, an operator, another replica): both tables
  // show it at once rather than at their next poll.
  useSubscription(client, ModelChangedDocument, onVersionChanged);
  return (
    <main>
      <header>
        <h1>InferGraph dashboard</h1>
        <span className="status" aria-label="subscription status">
          latency events: {status}
        </span>
        <label>
          API key{' '}
          <input
            type="password"
            value={apiKey}
            placeholder="only when auth is on"
            onChange={(e) => {
              setApiKey(e.target.value);
              window.sessionStorage.setItem(API_KEY_STORAGE, e.target.value);
            }}
          />
        </label>
        <a href="/graphql">playground</a>
      </header>
      <section>
        <h2>Latency (p50 solid, p95 dashed; sliding window)</h2>
        <LatencyChart series={series} />
      </section>
      <section>
        <h2>Models</h2>
        {error && <p className="error">{error}</p>}
        {client && <ModelsTable models={models} client={client} onChanged={refresh} />}
      </section>
      <section>
        <h2>Versions (statistics over the server's window, polled every {STATS_POLL_MS / 1000} s)</h2>
        {/* Said once: without credentials both polls fail alike, and the models section already says why. */}
        {stats.error && stats.error !== error && <p className="error">{stats.error}</p>}
        {client && (
          <VersionsPanel
            models={stats.models}
            history={stats.history}
            served={served}
            admin={admin}
            client={client}
            onChanged={onVersionChanged}
          />
        )}
      </section>
      <section>
        <h2>Prediction</h2>
        {client && <PredictionForm models={models} client={client} onPredicted={refresh} />}
      </section>
    </main>
  );
}
