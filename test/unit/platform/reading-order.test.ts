import { describe, expect, it } from 'vitest';
import { READING_ORDER_KEY_MAX, readingOrderKey } from '../../../src/platform/text/reading-order.js';

/** Code point order, as PostgreSQL's "C" collation compares the keys. */
const byKey = (a: string, b: string) => Buffer.compare(Buffer.from(readingOrderKey(a)), Buffer.from(readingOrderKey(b)));

describe('readingOrderKey', () => {
  it('when titles differ in case, then their keys are equal', () => {
    expect(readingOrderKey('Buy Milk')).toBe(readingOrderKey('buy milk'));
    expect(readingOrderKey('ZEBRA')).toBe('zebra');
  });

  it('when titles differ in accents, then their keys are equal (é, č, ů, ñ, å, İ read as their base letters)', () => {
    expect(['Éclair', 'Čeština', 'Kůň', 'Año', 'Ångström', 'İstanbul'].map(readingOrderKey)).toEqual(['eclair', 'cestina', 'kun', 'ano', 'angstrom', 'istanbul']);
  });

  it('when a letter does not decompose but reads as a base letter or two (ł ø đ æ œ ß), then the key spells it that way', () => {
    expect(['Łódź', 'Ørsted', 'Đakovo', 'Æsop', 'Œuvre', 'Straße'].map(readingOrderKey)).toEqual(['lodz', 'orsted', 'dakovo', 'aesop', 'oeuvre', 'strasse']);
  });

  it('when a title uses compatibility forms (ligatures, full-width letters), then the key uses the plain letters', () => {
    expect(readingOrderKey('ﬁle ＡＢＣ')).toBe('file abc');
  });

  it('when a script writes vowels as combining signs or syllables as jamo, then the key keeps them (only diacritics go)', () => {
    expect(readingOrderKey('किताब')).toBe('किताब');
    expect(readingOrderKey('한국어')).toBe('한국어');
    expect(readingOrderKey('がっこう')).toBe('がっこう');
  });

  it('when the issue\'s titles are sorted by key, then they come as a person reads them', () => {
    expect(['t1', 'Buy milk', 'Write the plan', 'écrire', 'Zebra', 'apple', 'Éclair'].sort(byKey)).toEqual([
      'apple',
      'Buy milk',
      'Éclair',
      'écrire',
      't1',
      'Write the plan',
      'Zebra',
    ]);
  });

  it('when a title folds into more than the key may hold, then the key is cut at a code point boundary', () => {
    const key = readingOrderKey('ß'.repeat(300) + '😀'.repeat(10));
    expect(Array.from(key)).toHaveLength(READING_ORDER_KEY_MAX);
    expect(readingOrderKey('a'.repeat(499) + '😀😀')).toBe('a'.repeat(499) + '😀');
  });
});
