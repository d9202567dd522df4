/**
 * The dashboard: one typed GraphQL client (HTTP for queries and mutations,
 * graphql-ws for the latency subscription) to this supergraph, shared by the
 * models table, the latency chart and the prediction form.
 */
import { useCallback, useEffect, useState } from 'react';

import { LatencyEventsDocument, ModelsDocument } from '../../clients/generated/graphql';
import type { TypedClient } from '../../clients/transport';
import { errorText, useClient } from './client';
import type { Model } from './client';
import { LatencyChart } from './LatencyChart';
import { addLatency } from './latency';
import type { LatencySeries } from './latency';
import { ModelsTable } from './ModelsTable';
import { PredictionForm } from './PredictionForm';

/** The table is also refreshed after each change made here; this catches changes made elsewhere. */
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

function useLatency(client: TypedClient | undefined): { series: LatencySeries; status: string } {
  const [series, setSeries] = useState<LatencySeries>({});
  const [status, setStatus] = useState('connecting');
  useEffect(() => {
    if (!client) return undefined;
    let stopped = false;
    let events: AsyncIterableIterator<unknown> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      const subscription = client.subscribe(LatencyEventsDocument, {});
      events = subscription;
      setStatus('live');
      try {
        for await (const { latencyEvents: e } of subscription) {
          const at = Date.parse(e.timestamp);
          setSeries((s) =>
            addLatency(s, { model: e.model.name, version: e.modelVersion, latencyMs: e.latencyMs, at: Number.isNaN(at) ? Date.now() : at }),
          );
        }
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
  }, [client]);
  return { series, status };
}

export function App(): React.JSX.Element {
  const [apiKey, setApiKey] = useState(() => window.sessionStorage.getItem(API_KEY_STORAGE) ?? '');
  const client = useClient(apiKey);
  const { models, error, refresh } = useModels(client);
  const { series, status } = useLatency(client);
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
        <h2>Prediction</h2>
        {client && <PredictionForm models={models} client={client} onPredicted={refresh} />}
      </section>
    </main>
  );
}
