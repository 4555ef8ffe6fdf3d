import { IN_LIST_SIZE, inLists } from './in-lists';

describe('inLists', () => {
  it('gives no list for no values, so no statement is run', () => {
    expect(inLists([])).toEqual([]);
  });

  it('drops repeats, keeping the first occurrence, then cuts', () => {
    expect(inLists(['b', 'a', 'b', 'c', 'a', 'd'], 2)).toEqual([
      ['b', 'a'],
      ['c', 'd'],
    ]);
  });

  it('cuts at IN_LIST_SIZE by default, the last list holding the rest', () => {
    const values = Array.from({ length: IN_LIST_SIZE * 2 + 1 }, (_, i) => i);
    const lists = inLists(values);
    expect(lists.map((list) => list.length)).toEqual([IN_LIST_SIZE, IN_LIST_SIZE, 1]);
    expect(lists.flat()).toEqual(values);
  });

  it('refuses a size that would never end or make empty lists', () => {
    expect(() => inLists([1], 0)).toThrow(RangeError);
    expect(() => inLists([1], 1.5)).toThrow(RangeError);
  });
});
