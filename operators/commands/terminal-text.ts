// Stored text shown on a terminal. A label or a name may hold anything its writer put there; a control or format
// character (an escape sequence that colours or clears the screen, a newline that breaks a table, a bidirectional
// override that reorders a line) reaches the terminal as a visible escape, never as itself.

/** Control and format characters, and the line and paragraph separators. */
const UNSEEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** JavaScript's escapes for a character: `\n`, `\t`, `\u{1b}`. */
const escapeOf = (character: string): string =>
  ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[character] ?? `\\u{${character.codePointAt(0)!.toString(16)}}`;

/** Text for a table cell or a line: every unseen character escaped, and backslashes doubled so escapes read back. */
export const escapedText = (text: string): string => text.replace(/\\/g, '\\\\').replace(UNSEEN, escapeOf);

/**
 * JSON for a terminal: JSON.stringify escapes C0 controls already; C1 controls (U+0080..U+009F, which some terminals
 * obey), DEL, format characters and separators are escaped too. Outside strings there are none (its layout is spaces
 * and newlines), so the JSON stays the same value.
 */
export function terminalJson(value: unknown, indent?: number): string {
  const unicodeEscape = (character: string): string =>
    Array.from(
      { length: character.length },
      (_, unit) => `\\u${character.charCodeAt(unit).toString(16).padStart(4, '0')}`,
    ).join('');
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu, unicodeEscape);
}
