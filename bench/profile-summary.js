'use strict';
/*
 * Top frames of a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): self time by
 * function and by package, and total (inclusive) time by function, as shares of the busy
 * samples. bench/run.js passes the measured windows so start-up and idle time between
 * runs do not dilute the picture.
 *
 * Usage: node bench/profile-summary.js <file.cpuprofile> [top]
 */
const { readFileSync } = require('node:fs');

/**
 * @typedef {object} ProfileNode
 * @property {number} id
 * @property {{ functionName: string, url: string, lineNumber: number }} callFrame
 * @property {number} [hitCount]
 * @property {number[]} [children]
 */

/**
 * @typedef {object} CpuProfile
 * @property {ProfileNode[]} nodes
 * @property {number} startTime  µs
 * @property {number} endTime    µs
 * @property {number[]} samples  node ids
 * @property {number[]} timeDeltas  µs
 */

/**
 * Where a script belongs: a package, our code in dist/, Node internals, or V8 itself.
 * @param {string} url
 * @param {string} functionName
 * @returns {string}
 */
function area(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? url;
  const ours = /\/dist\/(?:src\/)?([^/]+)\//.exec(url);
  if (ours) return `app: ${ours[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

/**
 * @param {ProfileNode} node
 * @returns {string}
 */
function frameKey(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const short = url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'}  ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
}

/**
 * @param {string} file
 * @param {{ top?: number, windowsMs?: readonly { from: number, to: number }[] }} [options]
 *   windowsMs: time ranges in ms since the profile started; only their samples count
 * @returns {string} a plain-text summary
 */
function summarise(file, options = {}) {
  const top = options.top ?? 25;
  /** @type {CpuProfile} */
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  /** @type {Map<string, number>} */
  const self = new Map();
  /** @type {Map<string, number>} */
  const inclusive = new Map();
  /** @type {Map<string, number>} */
  const byArea = new Map();
  let busy = 0;
  let idle = 0;
  let t = 0;
  const inWindow = (/** @type {number} */ ms) =>
    !options.windowsMs || options.windowsMs.some((w) => ms >= w.from && ms <= w.to);
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (!inWindow(t / 1000)) return;
    const node = byId.get(id);
    if (!node) return;
    if (node.callFrame.functionName === '(idle)') {
      idle++;
      return;
    }
    busy++;
    const key = frameKey(node);
    self.set(key, (self.get(key) ?? 0) + 1);
    const group = area(node.callFrame.url, node.callFrame.functionName);
    byArea.set(group, (byArea.get(group) ?? 0) + 1);
    /** @type {Set<string>} */
    const seen = new Set();
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame || frame.callFrame.functionName === '(root)') continue;
      const k = frameKey(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + 1);
    }
  });
  const pct = (/** @type {number} */ n) =>
    `${((n / Math.max(busy, 1)) * 100).toFixed(1)}%`.padStart(6);
  const sorted = (/** @type {Map<string, number>} */ map, /** @type {number} */ n) =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  const lines = [
    `${file}`,
    `${busy + idle} samples${options.windowsMs ? ' in the measured windows' : ''}, ${((busy / Math.max(busy + idle, 1)) * 100).toFixed(0)}% busy`,
    '',
    `top ${top} frames by self time (share of busy samples):`,
    ...sorted(self, top).map(([key, hits]) => `${pct(hits)}  ${key}`),
    '',
    'self time by package / area:',
    ...sorted(byArea, top).map(([key, hits]) => `${pct(hits)}  ${key}`),
    '',
    `top ${top * 2} frames by total (inclusive) time:`,
    ...sorted(inclusive, top * 2).map(([key, hits]) => `${pct(hits)}  ${key}`),
  ];
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/profile-summary.js <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(summarise(file, { top: top ? Number(top) : undefined }));
}

module.exports = { summarise };
