import { InferGraphError } from '../../../lib/errors';
import { DynamicBatcher } from './batcher';
import type { BatcherOptions } from './batcher';

type Run = (inputs: readonly number[]) => Promise<number[]>;

function batcher(overrides: Partial<BatcherOptions<number, number>> & { run?: Run } = {}) {
  const batches: number[][] = [];
  const run: Run = overrides.run ?? ((inputs) => Promise.resolve(inputs.map((x) => x * 10)));
  const b = new DynamicBatcher<number, number>({
    name: 'm:v1',
    maxBatchSize: 4,
    maxDelayMs: 5,
    maxQueue: 100,
    ...overrides,
    run: (inputs) => {
      batches.push([...inputs]);
      return run(inputs);
    },
  });
  return { b, batches };
}

const none = { deadline: Infinity };

/** A run whose batches wait until the test opens the gate; once open, every batch finishes at once. */
function gatedRun(): { run: Run; open: () => void } {
  let opened = false;
  const waiting: (() => void)[] = [];
  return {
    run: (inputs) =>
      new Promise((resolve) => {
        const finish = (): void => resolve(inputs.map((x) => x * 10));
        if (opened) finish();
        else waiting.push(finish);
      }),
    open: () => {
      opened = true;
      waiting.splice(0).forEach((finish) => finish());
    },
  };
}

describe('DynamicBatcher', () => {
  it('merges concurrent inputs, up to the max batch size, and gives each its own output', async () => {
    const { b, batches } = batcher();
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((x) => b.submit(x, none)));
    expect(results.map((r) => r.output)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(batches).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    expect(results.map((r) => r.batchSize)).toEqual([4, 4, 4, 4, 2, 2]);
  });

  describe('on a clock the test moves', () => {
    beforeEach(() => jest.useFakeTimers({ now: 0 }));
    afterEach(() => jest.useRealTimers());

    it('runs one batch at a time and gathers what arrives meanwhile', async () => {
      const gate = gatedRun();
      const { b, batches } = batcher({ run: gate.run, maxBatchSize: 10 });
      const first = b.submit(1, none);
      await jest.advanceTimersByTimeAsync(5);
      expect(batches).toEqual([[1]]);
      const rest = [2, 3, 4].map((x) => b.submit(x, none));
      // Long past their max delay, but a batch is still running.
      await jest.advanceTimersByTimeAsync(50);
      expect(batches).toEqual([[1]]);
      gate.open();
      await first;
      await Promise.all(rest);
      expect(batches).toEqual([[1], [2, 3, 4]]);
    });

    it('holds inputs that arrive behind a running batch for their max delay once it ends', async () => {
      const gate = gatedRun();
      const { b, batches } = batcher({ run: gate.run, maxBatchSize: 10, maxDelayMs: 10 });
      const first = b.submit(1, none);
      const second = b.submit(2, none);
      await jest.advanceTimersByTimeAsync(0);
      // The model was idle: the first batch took what came in the same turn, without waiting.
      expect(batches).toEqual([[1, 2]]);
      const behind = b.submit(3, none);
      gate.open();
      await Promise.all([first, second]);
      await jest.advanceTimersByTimeAsync(9);
      expect(batches).toEqual([[1, 2]]);
      await jest.advanceTimersByTimeAsync(1);
      expect(batches).toEqual([[1, 2], [3]]);
      await behind;
    });

    it('refuses at once with OVERLOADED when the queue is full', async () => {
      const gate = gatedRun();
      const { b, batches } = batcher({ run: gate.run, maxBatchSize: 1, maxQueue: 2, maxDelayMs: 0 });
      const running = b.submit(1, none);
      expect(batches).toEqual([[1]]);
      const waiting = [b.submit(2, none), b.submit(3, none)];
      await expect(b.submit(4, none)).rejects.toMatchObject({ code: 'OVERLOADED', message: expect.stringContaining('BATCH_MAX_QUEUE=2') });
      gate.open();
      await Promise.all([running, ...waiting]);
      expect(batches).toEqual([[1], [2], [3]]);
    });

    it('drops inputs whose deadline passed while queued, never running them', async () => {
      const gate = gatedRun();
      const { b, batches } = batcher({ run: gate.run, maxBatchSize: 1, maxDelayMs: 0 });
      const first = b.submit(1, none);
      const late = b.submit(2, { deadline: Date.now() + 10 });
      const onTime = b.submit(3, none);
      await jest.advanceTimersByTimeAsync(30);
      gate.open();
      await first;
      await expect(late).rejects.toMatchObject({
        code: 'INFERENCE_TIMEOUT',
        message: expect.stringContaining('deadline passed after 30 ms in the queue'),
      });
      await onTime;
      expect(batches).toEqual([[1], [3]]);
    });
  });

  it('starts a batch for inputs that find the model idle on the next turn, not after the max delay', async () => {
    const { b, batches } = batcher({ maxDelayMs: 60_000 });
    const answers = [1, 2].map((x) => b.submit(x, none));
    // Inputs of the same turn join the batch: nothing has started yet.
    expect(batches).toEqual([]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1, 2]]);
    await expect(Promise.all(answers)).resolves.toEqual([
      { output: 10, batchSize: 2 },
      { output: 20, batchSize: 2 },
    ]);
  });

  it('drops an input whose caller went away', async () => {
    const gate = gatedRun();
    const { b, batches } = batcher({ run: gate.run, maxBatchSize: 1, maxDelayMs: 0 });
    const first = b.submit(1, none);
    const controller = new AbortController();
    const gone = b.submit(2, { deadline: Infinity, signal: controller.signal });
    controller.abort();
    await expect(gone).rejects.toBeInstanceOf(InferGraphError);
    gate.open();
    await first;
    await b.idle();
    expect(batches).toEqual([[1]]);
  });

  it('rejects every input of a batch whose run failed, with the reason', async () => {
    const { b } = batcher({ run: () => Promise.reject(new Error('device lost')) });
    const results = await Promise.allSettled([1, 2].map((x) => b.submit(x, none)));
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual([
      'm:v1 failed: device lost',
      'm:v1 failed: device lost',
    ]);
    await expect(b.submit(3, none)).rejects.toThrow('device lost');
  });

  it('names the broken contract when run answers the wrong number of outputs', async () => {
    const { b } = batcher({ run: (inputs) => Promise.resolve(inputs.slice(1)) });
    await expect(Promise.all([b.submit(1, none), b.submit(2, none)])).rejects.toThrow(
      "m:v1: a model's run() must answer an array with one output per input (2), got 1 outputs",
    );
  });
});

describe('DynamicBatcher.close', () => {
  it('runs the waiting inputs at once rather than after their delay, and resolves once they are done', async () => {
    const { b, batches } = batcher({ maxDelayMs: 60_000 });
    const answers = [b.submit(1, none), b.submit(2, none)];
    expect(batches).toEqual([]);
    const closed = b.close('is unloaded');
    expect(batches).toEqual([[1, 2]]);
    await closed;
    await expect(Promise.all(answers)).resolves.toEqual([
      { output: 10, batchSize: 2 },
      { output: 20, batchSize: 2 },
    ]);
  });

  it('runs the inputs queued behind a running batch as soon as it ends', async () => {
    const gate = gatedRun();
    const { b, batches } = batcher({ maxBatchSize: 2, maxDelayMs: 60_000, run: gate.run });
    // A full batch runs; the third input waits behind it.
    const answers = [1, 2, 3].map((x) => b.submit(x, none));
    const closed = b.close('is unloaded');
    expect(batches).toEqual([[1, 2]]);
    gate.open();
    await closed;
    expect(batches).toEqual([[1, 2], [3]]);
    await expect(Promise.all(answers)).resolves.toHaveLength(3);
  });
});
