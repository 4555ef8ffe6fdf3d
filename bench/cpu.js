'use strict';
/*
 * CPU accounting from /proc (Linux), to say how much of the machine a measurement really
 * had: the server's own CPU, the harness's (this process and its reaped children, i.e.
 * wrk), the database server processes, and everything else ("other": concurrent work on a
 * shared machine, which makes the numbers noisy). Ticks are USER_HZ = 100 on Linux.
 */
const { readFileSync, readdirSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

const TICKS_PER_SECOND = 100;
const DATABASE_COMMANDS = new Set(['postgres', 'mariadbd', 'mysqld']);

/** @returns {number} busy ticks of the whole machine (all CPUs) */
function machineBusyTicks() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [user, nice, system, , , irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  } catch {
    return 0;
  }
}

/**
 * utime + stime (and with `children`, cutime + cstime of reaped children) of a process.
 * @param {number | 'self'} pid
 * @param {boolean} [children]
 * @returns {{ ticks: number, comm: string } | null}
 */
function processTicks(pid, children = false) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text
      .slice(close + 2)
      .split(' ')
      .map(Number);
    // fields[0] is field 3 (state): utime = 14, stime = 15, cutime = 16, cstime = 17.
    const own = (fields[11] ?? 0) + (fields[12] ?? 0);
    return { ticks: children ? own + (fields[13] ?? 0) + (fields[14] ?? 0) : own, comm };
  } catch {
    return null;
  }
}

/** @returns {Map<number, number>} ticks per database-server process */
function databaseTicks() {
  /** @type {Map<number, number>} */
  const ticks = new Map();
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return ticks;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const info = processTicks(Number(entry));
    if (info && DATABASE_COMMANDS.has(info.comm)) ticks.set(Number(entry), info.ticks);
  }
  return ticks;
}

/**
 * @typedef {object} CpuShares  average cores used during the window
 * @property {number} elapsedS
 * @property {number} machine
 * @property {number} server
 * @property {number} harness   this process and its finished children (wrk)
 * @property {number} database
 * @property {number} other     machine − server − harness − database (≥ 0)
 */

/**
 * Starts a measurement window.
 * @param {readonly number[]} serverPids  processes under test (their CPU is "server")
 * @returns {{ stop: () => CpuShares }}
 */
function cpuWindow(serverPids) {
  const started = performance.now();
  const machine0 = machineBusyTicks();
  const self0 = processTicks('self', true)?.ticks ?? 0;
  const servers0 = serverPids.map((pid) => processTicks(pid)?.ticks ?? 0);
  const db0 = databaseTicks();
  return {
    stop: () => {
      const elapsedS = (performance.now() - started) / 1000;
      const cores = (/** @type {number} */ ticks) =>
        elapsedS > 0 ? ticks / TICKS_PER_SECOND / elapsedS : 0;
      const machine = cores(machineBusyTicks() - machine0);
      const harness = cores((processTicks('self', true)?.ticks ?? 0) - self0);
      const server = cores(
        serverPids.reduce(
          (sum, pid, i) => sum + (processTicks(pid)?.ticks ?? 0) - (servers0[i] ?? 0),
          0,
        ),
      );
      let dbTicks = 0;
      for (const [pid, ticks] of databaseTicks()) dbTicks += ticks - (db0.get(pid) ?? 0);
      const database = cores(dbTicks);
      const other = Math.max(0, machine - server - harness - database);
      return { elapsedS, machine, server, harness, database, other };
    },
  };
}

/**
 * Waits (up to maxS seconds) until the machine is quiet: busy below `threshold` cores over
 * a one-second window. Returns how long it waited and the last window's busy cores.
 * @param {number} maxS
 * @param {number} threshold
 * @returns {Promise<{ waitedS: number, busyCores: number }>}
 */
async function waitForQuiet(maxS, threshold) {
  const started = performance.now();
  let busyCores = 0;
  for (;;) {
    const window = cpuWindow([]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    busyCores = window.stop().machine;
    const waitedS = (performance.now() - started) / 1000;
    if (busyCores < threshold || waitedS >= maxS) return { waitedS, busyCores };
  }
}

module.exports = { cpuWindow, waitForQuiet };
