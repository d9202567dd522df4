/**
 * Each version of each model: its state, its statistics over the server's window (polled), throughput and p50/p99
 * over the last minutes, the share of policy-routed predictions it answered (./served-split), and, for admins, Load
 * and Unload. Unload is refused by the server for the default version and the canary, so it is disabled for them here
 * with the reason; a refusal or failure shows beside the buttons with its code.
 */
import { useState } from 'react';

import { LoadModelVersionDocument, UnloadModelVersionDocument } from '../../clients/generated/graphql';
import type { TypedClient } from '../../clients/transport';
import { errorText } from './client';
import { SPLIT_WINDOW_MS, splitOf } from './served-split';
import type { ServedLog, Split } from './served-split';
import { Sparkline } from './Sparkline';
import { versionKey } from './version-history';
import type { VersionHistory } from './version-history';
import type { PolledModel } from './version-stats';

type PolledVersion = PolledModel['versions'][number];

function latency(stats: PolledVersion['stats']): string {
  const p50 = stats?.latencyP50Ms ?? null;
  const p99 = stats?.latencyP99Ms ?? null;
  return p50 === null || p99 === null ? '–' : `${p50.toFixed(1)} / ${p99.toFixed(1)} ms`;
}

function percent(ratio: number | null): string {
  return ratio === null ? '–' : `${(100 * ratio).toFixed(0)}%`;
}

function share(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`;
}

function VersionActions({
  model,
  version,
  client,
  onChanged,
}: {
  model: string;
  version: PolledVersion;
  client: TypedClient;
  onChanged: () => void;
}): React.JSX.Element {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const name = version.version;
  const inUse = version.default
    ? `${name} is the default version of ${model}: make another version the default first`
    : version.canary
      ? `${name} is the canary of ${model}: end the canary first`
      : undefined;
  const loaded = version.state === 'LOADED' || version.state === 'LOADING';
  const run = (unload: boolean): void => {
    setBusy(true);
    setMessage(undefined);
    const variables = { model, version: name };
    const sent = unload ? client.request(UnloadModelVersionDocument, variables) : client.request(LoadModelVersionDocument, variables);
    sent.then(
      () => {
        setBusy(false);
        onChanged();
      },
      (err: unknown) => {
        setBusy(false);
        setMessage(errorText(err));
      },
    );
  };
  return (
    <div className="actions">
      <button
        type="button"
        aria-label={`Load ${model} ${name}`}
        disabled={busy || loaded}
        title={loaded ? `${name} is ${version.state.toLowerCase()}` : `load ${name} and warm it up`}
        onClick={() => run(false)}
      >
        Load
      </button>
      <button
        type="button"
        aria-label={`Unload ${model} ${name}`}
        disabled={busy || inUse !== undefined || version.state !== 'LOADED'}
        title={inUse ?? (version.state === 'LOADED' ? `unload ${name} once its batches in flight finish` : `${name} is not loaded`)}
        onClick={() => run(true)}
      >
        Unload
      </button>
      {message && <span className="error">{message}</span>}
    </div>
  );
}

function splitText(model: PolledModel, split: Split): string {
  const routed = `${split.total} prediction${split.total === 1 ? '' : 's'} routed by the traffic policy (last ${SPLIT_WINDOW_MS / 1000} s seen here)`;
  if (!model.canary) return `no canary; ${routed}`;
  const served = split.byVersion.get(model.canary.version) ?? 0;
  return `canary ${model.canary.version} at ${model.canary.percent}%: served ${share(served, split.total)} of ${routed}`;
}

function ModelVersions({
  model,
  history,
  split,
  admin,
  client,
  onChanged,
}: {
  model: PolledModel;
  history: VersionHistory;
  split: Split;
  admin: boolean;
  client: TypedClient;
  onChanged: () => void;
}): React.JSX.Element {
  return (
    <div className="model-versions">
      <h3>{model.name}</h3>
      <p className="note" aria-label={`canary split of ${model.name}`}>
        {splitText(model, split)}
      </p>
      <table aria-label={`versions of ${model.name}`}>
        <thead>
          <tr>
            <th>version</th>
            <th>state</th>
            <th>requests</th>
            <th>failures</th>
            <th>p50 / p99</th>
            <th>mean batch</th>
            <th>cache hits</th>
            <th>served</th>
            <th>throughput</th>
            <th>latency</th>
            {admin && <th>load</th>}
          </tr>
        </thead>
        <tbody>
          {model.versions.map((v) => {
            const points = history[versionKey(model.name, v.version)] ?? [];
            // Null when the version's model server keeps no statistics.
            const { stats } = v;
            const served = split.byVersion.get(v.version) ?? 0;
            return (
              <tr key={v.version} data-version={v.version}>
                <td>
                  {v.version}
                  {v.default && <span className="tag">default</span>}
                  {v.canary && <span className="tag">canary</span>}
                </td>
                <td data-stat="state" className={`state ${v.state.toLowerCase()}`} title={v.loadError ?? undefined}>
                  <span>{v.state}</span>
                  {v.unloaded && <div className="note">by an admin: predictions refused until loaded</div>}
                  {v.loadError && <div className="error">{v.loadError}</div>}
                </td>
                <td data-stat="requests">{stats ? stats.requests : '–'}</td>
                <td data-stat="failures">{stats ? stats.failures : '–'}</td>
                <td>{latency(stats)}</td>
                <td>{stats?.meanBatchSize?.toFixed(1) ?? '–'}</td>
                <td>{percent(stats?.cacheHitRatio ?? null)}</td>
                <td data-stat="served" title={`${served} of ${split.total}`}>
                  {share(served, split.total)}
                </td>
                <td>
                  <Sparkline
                    label={`throughput of ${model.name} ${v.version}`}
                    unit="requests/s"
                    lines={[{ points: points.map((p) => ({ at: p.at, value: p.perSecond })) }]}
                  />
                </td>
                <td>
                  <Sparkline
                    label={`p50 and p99 of ${model.name} ${v.version}`}
                    unit="ms"
                    lines={[
                      { points: points.map((p) => ({ at: p.at, value: p.p50 })) },
                      { points: points.map((p) => ({ at: p.at, value: p.p99 })), dashed: true },
                    ]}
                  />
                </td>
                {admin && (
                  <td>
                    <VersionActions model={model.name} version={v} client={client} onChanged={onChanged} />
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function VersionsPanel({
  models,
  history,
  served,
  admin,
  client,
  onChanged,
}: {
  models: readonly PolledModel[];
  history: VersionHistory;
  served: ServedLog;
  admin: boolean;
  client: TypedClient;
  onChanged: () => void;
}): React.JSX.Element {
  return (
    <>
      {models.map((m) => (
        <ModelVersions
          key={m.name}
          model={m}
          history={history}
          split={splitOf(served, m.name)}
          admin={admin}
          client={client}
          onChanged={onChanged}
        />
      ))}
    </>
  );
}
