'use strict';
/* Child processes under test: spawning, readiness, RSS sampling, clean shutdown. */
const { spawn } = require('node:child_process');
const { readFileSync, readdirSync, createWriteStream } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { setInterval, clearInterval } = require('node:timers');
const { httpRequest } = require('./http-client');

const OUTPUT_LINES_KEPT = 60;

/**
 * @typedef {object} ChildServer
 * @property {import('node:child_process').ChildProcess} child
 * @property {number} pid
 * @property {string} url
 * @property {() => string} output   the last lines the process wrote (for diagnostics)
 * @property {() => Promise<number | null>} stop  SIGTERM, then SIGKILL after 15 s
 * @property {Promise<void>} closed  the process exited and its output (and log file) is complete
 */

/**
 * Spawns `node <args>` with its output kept in a ring buffer (and, with `logFile`, all of
 * it in that file).
 * @param {readonly string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, url: string, logFile?: string }} options
 * @returns {ChildServer}
 */
function spawnNode(args, options) {
  const child = spawn(process.execPath, [...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** @type {string[]} */
  const lines = [];
  const keep = (/** @type {Buffer} */ chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > OUTPUT_LINES_KEPT) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  /** @type {Promise<void>} */
  const closed = new Promise((resolve) => {
    if (!options.logFile) {
      child.once('close', () => resolve());
      return;
    }
    const log = createWriteStream(options.logFile);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('close', () => log.end(() => resolve()));
  });
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid ?? 0,
    url: options.url,
    output: () => lines.join('\n'),
    closed,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * Polls `GET path` until it answers 200 (any status with `anyStatus`); resolves with milliseconds since `startedAt`.
 * @param {ChildServer} server
 * @param {number} startedAt performance.now() just before the spawn
 * @param {{ path?: string, timeoutMs?: number, anyStatus?: boolean }} [options]
 * @returns {Promise<number>}
 */
async function waitUntilReady(server, startedAt, options = {}) {
  const deadline = startedAt + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (server.child.exitCode !== null) {
      throw new Error(`server exited with ${server.child.exitCode}:\n${server.output()}`);
    }
    try {
      const answer = await httpRequest(server.url, { path: options.path ?? '/', timeoutMs: 1000 });
      if (answer.status === 200 || options.anyStatus) return performance.now() - startedAt;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      throw new Error(
        `server not ready after ${options.timeoutMs ?? 30_000} ms:\n${server.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Resident set size of a process and its descendants in MiB (VmRSS summed), or null
 * when it cannot be read.
 * @param {number} pid
 * @returns {number | null}
 */
function rssMiB(pid) {
  let total = null;
  for (const member of processTree(pid)) {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${member}/status`, 'utf8'));
      if (match) total = (total ?? 0) + Number(match[1]) / 1024;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/**
 * A process and its descendants (a server with `workers` > 1 is a primary and its
 * worker processes), read from /proc/<pid>/task/<tid>/children.
 * @param {number} pid
 * @returns {number[]}
 */
function processTree(pid) {
  /** @type {number[]} */
  const tree = [];
  /** @type {number[]} */
  const pending = [pid];
  while (pending.length > 0) {
    const next = /** @type {number} */ (pending.pop());
    tree.push(next);
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${next}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${next}/task/${task}/children`, 'utf8');
        for (const child of children.trim().split(/\s+/)) if (child) pending.push(Number(child));
      } catch {
        // task ended meanwhile
      }
    }
  }
  return tree;
}

/**
 * Samples a process's RSS every `intervalMs` until stopped; returns the peak.
 * @param {number} pid
 * @param {number} [intervalMs]
 * @returns {{ stop: () => number | null }}
 */
function sampleRss(pid, intervalMs = 100) {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    const now = rssMiB(pid);
    if (now !== null && (peak === null || now > peak)) peak = now;
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      const now = rssMiB(pid);
      if (now !== null && (peak === null || now > peak)) peak = now;
      return peak;
    },
  };
}

module.exports = { spawnNode, waitUntilReady, rssMiB, sampleRss, processTree };
