// A pairwise judge's rows in the workbench: the two responses side by side, each order's verdict with its
// explanation, the human's choice; the position and verbosity figures beside agreement; the pair filters.
import type { PairOrderView, PairwiseFiguresView, PairwiseSetup, RowView } from '../../src/protocol/workbench';
import { h, icon, percent } from '../shared/dom';
import './pair.css';

/** A human label value as a person reads it: the response it means (output_1 (1)), the tie, inconsistent. */
export function valueName(setup: PairwiseSetup, value: string | null): string {
  if (value === null) return '–';
  const i = setup.winners.indexOf(value);
  if (i >= 0) return setup.responses[i] === value ? value : `${setup.responses[i]} (${value})`;
  return value;
}

function orderLabel(o: PairOrderView): string {
  return `${o.shownFirst} shown first`;
}

/** The row's badges: an inconsistent pair, a verdict that followed the position, a verdict that changed between repetitions. */
export function rowBadges(row: RowView): (HTMLElement | null)[] {
  return [
    row.pair?.consistent === false ? h('span', { class: 'badge inconsistent', title: 'The two orders picked different responses' }, 'inconsistent') : null,
    row.pair?.firstShownWins ? h('span', { class: 'badge first-shown', title: 'Every order picked the response shown first' }, 'first shown wins') : null,
    row.unstable ? h('span', { class: 'badge unstable', title: 'The verdict changed between repetitions' }, 'unstable') : null,
  ];
}

/** The list's second line for a pair: what each order answered. */
export function pairRowLine(row: RowView, setup: PairwiseSetup | null): string {
  if (!row.pair) return '';
  return row.pair.orders
    .map((o) => `${orderLabel(o)} → ${o.answer ?? 'failed'}${o.value !== null && setup ? ` = ${valueName(setup, o.value)}` : ''}`)
    .join(' · ');
}

function orderCard(o: PairOrderView, setup: PairwiseSetup): HTMLElement {
  const failed = o.value === null;
  const [a, b] = o.shownFirst === setup.responses[0] ? setup.responses : [setup.responses[1], setup.responses[0]];
  return h(
    'div',
    { class: `order-card${failed ? ' failed' : ''}`, 'data-testid': `order-${o.position}` },
    h('div', { class: 'order-title' }, h('strong', {}, o.position === 'original' ? 'As written' : 'Swapped'), h('span', { class: 'muted' }, ` · A = ${a}, B = ${b}`)),
    h(
      'div',
      { class: 'order-answer' },
      failed ? icon('warning') : null,
      'answered ',
      h('strong', {}, o.answer ?? 'nothing usable'),
      o.value !== null ? ` → ${valueName(setup, o.value)}` : '',
      o.latencyMs !== null ? h('span', { class: 'muted' }, ` · ${Math.round(o.latencyMs)} ms${o.cached ? ' (cached)' : ''}`) : null,
    ),
    h('pre', { class: `text ${failed ? 'err' : 'explanation'}` }, failed ? (o.error ?? 'failed') : (o.explanation ?? '')),
  );
}

/** The detail pane of a pair: verdicts, the human's choice (and buttons to change it), both responses side by side. */
export function pairDetail(row: RowView, setup: PairwiseSetup, relabel: (label: string) => void, saved: boolean): (HTMLElement | null)[] {
  const pair = row.pair!;
  const humanLabels = [...setup.winners, ...(setup.tie !== null ? [setup.tie] : [])];
  const verdict =
    row.status === 'failed' ? 'failed (one order gave no usable answer)' : pair.consistent === false ? `${valueName(setup, row.judge)}: the orders disagree` : valueName(setup, row.judge);
  return [
    h('h2', {}, `Pair #${row.id} · ${row.split} · ${row.status}`, ...rowBadges(row).map((b) => (b ? h('span', {}, ' ', b) : null))),
    h('div', { class: 'labels', 'data-testid': 'pair-verdict' }, 'human ', h('strong', {}, valueName(setup, row.human)), ' · judge ', h('strong', {}, verdict)),
    h(
      'div',
      { class: 'relabel', 'data-testid': 'relabel' },
      h('span', { class: 'muted' }, 'Human choice: '),
      ...humanLabels.map((label) =>
        h('vscode-button', { secondary: label !== row.human, 'data-label': label, onclick: () => label !== row.human && relabel(label) }, valueName(setup, label)),
      ),
      saved ? h('span', { class: 'muted small' }, ' Saved. The next run scores this pair against it (its answers come from the cache).') : null,
    ),
    h('div', { class: 'pair-orders', 'data-testid': 'pair-orders' }, ...pair.orders.map((o) => orderCard(o, setup))),
    h(
      'div',
      { class: 'pair-sides', 'data-testid': 'pair-sides' },
      ...pair.responses.map((r) => {
        const chosenBy = pair.orders.filter((o) => o.value === r.winner).map((o) => (o.position === 'original' ? 'as written' : 'swapped'));
        return h(
          'div',
          { class: `side-response${row.human === r.winner ? ' human-choice' : ''}`, 'data-field': r.field },
          h(
            'h3',
            {},
            r.field,
            h('span', { class: 'muted' }, ` · ${r.length} chars`),
            row.human === r.winner ? h('span', { class: 'badge human' }, icon('person'), ' human’s choice') : null,
            chosenBy.length ? h('span', { class: 'badge judge' }, icon('law'), ` judge (${chosenBy.join(', ')})`) : null,
          ),
          h('pre', { class: 'text' }, r.text),
        );
      }),
    ),
    ...row.fields.filter(([name]) => !setup.responses.includes(name)).flatMap(([name, value]) => [h('h3', {}, name), h('pre', { class: 'text' }, value)]),
  ];
}

/** The header cards beside agreement: position bias (consistency, first-shown rate, per order) and verbosity. */
export function pairFigureCards(f: PairwiseFiguresView): HTMLElement[] {
  const p = f.position;
  const ci = p.firstShownCi ? ` (95% CI ${percent(p.firstShownCi[0])} – ${percent(p.firstShownCi[1])})` : '';
  const v = f.verbosity;
  return [
    h(
      'div',
      { class: 'card', 'data-testid': 'figures-position' },
      h('div', { class: 'card-title' }, 'Position bias'),
      h('div', { class: 'big' }, percent(p.consistency)),
      h('div', { class: 'sub' }, `consistent: ${p.consistent} of ${p.pairs} pairs judged both ways`),
      h('div', { class: 'line', 'data-testid': 'first-shown' }, 'first shown wins ', h('strong', {}, percent(p.firstShownRate)), h('span', { class: 'muted' }, `${ci} · 50% is no bias`)),
      h(
        'div',
        { class: 'line muted', 'data-testid': 'by-order' },
        `as written ${percent(f.byOrder.original.agreement)} (${f.byOrder.original.n}) · swapped ${percent(f.byOrder.swapped.agreement)} (${f.byOrder.swapped.n})`,
      ),
    ),
    h(
      'div',
      { class: 'card', 'data-testid': 'figures-verbosity' },
      h('div', { class: 'card-title' }, 'Verbosity'),
      h('div', { class: 'big' }, percent(v.judgeLongerRate)),
      h('div', { class: 'sub' }, 'judge picks the longer response'),
      h('div', { class: 'line' }, 'humans ', h('strong', {}, percent(v.humanLongerRate)), h('span', { class: 'muted' }, ` · ${v.pairs} pairs differing by more than ${Math.round(v.threshold * 100)}%`)),
    ),
  ];
}
