/**
 * Cache keys: model + resolved version + canonical input, hashed. Text is
 * NFC-normalised (the same words in composed or decomposed Unicode hit the
 * same entry); numbers are written canonically (1 and 1.0 are one number by
 * the time GraphQL hands them over; -0 is written as 0).
 */
import { createHash } from 'node:crypto';

import type { ModelInput } from '../domain';

export function canonicalInput(input: ModelInput): string {
  if (input.text !== undefined) return `text:${input.text.normalize('NFC')}`;
  return `features:${input.features.map((v) => (Object.is(v, -0) ? '0' : String(v))).join(',')}`;
}

export function predictionCacheKey(model: string, version: string, input: ModelInput): string {
  const digest = createHash('sha256').update(canonicalInput(input)).digest('base64url');
  return `prediction:${model}:${version}:${digest}`;
}
