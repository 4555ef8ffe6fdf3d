import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past the live data before the next full
 * collection: (1 + percent / 100) times the live size. V8's own factor goes up to 4
 * for a fast collector, so under load the heap filled with short-lived request
 * garbage to about 150 MB before a collection (RSS peaks of 240-290 MiB); at 50 % it
 * stays within about 1.5 times the live data, for the same CPU time per request
 * (bench/RESULTS.md). It is a growth factor, not a limit: a larger live set (a big
 * /initdb/ document) still gets the memory it needs.
 */
export const HEAP_GROWING_PERCENT = 50;

const FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/**
 * Sets the factor for this process unless it was started with its own
 * `--heap-growing-percent` (the flag cannot go into NODE_OPTIONS, only on the node
 * command line). V8 reads it at every full collection, so setting it at start-up
 * takes effect. Returns whether it was set.
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => FLAG.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
