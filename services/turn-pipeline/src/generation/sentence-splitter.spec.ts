import { SentenceSplitter } from './sentence-splitter';

/** Feeds `pieces` one by one; returns the sentences in the order they were completed, the flushed rest last. */
function split(pieces: string[], options?: ConstructorParameters<typeof SentenceSplitter>[0]): { sentences: string[]; completedAt: number[] } {
  const splitter = new SentenceSplitter(options);
  const sentences: string[] = [];
  const completedAt: number[] = [];
  pieces.forEach((piece, index) => {
    for (const sentence of splitter.push(piece)) {
      sentences.push(sentence);
      completedAt.push(index);
    }
  });
  const rest = splitter.flush();
  if (rest) {
    sentences.push(rest);
    completedAt.push(pieces.length);
  }
  return { sentences, completedAt };
}

const words = (text: string) => text.match(/\S+\s*/g) ?? [];
const chars = (text: string) => [...text];

describe('SentenceSplitter', () => {
  it('ends sentences at . ! ? … followed by whitespace, as soon as the whitespace arrives', () => {
    const text = 'Hi, this is Dana. I have fifteen minutes! What do you want? Well… let us see';
    const { sentences, completedAt } = split(words(text));
    expect(sentences).toEqual(['Hi, this is Dana.', 'I have fifteen minutes!', 'What do you want?', 'Well…', 'let us see']);
    // "Dana. " is the 4th word: the first sentence is complete there, long before the reply ends.
    expect(completedAt[0]).toBe(3);
  });

  it('gives the same sentences however the text is cut into deltas', () => {
    const text = 'Mr. Smith paid $3.5 million, e.g. for the U.S. office. Dr. J. Doe agreed. "Really?" she asked. Fine';
    const expected = ['Mr. Smith paid $3.5 million, e.g. for the U.S. office.', 'Dr. J. Doe agreed.', '"Really?"', 'she asked.', 'Fine'];
    expect(split([text]).sentences).toEqual(expected);
    expect(split(words(text)).sentences).toEqual(expected);
    expect(split(chars(text)).sentences).toEqual(expected);
  });

  it('waits when a dot ends the text so far: it may be a decimal point', () => {
    const splitter = new SentenceSplitter();
    expect(splitter.push('It costs 3.')).toEqual([]);
    expect(splitter.push('5 dollars. And')).toEqual(['It costs 3.5 dollars.']);
    expect(splitter.flush()).toBe('And');
    expect(splitter.flush()).toBeNull();
  });

  it('does not treat the pronoun I as an initial', () => {
    expect(split(['Neither do I. Shall we go?']).sentences).toEqual(['Neither do I.', 'Shall we go?']);
  });

  it('cuts a long sentence at a clause mark after about 80 characters, never a short one', () => {
    const text =
      'We looked at three vendors last quarter, and every one of them promised faster routing than we have today, ' +
      'but none could show it; so we stayed put';
    const { sentences } = split(words(text));
    expect(sentences[0]).toBe('We looked at three vendors last quarter, and every one of them promised faster routing than we have today,');
    // The rest is short: its ";" does not cut it.
    expect(sentences.slice(1)).toEqual(['but none could show it; so we stayed put']);
    expect(split(['Yes, sure, fine. Ok']).sentences).toEqual(['Yes, sure, fine.', 'Ok']);
  });

  it('cuts text without any mark at a word boundary once it is very long', () => {
    const text = Array.from({ length: 60 }, () => 'word').join(' ');
    const { sentences } = split(words(text), { hardLimit: 100 });
    expect(sentences.length).toBeGreaterThan(2);
    expect(sentences.join(' ')).toBe(text);
    for (const sentence of sentences) expect(sentence.length).toBeLessThanOrEqual(100);
  });

  it('ends CJK sentences at full-width marks without a space', () => {
    expect(split(chars('你好。我是Dana！有事吗？好')).sentences).toEqual(['你好。', '我是Dana！', '有事吗？', '好']);
  });
});
