import {
  afterListening,
  classifyExit,
  decideRestart,
  INITIAL_RESTART_STATE,
  restartDelay,
  restartPolicy,
  type RestartDecision,
  type RestartState,
  type WorkerExit,
} from './cluster-policy';
import { workerArgs } from './cluster';

/** Feeds exits one after the other, as the primary does, and returns every decision. */
function decisions(workers: number, exits: readonly WorkerExit[]): RestartDecision[] {
  const policy = restartPolicy(workers);
  let state: RestartState = INITIAL_RESTART_STATE;
  return exits.map((exit) => {
    const decision = decideRestart(state, exit, policy);
    state = decision.state;
    return decision;
  });
}

const summary = (decision: RestartDecision) =>
  decision.kind === 'restart' ? decision.delayMs : decision.reason;

describe('restartPolicy', () => {
  it('counts exits over 30 s and allows more of them for more workers', () => {
    expect(restartPolicy(2)).toEqual({
      windowMs: 30_000,
      maxExitsInWindow: 5,
      maxStartupFailures: 3,
      baseDelayMs: 1000,
      maxDelayMs: 10_000,
    });
    expect(restartPolicy(8)).toMatchObject({ maxExitsInWindow: 16, maxStartupFailures: 8 });
  });
});

describe(restartDelay.name, () => {
  it('replaces the first exit at once, then waits 1, 2, 4, 8 and at most 10 s', () => {
    const policy = restartPolicy(2);
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => restartDelay(n, policy))).toEqual([
      0, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });
});

describe(decideRestart.name, () => {
  it('replaces a worker that crashed while serving at once', () => {
    const [decision] = decisions(2, [{ at: 100_000, listened: true }]);
    expect(decision).toEqual({
      kind: 'restart',
      delayMs: 0,
      state: { exits: [100_000], startupFailures: 0 },
    });
  });

  it('backs off while workers keep crashing, and gives up after 5 exits in 30 s (2 workers)', () => {
    const exits = [0, 1000, 3000, 7000, 15_000, 25_000].map((at) => ({ at, listened: true }));
    expect(decisions(2, exits).map(summary)).toEqual([
      0,
      1000,
      2000,
      4000,
      8000,
      '6 worker exits within 30 s',
    ]);
  });

  it('forgets exits older than the window', () => {
    const exits = [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000].map((at) => ({
      at,
      listened: true,
    }));
    const made = decisions(2, exits);
    expect(made.map(summary)).toEqual([0, 1000, 2000, 2000, 2000, 2000, 2000]);
    expect(made.at(-1)?.state.exits).toEqual([40_000, 50_000, 60_000]);
  });

  it('gives up when workers keep exiting before they listen (port in use)', () => {
    const exits = [0, 10, 1200].map((at) => ({ at, listened: false }));
    expect(decisions(2, exits).map(summary)).toEqual([
      0,
      1000,
      '3 workers in a row exited before they listened',
    ]);
  });

  it('needs as many start-up failures in a row as there are workers (at least 3)', () => {
    const exits = Array.from({ length: 8 }, (_, i) => ({ at: i, listened: false }));
    const made = decisions(8, exits).map((decision) => decision.kind);
    expect(made).toEqual([...Array<string>(7).fill('restart'), 'give-up']);
  });

  it('starts counting start-up failures again once a worker listens', () => {
    const policy = restartPolicy(2);
    let state = decideRestart(INITIAL_RESTART_STATE, { at: 0, listened: false }, policy).state;
    state = decideRestart(state, { at: 1, listened: false }, policy).state;
    expect(state.startupFailures).toBe(2);
    state = afterListening(state);
    expect(state).toEqual({ exits: [0, 1], startupFailures: 0 });
    expect(decideRestart(state, { at: 2, listened: false }, policy)).toMatchObject({
      kind: 'restart',
      state: { startupFailures: 1 },
    });
  });

  it('resets start-up failures when a worker that had listened exits', () => {
    const made = decisions(2, [
      { at: 0, listened: false },
      { at: 1, listened: false },
      { at: 2, listened: true },
      { at: 3, listened: false },
    ]);
    expect(made.map((decision) => decision.state.startupFailures)).toEqual([1, 2, 0, 1]);
  });
});

describe(afterListening.name, () => {
  it('keeps the state as it is when nothing failed to start', () => {
    const state: RestartState = { exits: [5], startupFailures: 0 };
    expect(afterListening(state)).toBe(state);
  });
});

describe(classifyExit.name, () => {
  it.each([
    [0, true, 'stopping'],
    [2, true, 'stopping'],
    [null, true, 'stopping'],
    [2, false, 'config-error'],
    [1, false, 'unexpected'],
    [0, false, 'unexpected'],
    [null, false, 'unexpected'],
  ] as const)('reads exit code %p (stopping: %p) as %s', (code, stopping, kind) => {
    expect(classifyExit(code, stopping)).toBe(kind);
  });
});

describe(workerArgs.name, () => {
  it.each([
    [{}, []],
    [{ host: '::1' }, ['--host', '::1']],
    [{ port: 0 }, ['--port', '0']],
    [{ host: '0.0.0.0', port: 8080 }, ['--host', '0.0.0.0', '--port', '8080']],
  ])('passes %j on as %j', (overrides, args) => {
    expect(workerArgs(overrides)).toEqual(args);
  });
});
