'use strict';
/*
 * What a bench run must undo however it ends (servers, the temp dir, a throwaway
 * database): steps run last-added first; a failing step is logged and the others still run.
 */

/**
 * @param {(line: string) => void} log
 * @returns {{ add: (step: () => Promise<unknown>) => void, run: () => Promise<void> }}
 */
function cleanupStack(log) {
  /** @type {(() => Promise<unknown>)[]} */
  const steps = [];
  return {
    add: (step) => {
      steps.push(step);
    },
    run: async () => {
      while (steps.length > 0) {
        const step = steps.pop();
        try {
          await step?.();
        } catch (error) {
          log(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    },
  };
}

module.exports = { cleanupStack };
