import { describe, expect, it } from 'vitest';
import { withoutEventHandlers } from '../../src/lib/render/event-handler-attributes';

describe('withoutEventHandlers', () => {
  it('drops on* attributes in every form the HTML tokenizer reads', () => {
    expect(withoutEventHandlers('<img src=x onerror="window.__xss=1">')).toBe('<img src=x >');
    expect(withoutEventHandlers("<img src='x' ONLOAD='a()' alt=y>")).toBe("<img src='x'  alt=y>");
    expect(withoutEventHandlers('<img/onerror=alert(1)>')).toBe('<img >');
    expect(withoutEventHandlers('<img src="x"onerror=a()>')).toBe('<img src="x" >');
    expect(withoutEventHandlers('<svg\nonload\t=\n"a()">')).toBe('<svg >');
    expect(withoutEventHandlers('<a href="#" onclick>x</a>')).toBe('<a href="#" >x</a>');
  });

  it('keeps a > inside a quoted value as part of the value, so a later handler is still found', () => {
    expect(withoutEventHandlers('<img title="a>b" onerror=x>')).toBe('<img title="a>b" >');
  });

  it('leaves text, escaped markup, comments, end tags and other attributes alone', () => {
    const html = '<p>1 < 2 and onerror=x</p><!-- <img onerror=x> --><a href="https://example.com/?on=1" title="on">k</a>';
    expect(withoutEventHandlers(html)).toBe(html.replace('<!-- <img onerror=x> -->', '<!-- <img > -->'));
    expect(withoutEventHandlers('&lt;img onerror=x&gt;')).toBe('&lt;img onerror=x&gt;');
    expect(withoutEventHandlers('</p>')).toBe('</p>');
  });

  it('copies an unfinished tag at the end of a streamed chunk without its handler', () => {
    expect(withoutEventHandlers('text <img src=x onerror="a')).toBe('text <img src=x ');
    expect(withoutEventHandlers('text <img src=x')).toBe('text <img src=x');
  });
});
