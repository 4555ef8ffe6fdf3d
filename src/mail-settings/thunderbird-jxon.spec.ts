import { jxonText, jxonValue } from './thunderbird-jxon';

describe('jxonValue', () => {
  it.each<[string, boolean | number | string]>([
    ['', true],
    ['true', true],
    ['FALSE', false],
    ['0815', 815],
    ['1.50', 1.5],
    ['1e3', 1000],
    ['0x10', 0],
    [' 42 ', 42],
    ['  ', NaN],
    ['\n', NaN],
    ['Infinity', 'Infinity'],
    ['alice', 'alice'],
    [' alice ', ' alice '],
    ['12abc', '12abc'],
  ])('%p → %p', (text, expected) => {
    expect(jxonValue(text)).toEqual(expected);
  });
});

describe('jxonText', () => {
  it.each([
    ['', 'true'],
    ['  ', 'NaN'],
    ['007', '7'],
    ['0815', '815'],
    ['1.50', '1.5'],
    ['FALSE', 'false'],
    ['alice@example.org', 'alice@example.org'],
    ['%EMAILADDRESS%', '%EMAILADDRESS%'],
  ])('%p → %p', (text, expected) => {
    expect(jxonText(text)).toBe(expected);
  });
});
