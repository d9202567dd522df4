import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import { InferGraphError } from '../errors';
import { CODE_METADATA_KEY, codeForGrpcStatus, fromServiceError, toServiceError } from './errors';

function serviceError(code: status, details: string, sentCode?: string): ServiceError {
  const metadata = new Metadata();
  if (sentCode) metadata.set(CODE_METADATA_KEY, sentCode);
  return Object.assign(new Error(details), { code, details, metadata });
}

describe('error registry', () => {
  it('maps the gRPC statuses of DESIGN.md to their codes', () => {
    expect(codeForGrpcStatus(status.DEADLINE_EXCEEDED)).toBe('INFERENCE_TIMEOUT');
    expect(codeForGrpcStatus(status.UNAVAILABLE)).toBe('INFERENCE_UNAVAILABLE');
    expect(codeForGrpcStatus(status.RESOURCE_EXHAUSTED)).toBe('OVERLOADED');
    expect(codeForGrpcStatus(status.INVALID_ARGUMENT)).toBe('BAD_USER_INPUT');
    expect(codeForGrpcStatus(status.NOT_FOUND)).toBe('MODEL_NOT_FOUND');
    expect(codeForGrpcStatus(status.INTERNAL)).toBe('INFERENCE_FAILED');
    expect(codeForGrpcStatus(status.UNKNOWN)).toBe('INFERENCE_FAILED');
  });

  it('carries the precise code across the wire in trailing metadata', () => {
    const sent = toServiceError(new InferGraphError('MODEL_VERSION_NOT_FOUND', 'model numeric has no version "v9"'));
    expect(sent.code).toBe(status.NOT_FOUND);
    const received = fromServiceError(
      serviceError(status.NOT_FOUND, sent.details ?? '', sent.metadata?.get(CODE_METADATA_KEY)[0] as string),
    );
    expect(received).toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND', message: 'model numeric has no version "v9"' });
  });

  it('falls back to the status when the peer sent no code, and ignores codes it does not know', () => {
    expect(fromServiceError(serviceError(status.UNAVAILABLE, 'connect ECONNREFUSED')).code).toBe('INFERENCE_UNAVAILABLE');
    expect(fromServiceError(serviceError(status.RESOURCE_EXHAUSTED, 'full', 'MADE_UP')).code).toBe('OVERLOADED');
  });

  it('turns an unexpected throw into INFERENCE_FAILED without losing its message', () => {
    expect(toServiceError(new TypeError('boom'))).toMatchObject({ code: status.INTERNAL, details: 'internal error: boom' });
  });
});
