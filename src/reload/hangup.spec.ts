import { EventEmitter } from 'node:events';
import { Hangups } from './hangup';

describe(Hangups.name, () => {
  it('remembers a SIGHUP that came before the handler and runs it once it is set', () => {
    const process = new EventEmitter();
    const hangups = new Hangups(process);
    process.emit('SIGHUP');
    process.emit('SIGHUP');
    const calls: string[] = [];
    hangups.handleWith(() => calls.push('reload'));
    expect(calls).toEqual(['reload']);
    process.emit('SIGHUP');
    expect(calls).toEqual(['reload', 'reload']);
  });

  it('does nothing at hand-over without an earlier SIGHUP', () => {
    const process = new EventEmitter();
    const calls: string[] = [];
    new Hangups(process).handleWith(() => calls.push('reload'));
    expect(calls).toEqual([]);
  });
});
