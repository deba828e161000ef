/** The most code points a key keeps: with the row's other key columns, an index entry stays within PostgreSQL's limit. */
export const READING_ORDER_KEY_MAX = 500;

/**
 * Diacritics that decomposition splits off a letter (é = e + U+0301): the combining diacritical mark blocks. Other
 * combining marks are left alone: Indic vowel signs and the like are letters to their readers, not accents.
 */
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/gu;

/**
 * Latin letters Unicode does not decompose that readers take as a base letter with a stroke, or as two letters (the
 * Unicode Collation Algorithm's first level reads them the same way).
 */
const UNDECOMPOSED: Record<string, string> = { ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ŧ: 't', æ: 'ae', œ: 'oe' };
const UNDECOMPOSED_LETTERS = new RegExp(`[${Object.keys(UNDECOMPOSED).join('')}]`, 'gu');

/**
 * The key that puts texts in the order a person reads them when keys are compared code point by code point
 * (PostgreSQL's `"C"` collation): case and accents set aside. The same on every PostgreSQL
 * (no ICU collation, no `unaccent` extension needed, so also on the embedded PGlite) and in every locale.
 *
 * The rule: compatibility decomposition (NFKD: ligatures and full-width forms become plain letters), case folded
 * (upper case, then lower case, locale-independent: `ß` reads as `ss`, `ς` as `σ`), the diacritics decomposition
 * split off removed, ł ø đ ħ ŧ read as l o d h t and æ œ as ae oe, composed again (NFC), cut to
 * {@link READING_ORDER_KEY_MAX} code points. Texts with equal keys (`Apple`, `apple`) need a tie-break of their own.
 *
 * @example
 * readingOrderKey('Éclair'); // 'eclair'
 * ['t1', 'Buy milk', 'écrire'].sort((a, b) => compareText(readingOrderKey(a), readingOrderKey(b))); // ['Buy milk', 'écrire', 't1']
 */
export function readingOrderKey(text: string): string {
  const folded = text
    .normalize('NFKD')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKD')
    .replace(DIACRITICS, '')
    .replace(UNDECOMPOSED_LETTERS, (letter) => UNDECOMPOSED[letter]!)
    .normalize('NFC');
  const codePoints = Array.from(folded);
  return codePoints.length > READING_ORDER_KEY_MAX ? codePoints.slice(0, READING_ORDER_KEY_MAX).join('') : folded;
}
