/**
 * A backend of any Open Inference Protocol v2 server (ours, Triton, KServe):
 * INFERENCE_PROTOCOL=oip. One batch for one model version goes as ModelInfer
 * calls: inputs that cannot travel are refused alone (codec.ts), each tensor
 * group is sent on its own, and failed calls are halved (bisection.ts).
 * - OIP has no per-input deadline: an input that hangs holds its whole call.
 *   With OIP_BATCH_TIMEOUT_MS, a call of several inputs is given up after
 *   that long and halved like a failed one, within INFERENCE_DEADLINE_MS, so
 *   the hanging input times out alone; a call of one input has until
 *   INFERENCE_DEADLINE_MS.
 * - OIP has one NOT_FOUND for a model and a version: for a model the catalog
 *   knows, it means the version (which lets the canary fall back).
 * `batchSize` of each prediction is the number of inputs in the ModelInfer
 * call that answered it: OIP does not say how the server batched them.
 */
import { Metadata } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import { InferGraphError } from '../../../../../lib/errors';
import { describeCallFailure } from '../../../../../lib/grpc/call-failure';
import type { InferenceCallOptions } from '../../../../../lib/grpc/call-failure';
import type { GRPCInferenceServiceClient } from '../../../../../lib/grpc/generated/inference/GRPCInferenceService';
import type { ModelInferResponse__Output } from '../../../../../lib/grpc/generated/inference/ModelInferResponse';
import { createOipClient } from '../../../../../lib/grpc/oip-client';
import { reconnectOptions } from '../../../../../lib/grpc/target';
import { unary } from '../../../../../lib/grpc/unary';
import { REQUEST_ID_KEY } from '../../../../../lib/logger';
import type { Logger } from '../../../../../lib/logger';
import { TensorFormatError } from '../../../../../lib/oip/tensors';
import { toOipVersion } from '../../../../../lib/oip/versions';
import type { PredictionConfig } from '../../config';
import type { InputKind, ModelInput, Prediction } from '../../domain';
import type { BatchAnswer, BatchTarget, InferenceBackend } from '../backend';
import { UnreadableAnswer, sendInHalves } from './bisection';
import { decode, encode, inputKindOf, refusal, tensorGroup } from './codec';
import { MetadataCatalog } from './metadata-catalog';
import { OipStatistics } from './statistics';

interface OipTarget extends BatchTarget {
  /** From the catalog; unknown before it first synced (then the first input's kind). */
  readonly kind: InputKind | null;
  /** The catalog knows the model (its ModelMetadata answered): a bare NOT_FOUND then means the version. */
  readonly known: boolean;
}

interface OipCallOptions extends InferenceCallOptions {
  /** OIP_MAX_BATCH_SIZE: most inputs in one ModelInfer call; 0 for no limit. */
  readonly maxBatchSize: number;
  /** OIP_BATCH_TIMEOUT_MS: longest a ModelInfer of several inputs may run before it is halved; 0 for no cap. */
  readonly batchTimeoutMs: number;
}

function callModelInfer(
  client: GRPCInferenceServiceClient,
  options: OipCallOptions,
  target: OipTarget,
  inputs: readonly ModelInput[],
  requestIds: readonly string[],
): BatchAnswer {
  const deadline = Date.now() + options.deadlineMs;
  const metadata = new Metadata();
  for (const id of new Set(requestIds)) metadata.add(REQUEST_ID_KEY, id);
  const what = target.version ? `${target.model}:${target.version}` : target.model;
  const kind: InputKind = target.kind ?? (inputs[0] ? inputKindOf(inputs[0]) : 'FEATURES');

  /** One ModelInfer call: every input's prediction, or one error for them all. */
  const infer = async (group: readonly ModelInput[]): Promise<Prediction[]> => {
    const capped = group.length > 1 && options.batchTimeoutMs > 0 && Date.now() + options.batchTimeoutMs < deadline;
    const callDeadline = capped ? Date.now() + options.batchTimeoutMs : deadline;
    const response = await unary<ModelInferResponse__Output>((cb) =>
      client.ModelInfer(encode(target, kind, group), metadata, { deadline: callDeadline }, cb),
    ).catch((err: ServiceError) => {
      const failure = describeCallFailure(err, options, what, requestIds);
      if (capped && failure.code === 'INFERENCE_TIMEOUT' && Date.now() >= callDeadline) {
        throw new InferGraphError(
          'INFERENCE_TIMEOUT',
          `${what} did not answer a call of ${group.length} inputs within ${options.batchTimeoutMs} ms (OIP_BATCH_TIMEOUT_MS)`,
        );
      }
      if (failure.code === 'MODEL_NOT_FOUND' && target.known) {
        throw new InferGraphError(
          'MODEL_VERSION_NOT_FOUND',
          `${options.service} has no version ${toOipVersion(target.version)} of ${target.model}: ${failure.message}`,
        );
      }
      throw failure;
    });
    try {
      return decode(target, kind, response, group.length);
    } catch (err) {
      if (!(err instanceof TensorFormatError)) throw err;
      throw new UnreadableAnswer('INFERENCE_FAILED', `${options.service} answered ${what} with ${err.message}`);
    }
  };

  const answers: Promise<Prediction>[] = [];
  const groups = new Map<string, number[]>();
  inputs.forEach((input, index) => {
    const refused = refusal(target.model, kind, input);
    if (refused) {
      answers[index] = Promise.reject(refused);
      return;
    }
    const key = tensorGroup(input);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  for (const indexes of groups.values()) {
    const sent = sendInHalves(
      indexes.map((i) => inputs[i] as ModelInput),
      infer,
      { maxBatchSize: options.maxBatchSize, deadline, what, logger: options.logger },
    );
    indexes.forEach((inputIndex, k) => {
      answers[inputIndex] = sent[k] as Promise<Prediction>;
    });
  }
  // Each caller handles its own answer; none may surface as an unhandled rejection meanwhile.
  for (const answer of answers) answer.catch(() => undefined);
  return answers;
}

export function createOipBackend(config: PredictionConfig, logger: Logger): InferenceBackend {
  const client = createOipClient(config.inferenceUrl, reconnectOptions(config.inferenceReconnectMaxMs), config);
  const catalog = new MetadataCatalog(
    client,
    {
      defaultVersions: config.defaultVersions,
      canary: config.canary,
      refreshMs: config.oipCatalogRefreshMs,
      deadlineMs: config.inferenceDeadlineMs,
    },
    logger,
  );
  catalog.start();
  const callOptions: OipCallOptions = {
    address: config.inferenceUrl,
    service: 'the OIP inference server',
    logger,
    deadlineMs: config.inferenceDeadlineMs,
    maxBatchSize: config.oipMaxBatchSize,
    batchTimeoutMs: config.oipBatchTimeoutMs,
  };
  const statistics = new OipStatistics(client, { ...callOptions, windowSeconds: config.statsWindowSeconds });
  return {
    catalog,
    statistics: (targets) => statistics.read(targets),
    predictBatch: (target, inputs, requestIds) => {
      const known = catalog.get(target.model);
      return callModelInfer(
        client,
        callOptions,
        { ...target, kind: known?.inputKind ?? null, known: known !== undefined },
        inputs,
        requestIds,
      );
    },
    dispose: async () => {
      await catalog.dispose();
      client.close();
    },
  };
}
