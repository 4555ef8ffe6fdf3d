import { RowsByKey } from './rows-by-key';

interface Row {
  readonly id: number;
  readonly name: string;
  readonly port: number;
}

const byName = (rows: Row[]) => new RowsByKey<Row>((row) => row.name, rows);

describe('RowsByKey', () => {
  it('finds the first row in id order, whatever order the rows came in', () => {
    const rows = byName([
      { id: 7, name: 'imap', port: 993 },
      { id: 3, name: 'imap', port: 993 },
      { id: 5, name: 'imap', port: 143 },
    ]);
    expect(rows.find('imap')?.id).toBe(3);
    expect(rows.find('imap', (row) => row.port === 143)?.id).toBe(5);
    expect(rows.find('imap', (row) => row.port === 25)).toBeUndefined();
  });

  it('compares keys exactly (the database may have returned other cases or accents)', () => {
    const rows = byName([
      { id: 1, name: 'IMAP', port: 993 },
      { id: 2, name: 'imap ', port: 993 },
      { id: 3, name: 'ïmap', port: 993 },
    ]);
    expect(rows.find('imap')).toBeUndefined();
    expect(rows.find('IMAP')?.id).toBe(1);
  });

  it('finds rows added later, after the rows read', () => {
    const rows = byName([{ id: 4, name: 'smtp', port: 587 }]);
    rows.add({ id: 9, name: 'smtp', port: 465 });
    rows.add({ id: 10, name: 'pop', port: 995 });
    expect(rows.find('smtp', (row) => row.port === 465)?.id).toBe(9);
    expect(rows.find('smtp')?.id).toBe(4);
    expect(rows.find('pop')?.id).toBe(10);
  });
});
