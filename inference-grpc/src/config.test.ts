import { ConfigError } from '../../lib/config';
import { loadInferenceConfig } from './config';

describe('inference-grpc configuration', () => {
  it('takes STATS_WINDOW_SECONDS up to an hour and refuses more, naming the variable and the range', () => {
    expect(loadInferenceConfig({ STATS_WINDOW_SECONDS: '3600' }).statsWindowSeconds).toBe(3600);
    expect(() => loadInferenceConfig({ STATS_WINDOW_SECONDS: '3601' })).toThrow(ConfigError);
    expect(() => loadInferenceConfig({ STATS_WINDOW_SECONDS: '3601' })).toThrow(
      'STATS_WINDOW_SECONDS="3601": expected an integer from 1 to 3600',
    );
  });
});
