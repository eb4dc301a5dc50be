// A pair in the Annotate view: response A and response B side by side, the text they share highlighted, and the
// keys that choose between them. The order is the host's (random per example, recorded with the label).
import { diffWordsWithSpace } from 'diff';
import type { AnnotateState } from '../../src/protocol/annotate';
import { h, percent } from '../shared/dom';

type Pair = NonNullable<NonNullable<AnnotateState['example']>['pair']>;

/** Past this, a word diff could take long on a slow machine: the responses are shown without highlighting. */
const DIFF_LIMIT = 30_000;

/**
 * Each side as runs of text: shared with the other response, or its own. Shared runs of a few characters
 * (a space, "the") are shown as its own text, so the highlight marks passages, not confetti.
 */
export function sharedRuns(a: string, b: string): { a: { text: string; shared: boolean }[]; b: { text: string; shared: boolean }[] } | null {
  if (a.length + b.length > DIFF_LIMIT) return null;
  const changes = diffWordsWithSpace(a, b, { timeout: 300 });
  if (!changes) return null;
  const out = { a: [] as { text: string; shared: boolean }[], b: [] as { text: string; shared: boolean }[] };
  const push = (side: { text: string; shared: boolean }[], text: string, shared: boolean) => {
    const last = side[side.length - 1];
    // Own text merges; a shared run stays one passage of the other response (it may be followed there by more).
    if (last && !last.shared && !shared) last.text += text;
    else side.push({ text, shared });
  };
  for (const c of changes) {
    const shared = !c.added && !c.removed && c.value.trim().length >= 12;
    if (!c.added) push(out.a, c.value, shared);
    if (!c.removed) push(out.b, c.value, shared);
  }
  return out;
}

function side(name: 'A' | 'B', text: string, runs: { text: string; shared: boolean }[] | undefined): HTMLElement {
  const body = h('div', { class: 'text pair-text' });
  if (runs) for (const r of runs) body.appendChild(r.shared ? h('mark', { class: 'shared' }, r.text) : document.createTextNode(r.text));
  else body.textContent = text;
  return h('section', { class: 'pair-side', 'data-testid': `response-${name.toLowerCase()}`, 'aria-label': `Response ${name}` }, h('h3', {}, `Response ${name}`, h('span', { class: 'muted' }, ` · ${text.length} chars`)), body);
}

/** The two responses side by side (stacked when the view is narrow). */
export function pairSides(pair: Pair): HTMLElement {
  const runs = sharedRuns(pair.shown[0].text, pair.shown[1].text);
  return h(
    'div',
    { class: 'pair', 'data-testid': 'pair' },
    side('A', pair.shown[0].text, runs?.a),
    side('B', pair.shown[1].text, runs?.b),
    runs ? h('p', { class: 'muted small legend' }, h('mark', { class: 'shared' }, 'highlighted'), ': text both responses share') : null,
  );
}

/** The keys of a pair, and the label value each records. */
export function pairChoices(pair: Pair): { key: string; label: string; text: string }[] {
  return [
    { key: 'a', label: pair.a, text: 'A is better' },
    { key: 'b', label: pair.b, text: 'B is better' },
    ...(pair.tie !== null ? [{ key: 't', label: pair.tie, text: 'Tie' }] : []),
  ];
}

/**
 * A label value of a pair in the terms the person sees: the place of the response it means (its value beside), so
 * "Judge: 1" reads "Judge: B (1)" when output_1 is shown second. Values of neither response are shown as they are.
 */
export function pairLabelText(pair: Pair, value: string | null): string | null {
  const place = pairPlace(pair, value);
  return place === null ? value : `${place} (${value})`;
}

/** Which place a label value of a pair means as shown: A, B, tie, or none of them. */
export function pairPlace(pair: Pair, value: string | null): 'A' | 'B' | 'tie' | null {
  if (value === null) return null;
  if (value === pair.a) return 'A';
  if (value === pair.b) return 'B';
  return pair.tie !== null && value === pair.tie ? 'tie' : null;
}

/** The label buttons of a pair: the value recorded goes with the field shown first. */
export function pairButtons(pair: Pair, current: string | null, choose: (label: string) => void): HTMLElement[] {
  return pairChoices(pair).map((c) =>
    h('vscode-button', { secondary: current !== c.label, 'data-label': c.label, 'data-key': c.key, title: `Key ${c.key}`, onclick: () => choose(c.label) }, `${c.key} · ${c.text}`),
  );
}

/** The person's own position bias, once they have chosen between a few pairs. */
export function shownFirstLine(s: AnnotateState): HTMLElement | null {
  const f = s.shownFirst;
  if (!f || f.decided === 0) return null;
  return h('div', { class: 'muted small', 'data-testid': 'shown-first' }, `You picked the response shown first in ${f.firstShown} of ${f.decided} pairs (${percent(f.firstShown / f.decided)}; 50% is no position bias).`);
}
