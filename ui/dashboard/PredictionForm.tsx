/** Sends one `predict` and shows the answer with how it was routed and whether the cache served it. */
import { useState } from 'react';
import type { FormEvent } from 'react';

import { PredictDocument } from '../../clients/generated/graphql';
import type { CachePolicy, PredictInput, PredictMutation } from '../../clients/generated/graphql';
import type { TypedClient } from '../../clients/transport';
import { errorText } from './client';
import type { Model } from './client';

const CACHE_POLICIES: readonly CachePolicy[] = ['USE', 'BYPASS', 'REFRESH'];
const POLICY = '';

type Prediction = PredictMutation['predict'];

/** "1, 2.5, -3" as numbers; a message saying what is wrong otherwise. */
function parseFeatures(raw: string): number[] | string {
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const numbers = parts.map(Number);
  if (numbers.length === 0 || numbers.some((n) => !Number.isFinite(n)))
    return 'features must be numbers separated by commas, e.g. 0.5, 1.5, 2.5';
  return numbers;
}

function Answer({ prediction }: { prediction: Prediction }): React.JSX.Element {
  const rows: [string, string][] = [
    ['model version', prediction.modelVersion],
    ['routing', prediction.routing],
    ['canary', prediction.canary ? 'yes' : 'no'],
    ['cache', prediction.cache],
    ['latency', `${prediction.latencyMs.toFixed(1)} ms`],
    ['batch size', String(prediction.batchSize)],
  ];
  if (prediction.score !== null && prediction.score !== undefined) rows.push(['score', prediction.score.toFixed(3)]);
  if (prediction.confidence !== null && prediction.confidence !== undefined) rows.push(['confidence', prediction.confidence.toFixed(3)]);
  if (prediction.classId !== null && prediction.classId !== undefined) rows.push(['class', String(prediction.classId)]);
  if (prediction.probability !== null && prediction.probability !== undefined)
    rows.push(['probability', prediction.probability.toFixed(3)]);
  rows.push(['id', prediction.id]);
  return (
    <div className="answer" aria-label="prediction answer">
      <p className="label">{prediction.label}</p>
      <dl>
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

export function PredictionForm({
  models,
  client,
  onPredicted,
}: {
  models: readonly Model[];
  client: TypedClient;
  onPredicted: () => void;
}): React.JSX.Element {
  const [modelName, setModelName] = useState('sentiment');
  const [version, setVersion] = useState(POLICY);
  const [text, setText] = useState('What a lovely day');
  const [features, setFeatures] = useState('0.5, 1.5, 2.5');
  const [routingKey, setRoutingKey] = useState('');
  const [cache, setCache] = useState<CachePolicy>('USE');
  const [answer, setAnswer] = useState<Prediction>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const model = models.find((m) => m.name === modelName);
  const takesText = model?.inputKind !== 'FEATURES';

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const parsed = takesText ? text : parseFeatures(features);
    if (typeof parsed === 'string' && !takesText) {
      setError(parsed);
      return;
    }
    const input: PredictInput = {
      model: modelName,
      cache,
      ...(typeof parsed === 'string' ? { text: parsed } : { features: parsed }),
      ...(version !== POLICY ? { version } : {}),
      ...(routingKey ? { routingKey } : {}),
    };
    setBusy(true);
    client.request(PredictDocument, { input }).then(
      ({ predict }) => {
        setAnswer(predict);
        setError(undefined);
        setBusy(false);
        onPredicted();
      },
      (err: unknown) => {
        setError(errorText(err));
        setAnswer(undefined);
        setBusy(false);
      },
    );
  };

  return (
    <form onSubmit={submit} aria-label="prediction">
      <label>
        model{' '}
        <select
          value={modelName}
          onChange={(e) => {
            setModelName(e.target.value);
            setVersion(POLICY);
          }}
        >
          {(models.length > 0 ? models.map((m) => m.name) : [modelName]).map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <label>
        version{' '}
        <select value={version} onChange={(e) => setVersion(e.target.value)}>
          <option value={POLICY}>traffic policy</option>
          {model?.versions.map((v) => (
            <option key={v.version}>{v.version}</option>
          ))}
        </select>
      </label>
      {takesText ? (
        <label>
          text <textarea value={text} onChange={(e) => setText(e.target.value)} rows={2} />
        </label>
      ) : (
        <label>
          features <input value={features} onChange={(e) => setFeatures(e.target.value)} />
        </label>
      )}
      <label>
        routing key <input value={routingKey} placeholder="optional, sticky canary" onChange={(e) => setRoutingKey(e.target.value)} />
      </label>
      <label>
        cache{' '}
        <select value={cache} onChange={(e) => setCache(CACHE_POLICIES.find((c) => c === e.target.value) ?? 'USE')}>
          {CACHE_POLICIES.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy}>
        Predict
      </button>
      {error && <p className="error">{error}</p>}
      {answer && <Answer prediction={answer} />}
    </form>
  );
}
