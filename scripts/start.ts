/**
 * `npm start`: builds the playground and dashboard when their build is
 * missing or stale, runs every InferGraph service as its own process, with
 * prefixed human-readable logs, waits until each is ready (its /ready
 * answers 200), prints where to reach the stack, and on Ctrl-C (or SIGTERM)
 * stops them all, last started first, each draining cleanly.
 *
 *   npm start                        each service on its default ports
 *   npm start -- --ephemeral-ports   every port picked by the OS (to run beside another stack)
 *   npm run start:cluster            2 replicas of every service sharing Redis (= npm start -- --replicas 2)
 *   npm start -- --built             compiles (npm run build) and runs every service from dist/, as deployed
 *   npm start -- --built --no-compile   runs dist/ as it is (stack/cluster.ts compiles once per bench or test run)
 *
 * Every service gets one INFERENCE_TOKEN, random per run unless set, so the
 * subgraphs are let into inference-grpc and nothing else is.
 *
 * The wiring (stack/topology.ts): replica r (from 1) of each service listens
 * on its default ports + 10 * (r - 1); every subgraph replica balances over
 * every inference replica and gateway r sends to subgraph replica r. All
 * share REDIS_URL (redis://127.0.0.1:6379 unless set), which must answer.
 * A replica that dies is reported and the others keep serving, so a replica
 * can be killed by hand (its pid is printed) to watch the others take over.
 */
import { generateInferenceToken } from '../lib/grpc/security';
import { compileServices } from '../stack/build';
import { DEFAULT_REDIS_URL, redisAnswers } from '../stack/redis';
import { summary, summaryLines } from '../stack/summary';
import { createSupervisor } from '../stack/supervisor';
import { buildUiIfStale } from './build-ui';

/** Levels that still print the "listening" line npm start reads each service's ports from. */
const LEVELS_WITH_INFO = new Set(['info', 'debug', 'trace']);

function parseArgs(argv: readonly string[]): { ephemeral: boolean; replicas: number; built: boolean; compile: boolean } {
  const at = argv.indexOf('--replicas');
  const replicas = at === -1 ? 1 : Number(argv[at + 1]);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 9) {
    throw new Error(`--replicas takes a whole number from 1 to 9, got ${JSON.stringify(argv[at + 1])}`);
  }
  const built = argv.includes('--built');
  return { ephemeral: argv.includes('--ephemeral-ports'), replicas, built, compile: built && !argv.includes('--no-compile') };
}

async function main(): Promise<void> {
  const { ephemeral, replicas, built, compile } = parseArgs(process.argv.slice(2));
  buildUiIfStale();
  if (compile) compileServices();
  // One PORT for every child would collide: each service takes its own default unless told otherwise.
  const { PORT, METRICS_PORT, ...inherited } = process.env;
  const env = Object.fromEntries(Object.entries(inherited).filter((e): e is [string, string] => e[1] !== undefined));
  if (env.LOG_LEVEL && !LEVELS_WITH_INFO.has(env.LOG_LEVEL)) {
    console.error(
      `npm start reads where each service listens from its info log line: LOG_LEVEL=${env.LOG_LEVEL} hides it; use info, debug or trace (or start a service alone).`,
    );
    process.exit(1);
  }
  // inference-grpc lets in only callers with its token: one random token per run, given to every service (or the one set).
  const shared: Record<string, string> = { ...env, INFERENCE_TOKEN: env.INFERENCE_TOKEN || generateInferenceToken() };
  if (replicas > 1) {
    shared.REDIS_URL = env.REDIS_URL || DEFAULT_REDIS_URL;
    if (!(await redisAnswers(shared.REDIS_URL))) {
      console.error(`Replicas share Redis, which does not answer at ${shared.REDIS_URL}: start it or set REDIS_URL.`);
      process.exit(1);
    }
  }

  const supervisor = createSupervisor({ replicas, ephemeralPorts: ephemeral, built, shared }, (label, code) => {
    if (replicas > 1) {
      console.error(`${label} exited unexpectedly with ${code}; the other replicas keep serving`);
      return;
    }
    console.error(`${label} exited unexpectedly with ${code}; stopping the others`);
    shutdown(1);
  });
  const shutdown = (code: number): void => {
    if (supervisor.stopping) return;
    console.log('\nstopping InferGraph...');
    void supervisor.stop().then(() => process.exit(code));
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));

  try {
    const started = await supervisor.start();
    if (supervisor.stopping) return;
    console.log(summary(started.flatMap((p) => summaryLines(p.service, p.label, p.pid, p.ports))));
  } catch (err) {
    console.error(`InferGraph failed to start: ${err instanceof Error ? err.message : String(err)}`);
    shutdown(1);
  }
}

main().catch((err: unknown) => {
  console.error(`InferGraph failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
