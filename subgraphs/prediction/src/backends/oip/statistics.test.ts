import { WindowedDifferences } from './statistics';

const at = (seconds: number, success: number, fail = 0, executions = success) => ({
  at: 1_700_000_000_000 + seconds * 1000,
  success,
  fail,
  executions,
});

describe("WindowedDifferences (Triton's cumulative counts made windowed)", () => {
  it('answers zeros at the first read, then the difference from it', () => {
    const d = new WindowedDifferences(60);
    expect(d.figures('numeric:v1', at(0, 10))).toMatchObject({ requests: 0, failures: 0, meanBatchSize: null });
    expect(d.figures('numeric:v1', at(5, 16, 1, 12))).toEqual({
      requests: 7,
      failures: 1,
      latencyP50Ms: null,
      latencyP99Ms: null,
      meanBatchSize: 3,
      since: new Date(at(0, 0).at).toISOString(),
    });
  });

  it('measures against the latest read at least the window old, so old traffic leaves the figures', () => {
    const d = new WindowedDifferences(10);
    d.figures('k', at(0, 0));
    d.figures('k', at(4, 100));
    d.figures('k', at(8, 100));
    // At 14 s the read of 4 s is the latest one at least 10 s old: the 100 before it no longer count.
    expect(d.figures('k', at(14, 103))).toMatchObject({ requests: 3, since: new Date(at(4, 0).at).toISOString() });
    // A read of the same second is not kept: memory stays at about one read a second.
    expect(d.figures('k', at(14.5, 104))).toMatchObject({ requests: 4 });
  });

  it('starts again when the counts go down (the server restarted)', () => {
    const d = new WindowedDifferences(60);
    d.figures('k', at(0, 50));
    expect(d.figures('k', at(3, 2))).toMatchObject({ requests: 0, since: new Date(at(3, 0).at).toISOString() });
    expect(d.figures('k', at(6, 5))).toMatchObject({ requests: 3 });
  });

  it('starts again when counts fall below the newest read, though still above the oldest, and never answers less than zero', () => {
    const d = new WindowedDifferences(60);
    d.figures('k', at(0, 10));
    expect(d.figures('k', at(30, 1000))).toMatchObject({ requests: 990 });
    // Triton reloaded the version at about 35 s: its counts restarted, and 50 is below the 1000 read at 30 s.
    expect(d.figures('k', at(40, 50))).toMatchObject({ requests: 0, since: new Date(at(40, 0).at).toISOString() });
    expect(d.figures('k', at(95, 60))).toMatchObject({ requests: 10, since: new Date(at(40, 0).at).toISOString() });
  });
});
