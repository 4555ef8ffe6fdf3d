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

module.exports = { UsageError, integerOption, dbOption, adapterOption, setOptions };
