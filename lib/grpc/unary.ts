/** Promise form of a unary gRPC call, keeping the generated client's types. */
import type { ServiceError, requestCallback } from '@grpc/grpc-js';

/**
 * `unary<PredictResponse__Output>((cb) => client.Predict(request, metadata, { deadline }, cb))`
 * resolves with the response or rejects with the ServiceError.
 */
export function unary<Res>(start: (callback: requestCallback<Res>) => unknown): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    start((err: ServiceError | null, value?: Res) => {
      if (err) reject(err);
      else if (value === undefined) reject(new Error('gRPC call answered with neither a value nor an error'));
      else resolve(value);
    });
  });
}
