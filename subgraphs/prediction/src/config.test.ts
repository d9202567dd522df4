import { ConfigError } from '../../../lib/config';
import { loadPredictionConfig } from './config';

describe('prediction subgraph configuration', () => {
  it('takes STATS_WINDOW_SECONDS up to an hour and refuses more, naming the variable and the range', () => {
    expect(loadPredictionConfig({ STATS_WINDOW_SECONDS: '3600' }).statsWindowSeconds).toBe(3600);
    expect(() => loadPredictionConfig({ STATS_WINDOW_SECONDS: '3601' })).toThrow(ConfigError);
    expect(() => loadPredictionConfig({ STATS_WINDOW_SECONDS: '3601' })).toThrow(
      'STATS_WINDOW_SECONDS="3601": expected an integer from 1 to 3600',
    );
  });
});
