import { randomUUID } from 'node:crypto';
import {
  CHANGE_CHANNEL,
  changePayload,
  changeSender,
  DATA_CHANGED_MESSAGE,
  isDataChangedMessage,
  isOwnEcho,
} from './change-broadcast';

describe('change notification payloads', () => {
  const me = randomUUID();
  const other = randomUUID();

  it('name their sender, and fit a PostgreSQL identifier channel', () => {
    expect(changeSender(changePayload(me))).toBe(me);
    expect(changePayload(me).length).toBeLessThan(100);
    expect(CHANGE_CHANNEL).toMatch(/^[a-z_][a-z0-9_]*$/);
  });

  it("tell a process's own echo from another process's change", () => {
    expect(isOwnEcho(changePayload(me), me)).toBe(true);
    expect(isOwnEcho(changePayload(other), me)).toBe(false);
  });

  it.each([
    ['no payload', undefined],
    ['an empty payload', ''],
    ['not JSON', 'hello'],
    ['a JSON string', JSON.stringify(me)],
    ['a JSON array', JSON.stringify([me])],
    ['null', 'null'],
    ['a number', '42'],
    ['no sender', '{}'],
    ['a sender of another type', '{"from": 42}'],
    ['a sender that is no instance id', '{"from": "x\\nERROR forged log line"}'],
    ['an upper-case id', JSON.stringify({ from: me.toUpperCase() })],
    ['a payload too long to be ours', JSON.stringify({ from: me, pad: 'x'.repeat(500) })],
  ])('name nobody with %s, which then counts as a change from elsewhere', (_what, payload) => {
    expect(changeSender(payload)).toBeNull();
    expect(isOwnEcho(payload, me)).toBe(false);
  });

  it('take the sender from an object with further fields (a later format)', () => {
    expect(changeSender(JSON.stringify({ from: other, tables: ['domain'] }))).toBe(other);
  });
});

describe('the cluster message announcing a change', () => {
  it('is recognised after a trip through IPC (serialised and parsed)', () => {
    expect(isDataChangedMessage(JSON.parse(JSON.stringify(DATA_CHANGED_MESSAGE)))).toBe(true);
  });

  it.each([undefined, null, 'data-changed', 42, [], {}, { automx2: 'other' }, { cmd: 'NODE_x' }])(
    'is not %p',
    (message) => {
      expect(isDataChangedMessage(message)).toBe(false);
    },
  );
});
