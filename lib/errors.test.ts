import { ERROR_CODES, InferGraphError, asInferGraphError } from './errors';

describe('the error registry', () => {
  it('holds every code of DESIGN.md, and SUBGRAPH_UNAVAILABLE', () => {
    expect(Object.keys(ERROR_CODES).sort()).toEqual(
      [
        'BAD_USER_INPUT',
        'MODEL_NOT_FOUND',
        'MODEL_VERSION_NOT_FOUND',
        'INFERENCE_TIMEOUT',
        'INFERENCE_UNAVAILABLE',
        'OVERLOADED',
        'INFERENCE_FAILED',
        'UNAUTHENTICATED',
        'FORBIDDEN',
        'RATE_LIMITED',
        'QUERY_TOO_COMPLEX',
        // Not in DESIGN.md's list: a subscription whose subgraph went away needs a code of its own.
        'SUBGRAPH_UNAVAILABLE',
        // Not in DESIGN.md's list either: unloading a version that serves traffic is refused, not a missing version.
        'MODEL_VERSION_IN_USE',
      ].sort(),
    );
  });

  it('gives every code the HTTP status a request refused whole with it gets', () => {
    expect(Object.fromEntries(Object.entries(ERROR_CODES).map(([code, entry]) => [code, entry.http]))).toEqual({
      BAD_USER_INPUT: 400,
      QUERY_TOO_COMPLEX: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      MODEL_NOT_FOUND: 404,
      MODEL_VERSION_NOT_FOUND: 404,
      MODEL_VERSION_IN_USE: 409,
      RATE_LIMITED: 429,
      INFERENCE_FAILED: 500,
      SUBGRAPH_UNAVAILABLE: 502,
      INFERENCE_UNAVAILABLE: 503,
      OVERLOADED: 503,
      INFERENCE_TIMEOUT: 504,
    });
  });

  it('wraps anything else thrown as INFERENCE_FAILED, saying it was internal, and keeps registered errors as they are', () => {
    const registered = new InferGraphError('OVERLOADED', 'full');
    expect(asInferGraphError(registered)).toBe(registered);
    expect(asInferGraphError(new TypeError('boom'))).toMatchObject({ code: 'INFERENCE_FAILED', message: 'internal error: boom' });
    expect(asInferGraphError('odd')).toMatchObject({ code: 'INFERENCE_FAILED', message: 'internal error: odd' });
  });
});
