import fc from 'fast-check';
import { create } from 'xmlbuilder2';
import {
  DocumentTemplate,
  isVerbatimText,
  slotMarker,
  TemplateCache,
  type SlotValues,
} from './document-template';

/** A small xmlbuilder2 document with a value used twice and one used once. */
function render(value: SlotValues): string {
  const root = create().ele('doc');
  root.ele('a').txt(value('name'));
  root.ele('b').txt(`${value('name')} (${value('id')})`);
  return root.end({ headless: true });
}

function values(map: Record<string, string>): SlotValues {
  return (name) => {
    const value = map[name];
    if (value === undefined) throw new RangeError(name);
    return value;
  };
}

describe('isVerbatimText', () => {
  it.each(['user@example.com', 'Jo+Doe', 'ü.ß@bücher.de', '%EMAILADDRESS%', "o'neil", 'a"b', ''])(
    'accepts %j',
    (text) => expect(isVerbatimText(text)).toBe(true),
  );

  it.each([
    'a&b',
    'a<b',
    'a>b',
    'a\rb',
    'a\nb',
    'a\tb',
    '\u0000',
    '\u0085',
    '\uE000',
    '\uFFFE',
    '😀',
  ])('refuses %j', (text) => expect(isVerbatimText(text)).toBe(false));

  it('accepts only text that xmlbuilder2 writes unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        if (!isVerbatimText(text)) return;
        expect(create().ele('t').txt(text).end({ headless: true })).toBe(`<t>${text}</t>`);
      }),
    );
  });
});

describe(DocumentTemplate.name, () => {
  it('splits a marker rendering into parts and slots', () => {
    const template = DocumentTemplate.parse(render(slotMarker));
    expect(template?.slotNames).toEqual(['name', 'id']);
    expect(template?.fill(values({ name: 'x', id: '7' }))).toBe('<doc><a>x</a><b>x (7)</b></doc>');
  });

  it('asks for each value once however often it occurs', () => {
    const template = DocumentTemplate.parse(render(slotMarker));
    let calls = 0;
    template?.fill((name) => `${name}${calls++}`);
    expect(calls).toBe(2);
  });

  it('fails to fill with text that would need escaping', () => {
    const template = DocumentTemplate.parse(render(slotMarker));
    expect(template?.fill(values({ name: 'a&b', id: '1' }))).toBeNull();
  });

  it('is null when a marker was damaged', () => {
    const lowerCased = (value: SlotValues) => render((name) => value(name).toLowerCase());
    expect(DocumentTemplate.parse(lowerCased(slotMarker))).toBeNull();
    const cut = render(slotMarker).slice(0, -20);
    expect(DocumentTemplate.parse(cut)).toBeNull();
  });

  it('refuses slot names outside letters, digits and "-"', () => {
    expect(() => slotMarker('a b')).toThrow(RangeError);
    expect(() => slotMarker('')).toThrow(RangeError);
  });

  describe('compile', () => {
    it('keeps a template that reproduces the direct rendering', () => {
      const compiled = DocumentTemplate.compile(render, values({ name: 'n', id: '1' }));
      expect(compiled.document).toBe('<doc><a>n</a><b>n (1)</b></doc>');
      expect(compiled.template).toBeInstanceOf(DocumentTemplate);
    });

    it('refuses a renderer that changes a value (hashes, lower-cases)', () => {
      const hashing = (value: SlotValues) =>
        create()
          .ele('d')
          .txt(String(value('name').length))
          .end({ headless: true });
      expect(DocumentTemplate.compile(hashing, values({ name: 'abc' })).template).toBeNull();
      const lowering = (value: SlotValues) => render((name) => value(name).toLowerCase());
      const compiled = DocumentTemplate.compile(lowering, values({ name: 'ABC', id: '1' }));
      expect(compiled.template).toBeNull();
      expect(compiled.document).toBe('<doc><a>abc</a><b>abc (1)</b></doc>');
    });

    it('cannot tell from values that are not verbatim text', () => {
      const compiled = DocumentTemplate.compile(render, values({ name: 'a&b', id: '1' }));
      expect(compiled.template).toBeUndefined();
      expect(compiled.document).toBe('<doc><a>a&amp;b</a><b>a&amp;b (1)</b></doc>');
    });
  });
});

describe(TemplateCache.name, () => {
  it('renders once per key with markers, then fills; same bytes as direct rendering', () => {
    const cache = new TemplateCache<object>();
    const key = {};
    let renders = 0;
    let compiled = false;
    const counting = (value: SlotValues) => {
      renders++;
      return render(value);
    };
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), (name, id) => {
        const given = values({ name, id });
        const before = renders;
        expect(cache.render(key, counting, given)).toBe(render(given));
        if (!isVerbatimText(name) || !isVerbatimText(id)) return;
        expect(renders - before).toBe(compiled ? 0 : 2);
        compiled = true;
      }),
    );
  });

  it('renders directly for a key whose renderer changes values, and remembers it', () => {
    const cache = new TemplateCache<object>();
    const key = {};
    let renders = 0;
    const lowering = (value: SlotValues) => {
      renders++;
      return render((name) => value(name).toLowerCase());
    };
    expect(cache.render(key, lowering, values({ name: 'A', id: '1' }))).toBe(
      '<doc><a>a</a><b>a (1)</b></doc>',
    );
    expect(cache.render(key, lowering, values({ name: 'B', id: '2' }))).toBe(
      '<doc><a>b</a><b>b (2)</b></doc>',
    );
    expect(renders).toBe(3);
  });

  it('compiles again after a first request that could not tell', () => {
    const cache = new TemplateCache<object>();
    const key = {};
    expect(cache.render(key, render, values({ name: '<', id: '1' }))).toBe(
      '<doc><a>&lt;</a><b>&lt; (1)</b></doc>',
    );
    expect(cache.render(key, render, values({ name: 'ok', id: '2' }))).toBe(
      '<doc><a>ok</a><b>ok (2)</b></doc>',
    );
    expect(cache.render(key, render, values({ name: 'ok2', id: '3' }))).toBe(
      '<doc><a>ok2</a><b>ok2 (3)</b></doc>',
    );
  });
});
