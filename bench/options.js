'use strict';
/** Command-line option checks shared by bench/run.js and bench/soak.js. */

class UsageError extends Error {}

/**
 * @param {string} name option name without dashes
 * @param {string | undefined} text
 * @param {number} [min]
 * @returns {number}
 */
function integerOption(name, text, min = 1) {
  const n = Number(text);
  if (!/^\d+$/.test(text ?? '') || n < min) {
    throw new UsageError(`--${name}: expected an integer ≥ ${min}`);
  }
  return n;
}

/**
 * @param {string | undefined} value
 * @param {'sqlite' | 'postgres' | 'mysql'} fallback
 * @returns {import('./databases').BenchDialect}
 */
function dbOption(value, fallback) {
  const db = value ?? fallback;
  if (db !== 'sqlite' && db !== 'postgres' && db !== 'mysql') {
    throw new UsageError('--db: sqlite, postgres or mysql');
  }
  return db;
}

/**
 * @param {string | undefined} value
 * @returns {string}
 */
function adapterOption(value) {
  const adapter = value ?? 'fastify';
  if (!['fastify', 'express'].includes(adapter)) {
    throw new UsageError('--adapter: fastify or express');
  }
  return adapter;
}

/**
 * @param {string[] | undefined} pairs values of repeated `--set key=value`
 * @returns {string[]}
 */
function setOptions(pairs) {
  return (pairs ?? []).map((pair) => {
    if (!/^[a-z_]+=.*$/.test(pair)) throw new UsageError(`--set ${pair}: expected key=value`);
    return pair;
  });
}

/**
 * The options `parse` reads from `argv`, or null when the run should stop: on a usage
 * error (the usage and the error on stderr, exit code 2) or for `--help` (the usage on
 * stdout). `parse` returns an object with a `help` flag.
 * @template {{ help: boolean }} T
 * @param {(argv: string[]) => T} parse
 * @param {string[]} argv
 * @param {string} usage
 * @returns {T | null}
 */
function optionsOrUsage(parse, argv, usage) {
  let options;
  try {
    options = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    process.stderr.write(`${usage}\n\n${error.message}\n`);
    process.exitCode = 2;
    return null;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return null;
  }
  return options;
}

module.exports = {
  UsageError,
  integerOption,
  dbOption,
  adapterOption,
  setOptions,
  optionsOrUsage,
};
