import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const MiB = 1024 * 1024;

let collect: (() => void) | null = null;

/**
 * A full, synchronous garbage collection. V8's `gc()` is exposed to a fresh context once
 * the flag is set, so this works without starting Node (or Jest) with `--expose-gc`.
 */
function collectGarbage(): void {
  if (collect === null) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}

/**
 * The used heap after full collections, once it has settled: a collection every 20 ms
 * (each in a new turn of the event loop: objects a WeakRef handed out stay alive until the
 * turn ends) until three readings in a row agree within 256 KiB. Memory that another test
 * file left behind can still be let go while this one starts; one reading would count it.
 */
async function settledHeapBytes(): Promise<number> {
  const readings: number[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    collectGarbage();
    readings.push(getHeapStatistics().used_heap_size);
    const last = readings.slice(-3);
    if (last.length === 3 && Math.max(...last) - Math.min(...last) < 256 * 1024) break;
  }
  return readings.at(-1) ?? 0;
}

/** Where a measured value is held until the heap has been measured. */
const held: unknown[] = [];

/**
 * Heap bytes that the value `produce` returns (or resolves to) keeps alive: the settled
 * used heap with the value held, minus the settled used heap before it was made.
 */
export async function retainedBytes(produce: () => unknown): Promise<number> {
  const before = await settledHeapBytes();
  held.push(await produce());
  const after = await settledHeapBytes();
  held.length = 0;
  return after - before;
}
