/// <reference types="jest" />
/**
 * What every InferenceBackend must do, as one jest suite that
 * infergraph/infergraph-backend.test.ts and oip/oip-backend.test.ts run
 * against their implementation, in front of the real inference-grpc (which
 * speaks both protocols, with its fault hooks on), so the two backends cannot
 * drift apart: each input answered alone, in order, with the same error codes.
 */
import { InferGraphError } from '../../../../lib/errors';
import { createLogger } from '../../../../lib/logger';
import type { Logger } from '../../../../lib/logger';
import { startInference } from '../../../../test/helpers/inference';
import { loadPredictionConfig } from '../config';
import type { PredictionConfig } from '../config';
import type { ModelInput, Prediction } from '../domain';
import type { InferenceBackend } from './backend';

export interface BackendUnderTest {
  readonly backend: InferenceBackend;
  /** Stops the inference server, leaving the backend in front of nothing. */
  readonly stopServer: () => Promise<void>;
  /** Disposes the backend (if the test did not) and stops the inference server. */
  readonly close: () => Promise<void>;
}

/**
 * Starts a backend in front of a fresh inference-grpc serving sentiment and
 * numeric, its catalog synced; `settings` are prediction subgraph settings
 * (e.g. INFERENCE_DEADLINE_MS) on top of the implementation's own.
 */
export type BackendFactory = (settings: Record<string, string>) => Promise<BackendUnderTest>;

/** The BackendFactory of `create`, in front of a fresh inference-grpc, with `protocol` settings (INFERENCE_PROTOCOL) under the test's. */
export function inFrontOfInferenceGrpc(
  create: (config: PredictionConfig, logger: Logger) => InferenceBackend,
  protocol: Record<string, string> = {},
): BackendFactory {
  return async (settings) => {
    const inference = await startInference();
    const backend = create(
      loadPredictionConfig({ ...inference.clientEnv, ...protocol, ...settings }),
      createLogger('prediction-subgraph', 'silent'),
    );
    await backend.catalog.whenSynced();
    let stopped: Promise<void> | undefined;
    const stopServer = (): Promise<void> => (stopped ??= inference.close());
    return {
      backend,
      stopServer,
      close: async () => {
        await backend.dispose();
        await stopServer();
      },
    };
  };
}

/** An answer in short: the version, label (sentiment) or class (numeric), and batch size; or the error's code and message. */
type Outcome =
  { readonly version: string; readonly answer: string; readonly batchSize: number } | { readonly code: string; readonly message: string };

function outcomes(answers: Promise<Prediction>[]): Promise<Outcome[]> {
  return Promise.all(
    answers.map((a) =>
      a.then(
        (p): Outcome => ({
          version: p.modelVersion,
          answer: p.sentiment ? p.sentiment.label : `class ${p.numeric.classId}`,
          batchSize: p.batchSize,
        }),
        (err: unknown): Outcome => {
          if (err instanceof InferGraphError) return { code: err.code, message: err.message };
          throw err;
        },
      ),
    ),
  );
}

/** The answer's label or class, or the error's code. */
const answerOrCode = (o: Outcome): string => ('code' in o ? o.code : o.answer);
const versionOrCode = (o: Outcome): string => ('code' in o ? o.code : o.version);

const text = (t: string): ModelInput => ({ text: t });
const features = (values: number[]): ModelInput => ({ features: values });

/** Registers the shared InferenceBackend suite. */
export function backendContract(implementation: string, start: BackendFactory): void {
  describe(`${implementation} (InferenceBackend contract)`, () => {
    let fixture: BackendUnderTest;
    let backend: InferenceBackend;
    beforeAll(async () => {
      fixture = await start({});
      backend = fixture.backend;
    });
    afterAll(() => fixture.close());

    it('answers one prediction per input, in order, from the version asked', async () => {
      const answers = await outcomes(
        backend.predictBatch(
          { model: 'sentiment', version: 'v1' },
          [text('What a wonderful, happy day!'), text('a dreadful, awful evening')],
          ['req-1'],
        ),
      );
      expect(answers.map(answerOrCode)).toEqual(['POSITIVE', 'NEGATIVE']);
      expect(answers.map(versionOrCode)).toEqual(['v1', 'v1']);
      const numeric = await outcomes(
        backend.predictBatch({ model: 'numeric', version: 'v2' }, [features([1, 2]), features([3, 4, 5])], ['req-2']),
      );
      expect(numeric.map(answerOrCode)).toEqual([expect.stringMatching(/^class \d+$/), expect.stringMatching(/^class \d+$/)]);
      expect(numeric.map(versionOrCode)).toEqual(['v2', 'v2']);
      const sizes = [...answers, ...numeric].map((o) => ('batchSize' in o ? o.batchSize : 0));
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    });

    it('answers the default version when none is asked', async () => {
      const answers = await outcomes(backend.predictBatch({ model: 'sentiment', version: '' }, [text('good')], ['req-3']));
      expect(answers.map(versionOrCode)).toEqual(['v1']);
    });

    it('refuses an input of the wrong kind alone, the others answering', async () => {
      const [fine, wrong] = await outcomes(
        backend.predictBatch({ model: 'numeric', version: 'v1' }, [features([4, 2]), text('words')], ['req-4']),
      );
      expect(fine && versionOrCode(fine)).toBe('v1');
      expect(wrong).toEqual({ code: 'BAD_USER_INPUT', message: 'model numeric takes features, not text' });
    });

    it('fails an input the model fails on alone, the others answering', async () => {
      const answers = await outcomes(
        backend.predictBatch(
          { model: 'sentiment', version: 'v1' },
          [text('a lovely morning'), text('simulate-error'), text('a dreadful evening')],
          ['req-5'],
        ),
      );
      expect(answers.map(answerOrCode)).toEqual(['POSITIVE', 'INFERENCE_FAILED', 'NEGATIVE']);
      expect(answers[1] && 'message' in answers[1] ? answers[1].message : '').toContain('failed on purpose');
    });

    it('answers MODEL_NOT_FOUND for a model the server does not have, MODEL_VERSION_NOT_FOUND for a version it lacks', async () => {
      const unknownModel = await outcomes(backend.predictBatch({ model: 'vision', version: '' }, [text('a'), text('b')], ['req-6']));
      expect(unknownModel.map(answerOrCode)).toEqual(['MODEL_NOT_FOUND', 'MODEL_NOT_FOUND']);
      const unknownVersion = await outcomes(backend.predictBatch({ model: 'sentiment', version: 'v9' }, [text('a')], ['req-7']));
      expect(unknownVersion.map(answerOrCode)).toEqual(['MODEL_VERSION_NOT_FOUND']);
    });

    it('reads the statistics of many versions in one call, moving as predictions flow', async () => {
      const targets = [
        { model: 'sentiment', version: 'v1' },
        { model: 'numeric', version: 'v2' },
        { model: 'sentiment', version: 'v9' },
      ];
      const before = await backend.statistics(targets);
      await outcomes(backend.predictBatch({ model: 'sentiment', version: 'v1' }, [text('a fine day')], ['req-10']));
      await outcomes(backend.predictBatch({ model: 'sentiment', version: 'v1' }, [text('simulate-error')], ['req-11']));
      const after = await backend.statistics(targets);
      expect((after[0]?.requests ?? 0) - (before[0]?.requests ?? 0)).toBe(2);
      expect((after[0]?.failures ?? 0) - (before[0]?.failures ?? 0)).toBe(1);
      expect(after[0]?.meanBatchSize).toBeGreaterThanOrEqual(1);
      expect(Date.parse(after[0]?.since ?? '')).toBeLessThanOrEqual(Date.now());
      expect(after[1]?.requests).toBe(before[1]?.requests);
      // A version the server does not have has no statistics.
      expect([before[2], after[2]]).toEqual([null, null]);
    });

    it('is done with dispose: its catalog no longer syncs', async () => {
      const own = await start({});
      try {
        await expect(own.backend.dispose()).resolves.toBeUndefined();
        await expect(own.backend.catalog.whenSynced()).rejects.toThrow('closed before it synced');
      } finally {
        await own.close();
      }
    });
  });

  describe(`${implementation} (InferenceBackend contract) when the server fails`, () => {
    it('answers INFERENCE_TIMEOUT for an input the server holds past INFERENCE_DEADLINE_MS', async () => {
      const { backend, close } = await start({ INFERENCE_DEADLINE_MS: '300' });
      try {
        const started = Date.now();
        const answers = await outcomes(backend.predictBatch({ model: 'sentiment', version: 'v1' }, [text('simulate-timeout')], ['req-8']));
        expect(answers.map(answerOrCode)).toEqual(['INFERENCE_TIMEOUT']);
        expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      } finally {
        await close();
      }
    });

    it('answers INFERENCE_UNAVAILABLE for every input once the server is gone', async () => {
      const { backend, stopServer, close } = await start({});
      try {
        await stopServer();
        const answers = await outcomes(
          backend.predictBatch({ model: 'sentiment', version: 'v1' }, [text('anyone'), text('there?')], ['req-9']),
        );
        expect(answers.map(answerOrCode)).toEqual(['INFERENCE_UNAVAILABLE', 'INFERENCE_UNAVAILABLE']);
      } finally {
        await close();
      }
    });
  });
}
