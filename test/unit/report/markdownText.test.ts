import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import MarkdownIt from 'markdown-it';
import { escapeMarkdownInline, markdownCodeBlock } from '../../../src/core/report/markdownText';

// As VS Code's Markdown preview renders: raw HTML allowed, bare URLs linked.
const markdown = new MarkdownIt({ html: true, linkify: true });
const decode = (html: string) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

const TRACE = [
  '**bold** and *star* _under_ `tick` ``two``',
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  '[link](x) ![image](y) <https://evil.example> https://bare.example',
  '# heading | pipe | ~~strike~~ \\ back + plus ! bang {braces} (parens) &amp; &lt;',
];

describe('Markdown escaping: trace text renders literally', () => {
  test('inline: every character comes out as text, no tag, link or emphasis', () => {
    for (const text of TRACE) {
      const html = markdown.renderInline(escapeMarkdownInline(text));
      assert.doesNotMatch(html, /<(?!\/?p>)[a-z/]/i, `no markup from ${text}`);
      assert.equal(decode(html), text);
    }
  });

  test('inline: newlines become spaces and a long text is clipped', () => {
    assert.equal(decode(markdown.renderInline(escapeMarkdownInline('a\nb\r\nc'))), 'a b c');
    assert.equal(escapeMarkdownInline('abcdef', 3), 'abc…');
  });

  test('a code block holds any text, backtick fences inside included', () => {
    const text = ['first line', '```', 'not the end', '````js', ...TRACE, '`````'].join('\n');
    const block = markdownCodeBlock(text);
    assert.ok(block.startsWith('``````text\n'), 'the fence is longer than the longest run of backticks');
    const html = markdown.render(`before\n\n${block}\n\nafter`);
    assert.equal(html, `<p>before</p>\n<pre><code class="language-text">${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}\n</code></pre>\n<p>after</p>\n`);
    assert.equal(markdownCodeBlock('plain'), '```text\nplain\n```');
  });
});
