import MarkdownIt from 'markdown-it';

// Markdown from a trace, rendered as markup a person can read but nothing that acts: raw HTML is escaped,
// links become plain text (the address in a tooltip), images become their alt text. The CSP would block
// scripts and remote loads anyway; this keeps the page from even trying.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.renderer.rules.link_open = (tokens, idx) => {
  const href = tokens[idx]!.attrGet('href') ?? '';
  return `<span class="inert-link" title="${md.utils.escapeHtml(String(href))}">`;
};
md.renderer.rules.link_close = () => '</span>';
md.renderer.rules.image = (tokens, idx) => `<span class="inert-image">[image: ${md.utils.escapeHtml(tokens[idx]!.content)}]</span>`;

const ALLOWED = new Set(['P', 'BR', 'EM', 'STRONG', 'CODE', 'PRE', 'UL', 'OL', 'LI', 'BLOCKQUOTE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HR', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'SPAN', 'S', 'DEL']);

/** Renders into `target`; anything outside a short list of text elements is removed, attributes too. */
export function renderMarkdown(target: HTMLElement, text: string): void {
  const template = document.createElement('template');
  template.innerHTML = md.render(text);
  const walk = (node: Element) => {
    for (const child of [...node.children]) {
      if (!ALLOWED.has(child.tagName)) {
        child.replaceWith(document.createTextNode(child.textContent ?? ''));
        continue;
      }
      for (const attr of [...child.attributes]) if (!(attr.name === 'class' || (attr.name === 'title' && child.tagName === 'SPAN'))) child.removeAttribute(attr.name);
      walk(child);
    }
  };
  walk(template.content as unknown as Element);
  target.replaceChildren(template.content);
}
