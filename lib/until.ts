/** Waiting with a deadline: for a condition a user would see, never for a fixed time assumed to be enough. */

/** Polls `condition` every 10 ms until it holds; rejects after `timeoutMs` naming what was awaited. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
