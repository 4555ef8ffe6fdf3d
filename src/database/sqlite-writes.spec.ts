import { WriteQueue } from './sqlite-writes';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('WriteQueue', () => {
  it('runs one writer at a time, in the order they came', async () => {
    const queue = new WriteQueue();
    const events: string[] = [];
    const writer = (name: string) =>
      queue.run(async () => {
        events.push(`${name} starts`);
        await tick();
        events.push(`${name} ends`);
        return name;
      });
    expect(await Promise.all([writer('a'), writer('b'), writer('c')])).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
  });

  it('goes on after a writer fails, which gets its own error', async () => {
    const queue = new WriteQueue();
    const failed = queue.run(() => Promise.reject(new Error('refused')));
    const next = queue.run(() => Promise.resolve('next'));
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('next');
  });

  it('says whether a writer is queued or running; idle() waits for all of them', async () => {
    const queue = new WriteQueue();
    expect(queue.busy).toBe(false);
    await queue.idle();
    let done = 0;
    void queue.run(async () => {
      await tick();
      done += 1;
    });
    void queue.run(async () => {
      await tick();
      done += 1;
    });
    expect(queue.busy).toBe(true);
    await queue.idle();
    expect(done).toBe(2);
    expect(queue.busy).toBe(false);
  });
});
