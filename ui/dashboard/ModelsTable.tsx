/**
 * The registry as the models subgraph reports it, with a canary slider per
 * model: moving it calls setTrafficPolicy (role admin) once the slider rests,
 * and the table is read back from the registry afterwards.
 */
import { useEffect, useState } from 'react';

import { SetTrafficPolicyDocument } from '../../clients/generated/graphql';
import type { TrafficPolicyInput } from '../../clients/generated/graphql';
import type { TypedClient } from '../../clients/transport';
import { errorText } from './client';
import type { Model } from './client';

/** The slider sends its value once it has rested this long, not on every step. */
const SETTLE_MS = 400;

function CanaryControl({ model, client, onChanged }: { model: Model; client: TypedClient; onChanged: () => void }): React.JSX.Element {
  const candidates = model.versions.filter((v) => !v.default).map((v) => v.version);
  const [version, setVersion] = useState(model.canary?.version ?? candidates[0] ?? '');
  const [percent, setPercent] = useState(model.canary?.percent ?? 0);
  const [dirty, setDirty] = useState(false);
  const [message, setMessage] = useState('');

  // Follow the registry while the user is not moving the slider.
  useEffect(() => {
    if (dirty) return;
    setPercent(model.canary?.percent ?? 0);
    if (model.canary) setVersion(model.canary.version);
  }, [model.canary, dirty]);

  useEffect(() => {
    if (!dirty) return undefined;
    const timer = setTimeout(() => {
      const input: TrafficPolicyInput =
        percent === 0 ? { model: model.name, clearCanary: true } : { model: model.name, canary: { version, percent } };
      setMessage('saving…');
      client.request(SetTrafficPolicyDocument, { input }).then(
        ({ setTrafficPolicy: saved }) => {
          setMessage(saved.canary ? `saved: ${saved.canary.version} at ${saved.canary.percent}%` : 'saved: no canary');
          setDirty(false);
          onChanged();
        },
        (err: unknown) => {
          setMessage(errorText(err));
          setDirty(false);
        },
      );
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [dirty, percent, version, model.name, client, onChanged]);

  if (candidates.length === 0) return <span>only one version</span>;
  return (
    <div className="canary">
      <select aria-label={`canary version of ${model.name}`} value={version} onChange={(e) => setVersion(e.target.value)}>
        {candidates.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
      <input
        type="range"
        min={0}
        max={100}
        step={5}
        value={percent}
        aria-label={`canary percent of ${model.name}`}
        onChange={(e) => {
          setPercent(Number(e.target.value));
          setDirty(true);
        }}
      />
      <output>{percent}%</output> <span className="note">{message}</span>
    </div>
  );
}

export function ModelsTable({
  models,
  client,
  onChanged,
}: {
  models: readonly Model[];
  client: TypedClient;
  onChanged: () => void;
}): React.JSX.Element {
  return (
    <table aria-label="models">
      <thead>
        <tr>
          <th>model</th>
          <th>input</th>
          <th>versions</th>
          <th>default</th>
          <th>canary</th>
          <th>canary traffic</th>
        </tr>
      </thead>
      <tbody>
        {models.map((m) => (
          <tr key={m.name} data-model={m.name}>
            <td title={m.description}>{m.name}</td>
            <td>{m.inputKind.toLowerCase()}</td>
            <td>
              {m.versions.map((v) => (
                <span
                  key={v.version}
                  className={`version ${v.loaded ? 'loaded' : ''}`}
                  title={v.loadedAt ? `loaded at ${v.loadedAt}` : v.state.toLowerCase()}
                >
                  {v.version} {v.loaded ? 'loaded' : v.state.toLowerCase()}
                </span>
              ))}
            </td>
            <td>{m.defaultVersion}</td>
            <td>{m.canary ? `${m.canary.version} at ${m.canary.percent}%` : 'none'}</td>
            <td>
              <CanaryControl model={m} client={client} onChanged={onChanged} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
