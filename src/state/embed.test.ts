import { describe, expect, it } from 'vitest';
import { embedNotice, embedSuffix, readEmbed } from './embed';

describe('embed parameters', () => {
  it.each([
    ['#c=abc', [], []],
    ['#c=abc&hide=settings,history', ['settings', 'history'], []],
    ['#c=abc&hide=history&hide=Header', ['header', 'history'], []],
    ['#hide=compare,compare,feedback&c=abc', ['compare', 'feedback'], []],
    ['#c=abc&hide=settings,%3Cimg%20src%3Dx%3E', ['settings'], ['<img src=x>']],
    ['#c=abc&hide=%E0%A4%A', [], ['%E0%A4%A']],
    ['#c=abc&ahide=settings', [], []],
  ])('%s hides %j (unknown %j)', (hash, hidden, unknown) => {
    expect(readEmbed(hash)).toEqual({ hidden, unknown });
  });

  it('writes back only the known panels, in a fixed order', () => {
    expect(embedSuffix(readEmbed('#c=x&hide=history,bogus,settings'))).toBe('&hide=settings,history');
    expect(embedSuffix(readEmbed('#c=x'))).toBe('');
  });

  it('names unknown panels in a notice and lists the valid ones', () => {
    expect(embedNotice(readEmbed('#c=x&hide=settings'))).toBeNull();
    expect(embedNotice(readEmbed('#c=x&hide=charts'))).toBe(
      'This link asks to hide “charts”, which the lab does not have; it can hide header, settings, history, compare, feedback.',
    );
  });
});
