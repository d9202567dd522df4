import { ConfigError, bool, int, oneOf, readConfig, str } from './config';

const spec = {
  port: int('PORT', 4000, 'port', { min: 0, max: 65535 }),
  verbose: bool('VERBOSE', false, 'chatty'),
  mode: oneOf('MODE', 'fast', 'mode', ['fast', 'safe'] as const),
  name: str('NAME', '', 'name'),
};

describe('readConfig', () => {
  it('uses defaults for unset and blank variables', () => {
    expect(readConfig({ PORT: '  ' }, spec)).toEqual({ port: 4000, verbose: false, mode: 'fast', name: '' });
  });

  it('parses set variables into typed values', () => {
    expect(readConfig({ PORT: '0', VERBOSE: 'true', MODE: 'safe', NAME: 'x' }, spec)).toEqual({
      port: 0,
      verbose: true,
      mode: 'safe',
      name: 'x',
    });
  });

  it('names every bad variable, its value and what is allowed, all at once', () => {
    let error: unknown;
    try {
      readConfig({ PORT: '70000', VERBOSE: 'maybe', MODE: 'slow' }, spec);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT="70000": expected an integer from 0 to 65535',
      'VERBOSE="maybe": expected true or false',
      'MODE="slow": expected one of fast, safe',
    ]);
  });

  it('rejects numbers that are not integers', () => {
    expect(() => readConfig({ PORT: '80.5' }, spec)).toThrow('PORT="80.5": expected an integer from 0 to 65535');
  });
});
