import { isErrorBody, placeProblems } from './problems';

describe('placeProblems', () => {
  it('puts problems of fields with an input beside the input, the rest in the list', () => {
    const placed = placeProblems({
      error: 'servers[0].port: out of range',
      field: 'servers[0].port',
      problems: [
        { field: 'servers[0].port', error: 'must be a port (1-65535)' },
        { field: 'provider.name', error: 'must not be empty' },
        { field: 'servers[1].prot', error: 'unknown field' },
        { field: 'servers', error: 'missing' },
      ],
    });
    expect([...placed.byInput]).toEqual([
      ['servers-0-port', 'must be a port (1-65535)'],
      ['provider-name', 'must not be empty'],
    ]);
    expect(placed.other).toEqual([
      { field: 'servers[1].prot', error: 'unknown field' },
      { field: 'servers', error: 'missing' },
    ]);
  });

  it('joins two problems of one input', () => {
    const placed = placeProblems({
      error: 'x',
      problems: [
        { field: 'servers[0].name', error: 'first' },
        { field: 'servers[0].name', error: 'second' },
      ],
    });
    expect(placed.byInput.get('servers-0-name')).toBe('first; second');
  });

  it('reads an answer without a problem list as one problem', () => {
    expect([...placeProblems({ error: 'too long', field: 'ldapserver.name' }).byInput]).toEqual([
      ['ldapserver-name', 'too long'],
    ]);
    expect(placeProblems({ error: 'document: expected a JSON object' }).other).toEqual([
      { error: 'document: expected a JSON object' },
    ]);
  });

  it('says how many problems the answer left out', () => {
    const placed = placeProblems({
      error: 'x',
      problems: [{ field: 'servers[0].name', error: 'must not be empty' }],
      problems_total: 150,
    });
    expect(placed.other).toEqual([{ error: 'and 149 more problems' }]);
  });
});

describe('isErrorBody', () => {
  it('accepts only an object with an error text', () => {
    expect(isErrorBody({ error: 'x' })).toBe(true);
    expect(isErrorBody({ error: 1 })).toBe(false);
    expect(isErrorBody(null)).toBe(false);
    expect(isErrorBody('error')).toBe(false);
  });
});
