/**
 * Cache keys: model + resolved version + canonical input, hashed. Text is
 * NFC-normalised (the same words in composed or decomposed Unicode hit the
 * same entry); numbers are written canonically (1 and 1.0 are one number by
 * the time GraphQL hands them over; -0 is written as 0).
 */
import { createHash } from 'node:crypto';

import type { PredictInput } from '../../../../lib/grpc/generated/infergraph/inference/v1/PredictInput';

export function canonicalInput(input: PredictInput): string {
  if (input.text !== undefined) return `text:${input.text.normalize('NFC')}`;
  const values = input.features?.values ?? [];
  return `features:${values.map((v) => (typeof v === 'number' && Object.is(v, -0) ? '0' : String(v))).join(',')}`;
}

export function predictionCacheKey(model: string, version: string, input: PredictInput): string {
  const digest = createHash('sha256').update(canonicalInput(input)).digest('base64url');
  return `prediction:${model}:${version}:${digest}`;
}
