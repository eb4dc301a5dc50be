import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import { parseAnnotateHostMessage, parseAnnotateViewMessage, type AnnotateHostMessage, type AnnotateState, type AnnotateViewMessage } from '../../src/protocol/annotate';
import { fixed2, h, icon, percent, replaceChildren } from '../shared/dom';
import { renderMarkdown } from '../shared/markdown';
import { createChannel } from '../shared/messaging';
import './annotate.css';
import { pairButtons, pairChoices, pairLabelText, pairPlace, pairSides, shownFirstLine } from './pairCard';


const channel = createChannel<AnnotateHostMessage, AnnotateViewMessage, Record<string, never>>(parseAnnotateHostMessage, parseAnnotateViewMessage, (e) => showError(e));
const app = document.getElementById('app')!;
const errorBar = h('div', { class: 'error', role: 'alert', hidden: true });
const top = h('div', { class: 'top' });
const progressBox = h('section', { class: 'progress', 'data-testid': 'progress', 'aria-live': 'polite' });
// Focusable, so the focus has a place to go back to when the control that held it is gone after a re-render.
const card = h('section', { class: 'card', 'data-testid': 'example', tabindex: -1, 'aria-label': 'Example' });
const help = h('p', { class: 'help', 'data-testid': 'help' });

/** The keys that choose: 1-9 for labels; for a pair, a and b (and t when ties exist), by the position shown. */
function labelKeys(pair: NonNullable<AnnotateState['example']>['pair'] | undefined): (HTMLElement | string)[] {
  if (!pair) return [h('kbd', {}, '1'), '–', h('kbd', {}, '9'), ' label'];
  const keys = pairChoices(pair).flatMap((c, i) => [i ? '/' : '', h('kbd', {}, c.key)]);
  return [...keys, pair.tie !== null ? ' choose A, B or a tie' : ' choose A or B'];
}

function renderHelp(s: AnnotateState | null): void {
  replaceChildren(
    help,
    'Keys: ',
    ...labelKeys(s?.example?.pair),
    ' · ',
    h('kbd', {}, '→'),
    '/',
    h('kbd', {}, 's'),
    ' skip · ',
    h('kbd', {}, '←'),
    ' back · ',
    h('kbd', {}, 'u'),
    ' undo · ',
    h('kbd', {}, 'r'),
    ' needs review · ',
    h('kbd', {}, 'n'),
    ' note',
  );
}
renderHelp(null);
// The keys first: a person meets them before the first example, not under a long one.
app.append(errorBar, help, top, progressBox, card);
app.removeAttribute('aria-busy');
let state: AnnotateState | null = null;
let note: (HTMLElement & { value: string }) | null = null;

function send(m: AnnotateViewMessage): void {
  errorBar.hidden = true;
  channel.send(m);
}

function showError(message: string): void {
  errorBar.hidden = false;
  replaceChildren(errorBar, icon('error'), ` ${message}`);
}

function select(testid: string, options: [string, string][], value: string, onChange: (v: string) => void): HTMLElement {
  const el = h('vscode-single-select', { 'data-testid': testid, 'aria-label': testid });
  for (const [v, label] of options) el.appendChild(h('vscode-option', { value: v, selected: v === value }, label));
  el.addEventListener('change', () => onChange((el as unknown as { value: string }).value));
  return el;
}

/**
 * What has the focus, by a key that survives a re-render (its test id, label or action), so the same control can
 * take it back in the new DOM; a control that is gone hands it to the card.
 */
function focusKey(): string | null {
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body || !app.contains(el)) return null;
  for (const attr of ['data-testid', 'data-label', 'data-action']) {
    const v = el.getAttribute(attr);
    if (v !== null) return `[${attr}="${CSS.escape(v)}"]`;
  }
  return card.contains(el) ? '#card' : null;
}

let renders = 0;

/**
 * Gives the focus back after a re-render. The card takes it at once, so it never falls to the body; the control
 * that held it takes it over once it can: a new vscode-button or select is not focusable until Lit's first update
 * has reflected its tabindex (a microtask later), which is why focusing it right away silently did nothing.
 */
function restoreFocus(key: string | null): void {
  if (!key) return;
  card.focus({ preventScroll: true });
  const el = key === '#card' ? null : app.querySelector<HTMLElement>(key);
  if (!el || el === card) return;
  const render = renders;
  void Promise.resolve((el as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete).then(() => {
    // Not if another render came meanwhile, or the person moved the focus elsewhere.
    if (render === renders && el.isConnected && document.activeElement === card) el.focus({ preventScroll: true });
  });
}

function render(s: AnnotateState): void {
  renders++;
  const focused = focusKey();
  state = s;
  renderHelp(s);
  renderTop(s);
  renderCard(s);
  restoreFocus(focused);
}

function renderTop(s: AnnotateState): void {
  replaceChildren(
    top,
    select(
      'target',
      s.targets.map((t, i) => [String(i), `${t.name} · ${t.annotation}${t.editable ? ' (made here)' : ''}`] as [string, string]),
      String(s.targets.findIndex((t) => t.promptPath === s.target?.promptPath && t.annotation === s.target?.annotation)),
      (v) => {
        const t = s.targets[Number(v)];
        if (t) send({ type: 'selectTarget', promptPath: t.promptPath, annotation: t.annotation });
      },
    ),
    select('order', [['unlabelled', 'Unlabelled first'], ['disagreements', 'Judge disagreements first'], ['balanced', 'Balanced random sample']], s.order, (v) => send({ type: 'setOrder', order: v as AnnotateState['order'] })),
    h(
      'div',
      { class: 'buttons' },
      h('vscode-button', { secondary: true, 'data-testid': 'new-annotation', onclick: () => send({ type: 'newAnnotation' }) }, icon('add'), ' New annotation'),
      h('vscode-button', { secondary: true, 'data-testid': 'rename-label', onclick: () => send({ type: 'renameLabel' }) }, icon('edit'), ' Rename or merge labels'),
      h('vscode-button', { secondary: true, 'data-testid': 'push-labels', title: 'Send the labels made here back to Phoenix, LangSmith or Langfuse, after a preview', onclick: () => send({ type: 'pushLabels' }) }, icon('cloud-upload'), ' Push to source'),
    ),
  );
  const p = s.progress;
  // Styles through the CSSOM: the CSP allows no inline style attribute.
  const fill = h('div', { class: 'fill' });
  fill.style.width = `${p.total ? (p.labelled / p.total) * 100 : 0}%`;
  const allLabelled = s.order === 'unlabelled' && p.total > 0 && p.labelled === p.total;
  replaceChildren(
    progressBox,
    h('div', { class: 'bar' }, fill),
    h('div', {}, h('strong', {}, `${p.labelled} of ${p.total}`), ' labelled · ', ...s.labels.flatMap((l, i) => [i ? ' · ' : '', `${l}: ${p.perLabel[l] ?? 0}`])),
    p.unbalanced ? h('div', { class: 'nudge', 'data-testid': 'nudge' }, icon('warning'), ` ${p.unbalanced}`) : null,
    allLabelled
      ? h(
          'div',
          { class: 'done', 'data-testid': 'all-labelled' },
          icon('pass'),
          ` Every row has a label (${p.total} of ${p.total}): this queue only goes over them again. `,
          h('vscode-button', { secondary: true, 'data-testid': 'order-disagreements', onclick: () => send({ type: 'setOrder', order: 'disagreements' }) }, 'Judge disagreements first'),
        )
      : null,
    h(
      'div',
      { class: 'muted small', 'data-testid': 'agreement' },
      s.annotators ? `Annotators ${s.annotators.authors[0]} & ${s.annotators.authors[1]}: κ ${fixed2(s.annotators.kappa)} (${percent(s.annotators.agreement)} on ${s.annotators.n} rows) · ` : '',
      `Judge: κ ${fixed2(s.judgeKappa)}`,
      s.judgeRelabelled > 0 ? h('span', { class: 'stale', 'data-testid': 'judge-stale' }, ` (stale: ${s.judgeRelabelled} ${s.judgeRelabelled === 1 ? 'row' : 'rows'} labelled since the judge's run; run it again to update)`) : null,
      s.annotators ? ' (the annotators\u2019 agreement is the ceiling to aim for)' : '',
    ),
    shownFirstLine(s),
  );
}

function renderCard(s: AnnotateState): void {
  const e = s.example;
  if (!e) return replaceChildren(card, h('p', { class: 'muted' }, s.message ?? 'Nothing to label here.'));
  note = h('vscode-textarea', { 'data-testid': 'note', rows: 2, placeholder: 'Note (optional; saved when you leave the field)' }) as HTMLElement & { value: string };
  note.value = e.mine?.note ?? '';
  note.addEventListener('change', () => send({ type: 'note', text: note!.value }));
  // A pair's label goes with the field shown first, so the person's own position bias can be measured.
  const pair = e.pair ?? null;
  const choose = (label: string) => send({ type: 'label', label, ...(pair ? { shownFirst: pair.shown[0].field } : {}) });
  const labelButtons = pair ? pairButtons(pair, e.current, choose) : s.labels.map((label, i) =>
    h(
      'vscode-button',
      { secondary: e.current !== label, 'data-label': label, title: `Key ${i + 1}`, onclick: () => send({ type: 'label', label }) },
      i < 9 ? `${i + 1} · ${label}` : label,
    ),
  );
  const fields = e.fields.map(([name, value], i) => {
    const body = h('div', { class: i < 2 ? 'md' : 'text' });
    if (i < 2) renderMarkdown(body, value);
    else body.textContent = value;
    return h('details', { open: i < 2 ? true : undefined }, h('summary', {}, name), body);
  });
  replaceChildren(
    card,
    h('div', { class: 'meta' }, h('strong', {}, `${e.position + 1} / ${e.total}`), h('span', { class: 'muted' }, ` · row ${e.id}`), e.mine?.needsReview ? h('span', { class: 'badge review', 'data-testid': 'review' }, 'needs review') : null),
    h(
      'div',
      { class: 'labels', 'data-testid': 'labels' },
      'Label: ',
      h('strong', { 'data-testid': 'current' }, e.current ?? 'none'),
      e.pair && pairPlace(e.pair, e.current) ? h('span', { 'data-testid': 'current-place' }, ` = ${pairPlace(e.pair, e.current)}`) : null,
      e.mine?.label ? h('span', { class: 'muted' }, ` (yours)`) : e.fileLabel ? h('span', { class: 'muted' }, ' (from the file)') : null,
      ...e.others.map((o) => h('span', { class: 'muted' }, ` · ${o.author}: ${(e.pair ? pairLabelText(e.pair, o.label) : o.label) ?? '–'}`)),
    ),
    h('div', { class: 'buttons' }, ...labelButtons),
    e.judge
      ? h(
          'div',
          { class: 'judge' },
          h('div', {}, 'Judge: ', h('strong', { 'data-testid': 'judge-label' }, (e.pair ? pairLabelText(e.pair, e.judge.label) : e.judge.label) ?? 'failed')),
          e.judge.explanation ? h('div', { class: 'muted explanation' }, e.judge.explanation) : null,
        )
      : null,
    e.spans.length > 0
      ? h(
          'details',
          { 'data-testid': 'spans' },
          h('summary', {}, `Trace (${e.spans.length} spans)`),
          h(
            'ul',
            { class: 'spans' },
            ...e.spans.map((sp) => {
              const li = h('li', { class: sp.id === e.id ? 'current' : '' }, sp.name, sp.kind ? h('span', { class: 'muted' }, ` · ${sp.kind}`) : null);
              li.style.paddingLeft = `${sp.depth * 12}px`;
              return li;
            }),
          ),
        )
      : null,
    ...fields,
    pair ? pairSides(pair) : null,
    note,
    h(
      'div',
      { class: 'buttons' },
      h('vscode-button', { secondary: true, 'data-action': 'back', onclick: () => send({ type: 'move', delta: -1 }) }, icon('arrow-left'), ' Back'),
      h('vscode-button', { secondary: true, 'data-action': 'skip', onclick: () => send({ type: 'move', delta: 1 }) }, 'Skip ', icon('arrow-right')),
      h('vscode-button', { secondary: true, 'data-action': 'undo', disabled: !s.canUndo, onclick: () => send({ type: 'undo' }) }, icon('discard'), ' Undo'),
      h('vscode-button', { secondary: true, 'data-action': 'review', onclick: () => send({ type: 'toggleReview' }) }, icon('flag'), e.mine?.needsReview ? ' Reviewed' : ' Needs review'),
    ),
  );
}

document.addEventListener('keydown', (event) => {
  const typing = (event.target as HTMLElement).closest('vscode-textarea, textarea, input, vscode-single-select');
  if (typing) {
    if (event.key === 'Escape') (document.activeElement as HTMLElement | null)?.blur();
    return;
  }
  if (!state?.example || event.ctrlKey || event.metaKey || event.altKey) return;
  const digit = /^[1-9]$/.test(event.key) ? Number(event.key) - 1 : -1;
  const pair = state.example.pair;
  // A pair: a, b, t (or 1, 2, 3) choose by the position shown, never by the field behind it.
  const choice = pair ? pairChoices(pair).find((c, i) => c.key === event.key || i === digit) : undefined;
  if (choice && pair) send({ type: 'label', label: choice.label, shownFirst: pair.shown[0].field });
  else if (!pair && digit >= 0 && state.labels[digit]) send({ type: 'label', label: state.labels[digit]! });
  else if (event.key === 'ArrowRight' || event.key === 's' || event.key === 'j') send({ type: 'move', delta: 1 });
  else if (event.key === 'ArrowLeft' || event.key === 'k') send({ type: 'move', delta: -1 });
  else if (event.key === 'u') send({ type: 'undo' });
  else if (event.key === 'r') send({ type: 'toggleReview' });
  else if (event.key === 'n') note?.focus();
  else return;
  event.preventDefault();
  // A key used with the focus nowhere (on the body): the card takes it, so the re-render that follows keeps it there.
  if (event.key !== 'n' && (document.activeElement === document.body || document.activeElement === null)) card.focus({ preventScroll: true });
});

channel.onMessage((m) => {
  if (m.type === 'state') render(m.state);
  else showError(m.message);
});
channel.send({ type: 'ready' });
