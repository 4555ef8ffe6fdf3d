import { DomainError } from '../common/domain-error';
import { explainRejection } from './rejection';

/** A driver error as the drivers make them: a message and a code. */
const driverError = (code: string, message: string) => Object.assign(new Error(message), { code });

async function failure(work: () => Promise<unknown>, field?: string): Promise<unknown> {
  return explainRejection(work, field).then(
    () => {
      throw new Error('did not fail');
    },
    (error: unknown) => error,
  );
}

describe('explainRejection', () => {
  it('turns a constraint error into INVALID_SEED with the first line of its reason', async () => {
    const error = await failure(() =>
      Promise.reject(
        driverError('23505', 'duplicate key value violates unique constraint "uq"\nDETAIL: Key'),
      ),
    );
    expect(error).toEqual(
      new DomainError(
        'INVALID_SEED',
        'the database rejected the data: duplicate key value violates unique constraint "uq"',
      ),
    );
  });

  it('writes a `field: problem` line when given a field, and shortens long reasons', async () => {
    const error = (await failure(
      () => Promise.reject(driverError('ER_DUP_ENTRY', `Duplicate entry '${'x'.repeat(300)}'`)),
      'document',
    )) as DomainError;
    expect(error.code).toBe('INVALID_SEED');
    expect(error.message).toMatch(
      /^document: the database rejected the data: Duplicate entry 'x+…$/,
    );
    expect(error.message.length).toBeLessThan(260);
  });

  it('passes connection trouble, missing tables and domain errors on unchanged', async () => {
    for (const original of [
      driverError('ECONNREFUSED', 'connect ECONNREFUSED'),
      driverError('42P01', 'relation "domain" does not exist'),
      new DomainError('BACKEND_UNAVAILABLE', 'Database busy, try again later'),
      new TypeError('a bug'),
    ]) {
      expect(await failure(() => Promise.reject(original))).toBe(original);
    }
  });

  it('returns what the work returns', async () => {
    await expect(explainRejection(() => Promise.resolve(42))).resolves.toBe(42);
  });
});
