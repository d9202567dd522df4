import { checkQueryText } from './gate';

const LIMITS = { maxOperationBytes: 1000, maxTokens: 50, maxNesting: 4 };

describe('checkQueryText', () => {
  it('gives a text the same verdict every time, while it is remembered and after it is forgotten', () => {
    // Room for about two short texts: most of them are forgotten again as the others pass.
    const check = checkQueryText(LIMITS, 200);
    const deep = '{ a { b { c { d { e } } } } }';
    const passing = Array.from({ length: 20 }, (_, i) => `{ field${i} }`);
    for (let round = 0; round < 3; round += 1) {
      for (const text of passing) expect(check(text)).toBeUndefined();
      expect(check(deep)).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX' });
      expect(check(`{ ${'x '.repeat(60)}}`)).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    }
  });
});
