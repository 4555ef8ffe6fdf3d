import { preconditionHolds, sharedEtag } from './admin-store';
import { etagOf } from './etag';

describe('preconditionHolds', () => {
  const current = '"abc"';

  it('holds without a precondition, whether the resource exists or not', () => {
    expect(preconditionHolds({}, current)).toBe(true);
    expect(preconditionHolds({}, null)).toBe(true);
  });

  it('If-Match: holds for the current tag (also weak) or *, never for a missing resource', () => {
    expect(preconditionHolds({ ifMatch: ['"x"', current] }, current)).toBe(true);
    expect(preconditionHolds({ ifMatch: [`W/${current}`] }, current)).toBe(true);
    expect(preconditionHolds({ ifMatch: ['*'] }, current)).toBe(true);
    expect(preconditionHolds({ ifMatch: ['"x"'] }, current)).toBe(false);
    expect(preconditionHolds({ ifMatch: [] }, current)).toBe(false);
    expect(preconditionHolds({ ifMatch: ['*'] }, null)).toBe(false);
  });

  it('If-None-Match: * holds only while the resource does not exist', () => {
    expect(preconditionHolds({ ifNoneMatch: '*' }, null)).toBe(true);
    expect(preconditionHolds({ ifNoneMatch: '*' }, current)).toBe(false);
  });
});

describe('sharedEtag', () => {
  it('is the ETag of the view without domain_count', () => {
    const row = { id: 1, name: 'P', short_name: 'S' };
    expect(sharedEtag({ ...row, domain_count: 5 })).toBe(etagOf(row));
    expect(sharedEtag({ ...row, domain_count: 6 })).toBe(sharedEtag({ ...row, domain_count: 5 }));
    expect(sharedEtag({ ...row, name: 'Q', domain_count: 5 })).not.toBe(etagOf(row));
  });
});
