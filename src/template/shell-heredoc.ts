/** A heredoc announced by `<<WORD` / `<<-WORD`, whose body starts on the next line. */
export interface Heredoc {
  delimiter: string;
  /** Any quote or backslash in WORD: the body is literal (no expansion at all). */
  quoted: boolean;
  /** `<<-`: leading tabs are stripped from body lines, including the delimiter line. */
  stripTabs: boolean;
}

const WORD_END = /[\s;&|<>()]/;

/**
 * Reads the heredoc operator that starts at `text[at]` (`<<`); returns the heredoc (undefined
 * when no word follows) and the index of its last character.
 */
export function readHeredoc(text: string, at: number): { heredoc?: Heredoc; last: number } {
  let j = at + 2;
  const stripTabs = text[j] === '-';
  if (stripTabs) j++;
  while (text[j] === ' ' || text[j] === '\t') j++;
  let delimiter = '';
  let quoted = false;
  while (j < text.length && !WORD_END.test(text[j]!)) {
    const c = text[j]!;
    if (c === "'" || c === '"') {
      quoted = true;
      const end = text.indexOf(c, j + 1);
      const stop = end < 0 ? text.length : end;
      delimiter += text.slice(j + 1, stop);
      j = stop + 1;
    } else if (c === '\\') {
      quoted = true;
      delimiter += text[j + 1] ?? '';
      j += 2;
    } else {
      delimiter += c;
      j++;
    }
  }
  return { heredoc: delimiter === '' ? undefined : { delimiter, quoted, stripTabs }, last: j - 1 };
}
