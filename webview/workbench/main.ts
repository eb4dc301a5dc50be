import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import { parseHostMessage, parseWebviewMessage, type ComparisonView, type HostMessage, type MetricsView, type PairwiseFiguresView, type PairwiseSetup, type RowView, type RunSummaryView, type RunUsageView, type WebviewMessage } from '../../src/protocol/workbench';
import { createChannel } from '../shared/messaging';
import { fixed2, h, icon, percent, replaceChildren } from '../shared/dom';
import { VirtualList } from '../shared/virtualList';
import { historyChart } from './history';
import { usageText } from './usage';
import { pairDetail, pairFigureCards, pairRowLine, rowBadges } from './pairDetail';
import { PAIR_STATUS_OPTIONS } from './pairFilters';
import { DEFAULT_FILTERS, mergeRows, visibleRows, type Filters } from './state';
import './workbench.css';

/** Only UI state is kept across reloads; the data comes from the extension again. */
interface SavedState {
  promptPath?: string;
  filters?: Filters;
  selectedId?: string | null;
}

interface Model {
  promptName: string;
  labels: string[];
  model: string;
  concurrency: number;
  labelledRows: number;
  history: RunSummaryView[];
  run: RunSummaryView | null;
  metrics: { all: MetricsView; dev: MetricsView; test: MetricsView } | null;
  usage: RunUsageView | null;
  rows: RowView[];
  running: { runId: number; done: number; total: number } | null;
  comparison: ComparisonView | null;
  filters: Filters;
  selectedId: string | null;
  error: string | null;
  /** A pairwise prompt's fields and values, and the shown run's bias figures. */
  pairwise: PairwiseSetup | null;
  pairFigures: PairwiseFiguresView | null;
}


const channel = createChannel<HostMessage, WebviewMessage, SavedState>(parseHostMessage, parseWebviewMessage, (e) => showError(e));
const saved = channel.state() ?? {};
const model: Model = {
  promptName: '',
  labels: [],
  model: '',
  concurrency: 8,
  labelledRows: 0,
  history: [],
  run: null,
  metrics: null,
  usage: null,
  rows: [],
  running: null,
  comparison: null,
  filters: { ...DEFAULT_FILTERS, ...saved.filters },
  selectedId: saved.selectedId ?? null,
  error: null,
  pairwise: null,
  pairFigures: null,
};
let promptPath = saved.promptPath;
const relabelNote = new Set<string>();
let shown: RowView[] = [];

// ---- layout -------------------------------------------------------------------------------------------------
const app = document.getElementById('app')!;
const header = h('header', { class: 'toolbar' });
const errorBar = h('div', { class: 'error', role: 'alert', hidden: true });
const figures = h('section', { class: 'figures', 'aria-label': 'Agreement figures' });
const confusion = h('section', { class: 'panel confusion', 'aria-label': 'Confusion matrix' });
const comparePanel = h('section', { class: 'panel compare', 'aria-label': 'Compare runs' });
const historyPanel = h('section', { class: 'panel history-panel', 'aria-label': 'History' });
const filterBar = h('div', { class: 'filters' });
const countLine = h('div', { class: 'count', 'aria-live': 'polite' });
const detail = h('section', { class: 'detail', 'aria-label': 'Selected row' });
const list = new VirtualList<RowView>({ rowHeight: 66, render: renderRow });
list.element.setAttribute('aria-label', 'Rows');
list.element.dataset.testid = 'rows';
app.append(
  header,
  errorBar,
  figures,
  h('div', { class: 'main' }, h('aside', { class: 'side' }, confusion, comparePanel, historyPanel), h('div', { class: 'rows' }, filterBar, countLine, list.element, detail)),
);
app.removeAttribute('aria-busy');

// ---- toolbar ------------------------------------------------------------------------------------------------
const splitSelect = select('run-split', [['all', 'All labelled rows'], ['dev', 'Dev split'], ['test', 'Test split']], 'all');
const modelField = h('vscode-textfield', { 'data-testid': 'model', placeholder: 'model', 'aria-label': 'Model' }) as HTMLElement & { value: string };
const concurrencyField = h('vscode-textfield', { 'data-testid': 'concurrency', type: 'number', min: 1, max: 128, 'aria-label': 'Concurrency' }) as HTMLElement & { value: string };
const runButton = h('vscode-button', { 'data-testid': 'run', onclick: () => startRun() }, icon('play'), ' Run');
// Failed rows whose answer arrived but could not be used are kept and read again on a plain Run: this asks again.
const retryButton = h('vscode-button', { 'data-testid': 'retry-failed', secondary: true, hidden: true, title: 'Ask the judge again for the failed rows (answers that could not be used are otherwise read again, not bought)', onclick: () => startRun(true) }, icon('refresh'), ' Retry failed');
const cancelButton = h('vscode-button', { 'data-testid': 'cancel', secondary: true, disabled: true, onclick: () => channel.send({ type: 'cancel' }) }, icon('debug-stop'), ' Cancel');
const progress = h('span', { class: 'progress', 'data-testid': 'progress', 'aria-live': 'polite' });
const usage = h('span', { class: 'usage', 'data-testid': 'usage', hidden: true });
const exportButtons = h(
  'span',
  { class: 'export' },
  ...(['markdown', 'csv', 'json'] as const).map((format) =>
    h('vscode-button', { secondary: true, 'data-testid': `export-${format}`, onclick: () => model.run && channel.send({ type: 'export', runId: model.run.runId, format }) }, icon('export'), ` ${format === 'markdown' ? 'Markdown' : format.toUpperCase()}`),
  ),
);
const title = h('h1', {});
header.append(title, splitSelect, modelField, concurrencyField, runButton, retryButton, cancelButton, progress, usage, exportButtons);

function startRun(retryFailed = false): void {
  const concurrency = Number(concurrencyField.value);
  channel.send({
    type: 'runJudge',
    split: (splitSelect as unknown as { value: 'all' | 'dev' | 'test' }).value,
    model: modelField.value.trim() || undefined,
    concurrency: Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 128 ? concurrency : undefined,
    ...(retryFailed ? { retryFailed: true } : {}),
  });
}

// ---- filters ------------------------------------------------------------------------------------------------
const STATUS_OPTIONS: [string, string][] = [['all', 'All rows'], ['mismatch', 'Mismatches'], ['match', 'Matches'], ['failed', 'Failed'], ['fixed', 'Fixed since compared run'], ['regressed', 'Regressed since compared run']];
let statusSelect = select('filter-status', STATUS_OPTIONS, model.filters.status);
const splitFilter = select('filter-split', [['all', 'Both splits'], ['dev', 'Dev'], ['test', 'Test']], model.filters.split);
const sortSelect = select('sort', [['status', 'Mismatches first (by id)'], ['id', 'By id'], ['latency', 'Slowest first']], model.filters.sort);
let labelFilter = select('filter-label', [['', 'Any label']], model.filters.label);
const search = h('vscode-textfield', { 'data-testid': 'search', placeholder: 'Search rows ( / )', 'aria-label': 'Search rows' }) as HTMLElement & { value: string };
search.value = model.filters.search;
const clearCell = h('vscode-button', { secondary: true, hidden: true, 'data-testid': 'clear-cell', onclick: () => setFilters({ cell: null }) });
filterBar.append(statusSelect, splitFilter, labelFilter, sortSelect, search, clearCell);
for (const [el, key] of [[splitFilter, 'split'], [sortSelect, 'sort']] as const) {
  el.addEventListener('change', () => setFilters({ [key]: (el as unknown as { value: string }).value } as Partial<Filters>));
}
search.addEventListener('input', () => setFilters({ search: search.value }));
rebuildStatusFilter();

/** The status choices: a pairwise prompt adds "inconsistent" and "first-shown wins". */
function rebuildStatusFilter(): void {
  const next = select('filter-status', [...STATUS_OPTIONS, ...(model.pairwise ? PAIR_STATUS_OPTIONS : [])], model.filters.status);
  next.addEventListener('change', () => setFilters({ status: (next as unknown as { value: Filters['status'] }).value }));
  statusSelect.replaceWith(next);
  statusSelect = next;
}

function rebuildLabelFilter(): void {
  const next = select('filter-label', [['', 'Any label'], ...model.labels.map((l) => [l, l] as [string, string])], model.filters.label);
  next.addEventListener('change', () => setFilters({ label: (next as unknown as { value: string }).value }));
  labelFilter.replaceWith(next);
  labelFilter = next;
}

function setFilters(patch: Partial<Filters>): void {
  model.filters = { ...model.filters, ...patch };
  saveState();
  renderRows();
  renderConfusion();
}

function select(testid: string, options: [string, string][], value: string): HTMLElement {
  const el = h('vscode-single-select', { 'data-testid': testid, 'aria-label': testid.replace(/-/g, ' ') });
  for (const [v, label] of options) el.appendChild(h('vscode-option', { value: v, selected: v === value }, label));
  return el;
}

// ---- rendering ----------------------------------------------------------------------------------------------
function renderAll(): void {
  title.textContent = model.promptName;
  modelField.setAttribute('placeholder', model.model || 'model');
  concurrencyField.setAttribute('placeholder', String(model.concurrency));
  runButton.toggleAttribute('disabled', model.running !== null);
  retryButton.toggleAttribute('hidden', model.running !== null || !model.rows.some((r) => r.status === 'failed'));
  cancelButton.toggleAttribute('disabled', model.running === null);
  renderProgress();
  renderFigures();
  renderConfusion();
  renderCompare();
  renderHistory();
  renderRows();
}

function renderProgress(): void {
  if (model.running) {
    progress.textContent = model.running.total > 0 ? `Run #${model.running.runId}: ${model.running.done}/${model.running.total}` : 'Starting…';
  } else if (model.run) {
    progress.textContent = `Run #${model.run.runId} · ${model.run.status} · ${model.run.split} · ${model.run.modelText} at ${model.run.endpoint}`;
  } else {
    progress.textContent = `${model.labelledRows} labelled rows · no run yet`;
  }
  // The shown run's cost, once it is finished (a run in progress has no totals yet).
  const u = model.running ? null : model.usage;
  usage.textContent = u ? usageText(u) : '';
  usage.toggleAttribute('hidden', !u);
  if (u?.pricedAs) usage.setAttribute('title', `Priced as ${u.pricedAs}`);
  else usage.removeAttribute('title');
}

function figureCard(name: 'all' | 'dev' | 'test', m: MetricsView | undefined): HTMLElement {
  const ci = m?.agreementCi ? `${percent(m.agreementCi[0])} – ${percent(m.agreementCi[1])}` : '';
  // A run of one split judged only its rows: the "All rows" card holds that split, and the other card none.
  const split = model.run?.split ?? 'all';
  const heading = name === 'all' ? (split === 'all' ? 'All rows' : `All rows judged: ${split} split only`) : name === 'dev' ? 'Dev split' : 'Test split';
  const notRun = split !== 'all' && name !== 'all' && name !== split;
  return h(
    'div',
    { class: `card${notRun ? ' not-run' : ''}`, 'data-testid': `figures-${name}` },
    h('div', { class: 'card-title' }, heading),
    h('div', { class: 'big' }, percent(m?.agreement ?? null)),
    h('div', { class: 'sub' }, notRun ? `not in this run (a ${split}-only run)` : ci ? `95% CI ${ci}` : 'agreement'),
    h('div', { class: 'line' }, h('span', {}, 'κ '), h('strong', {}, fixed2(m?.kappa ?? null)), h('span', { class: 'muted' }, ` · ${m?.n ?? 0} scored · ${m?.errors ?? 0} failed`)),
  );
}

function renderFigures(): void {
  const m = model.metrics;
  figures.classList.toggle('with-pairwise', model.pairFigures !== null);
  replaceChildren(figures, figureCard('all', m?.all), figureCard('dev', m?.dev), figureCard('test', m?.test), ...(model.pairFigures ? pairFigureCards(model.pairFigures) : []));
}

function renderConfusion(): void {
  const m = model.metrics?.all;
  if (!m) return replaceChildren(confusion, h('h2', {}, 'Confusion'), h('p', { class: 'muted' }, 'Run the judge to see where it disagrees with the humans.'));
  // A pairwise judge's "inconsistent" column is no human's choice.
  const humans = [...new Set([...model.labels, ...Object.keys(m.confusion)])].filter((l) => !model.pairwise || l !== 'inconsistent' || model.pairwise.tie === l);
  const table = h('table', { 'data-testid': 'confusion' });
  table.appendChild(h('tr', {}, h('th', { class: 'corner' }, 'human ↓ judge →'), ...model.labels.map((l) => h('th', {}, l))));
  const max = Math.max(1, ...humans.flatMap((hl) => model.labels.map((j) => m.confusion[hl]?.[j] ?? 0)));
  for (const human of humans) {
    const tr = h('tr', {}, h('th', {}, human));
    for (const judge of model.labels) {
      const count = m.confusion[human]?.[judge] ?? 0;
      const active = model.filters.cell?.human === human && model.filters.cell?.judge === judge;
      const cell = h(
        'td',
        {
          class: `${human === judge ? 'diag' : 'off'}${active ? ' active' : ''}`,
          tabindex: 0,
          role: 'button',
          'data-human': human,
          'data-judge': judge,
          'aria-pressed': active ? 'true' : 'false',
          'aria-label': `human ${human}, judge ${judge}: ${count} rows`,
          onclick: () => setFilters({ cell: active ? null : { human, judge } }),
          onkeydown: (e: Event) => {
            if ((e as KeyboardEvent).key === 'Enter' || (e as KeyboardEvent).key === ' ') setFilters({ cell: active ? null : { human, judge } });
          },
        },
        String(count),
      );
      cell.style.setProperty('--weight', String(count / max));
      tr.appendChild(cell);
    }
    table.appendChild(tr);
  }
  replaceChildren(confusion, h('h2', {}, 'Confusion'), table, h('p', { class: 'muted small' }, 'Click a cell to show its rows.'));
}

function renderCompare(): void {
  const c = model.comparison;
  const run = model.run;
  const others = model.history.filter((r) => run && r.runId !== run.runId);
  const baseSelect = h('vscode-single-select', { 'data-testid': 'compare-base', 'aria-label': 'Run to compare with' });
  baseSelect.appendChild(h('vscode-option', { value: '' }, 'Previous run'));
  for (const r of [...others].reverse()) baseSelect.appendChild(h('vscode-option', { value: String(r.runId), selected: c?.baseRunId === r.runId }, `#${r.runId} · ${percent(r.agreement)} · ${r.split}`));
  const compareButton = h(
    'vscode-button',
    {
      secondary: true,
      'data-testid': 'compare',
      disabled: !run || others.length === 0,
      onclick: () => {
        const v = (baseSelect as unknown as { value: string }).value;
        channel.send({ type: 'compare', baseRunId: v ? Number(v) : null });
      },
    },
    icon('git-compare'),
    ' Compare',
  );
  const body: (HTMLElement | string)[] = [h('h2', {}, 'Compare versions'), h('div', { class: 'compare-controls' }, baseSelect, compareButton)];
  if (c) {
    const delta = c.agreementDelta === null ? '–' : `${c.agreementDelta >= 0 ? '+' : ''}${(c.agreementDelta * 100).toFixed(1)} pts`;
    body.push(
      h(
        'div',
        { class: 'compare-result', 'data-testid': 'compare-result' },
        h('div', {}, `Run #${c.baseRunId} → #${c.headRunId}: `, h('strong', {}, delta)),
        h('button', { class: 'link fixed', onclick: () => setFilters({ status: 'fixed' }) }, icon('check'), ` ${c.fixed} fixed`),
        h('button', { class: 'link regressed', onclick: () => setFilters({ status: 'regressed' }) }, icon('error'), ` ${c.regressed} regressed`),
        h('div', { class: 'muted' }, `${c.unchangedCorrect} still right · ${c.unchangedWrong} still wrong · ${c.newlyFailed} newly failed`),
        h('vscode-button', { secondary: true, 'data-testid': 'diff-prompts', onclick: () => channel.send({ type: 'diffPrompts', baseRunId: c.baseRunId, headRunId: c.headRunId }) }, icon('diff'), ' Diff prompts'),
      ),
    );
  } else if (run && others.length === 0) body.push(h('p', { class: 'muted small' }, 'Edit the prompt and run again to compare versions.'));
  replaceChildren(comparePanel, ...body);
}

function renderHistory(): void {
  if (model.history.length === 0) return replaceChildren(historyPanel, h('h2', {}, 'History'), h('p', { class: 'muted small' }, 'No runs yet.'));
  replaceChildren(
    historyPanel,
    h('h2', {}, 'History'),
    historyChart(model.history, model.run?.runId, (runId) => channel.send({ type: 'openRun', runId })),
    h('div', { class: 'legend small' }, h('span', { class: 'swatch agreement' }), ' agreement ', h('span', { class: 'swatch kappa' }), ' kappa', ...(model.history.some((r) => r.consistency != null) ? [' ', h('span', { class: 'swatch consistency' }), ' consistency'] : [])),
  );
}

const statusIcon: Record<RowView['status'], string> = { match: 'pass', mismatch: 'close', failed: 'warning' };

function renderRow(row: RowView, index: number, el: HTMLElement): void {
  const change = model.comparison?.changes[row.id];
  el.className = `vrow ${row.status}${row.id === model.selectedId ? ' selected' : ''}`;
  el.dataset.id = row.id;
  el.dataset.index = String(index);
  el.setAttribute('aria-selected', row.id === model.selectedId ? 'true' : 'false');
  const first = row.fields[0]?.[1] ?? '';
  const second = row.fields[1]?.[1] ?? '';
  replaceChildren(
    el,
    h(
      'div',
      { class: 'r1' },
      icon(statusIcon[row.status]),
      h('span', { class: 'rid' }, `#${row.id}`),
      h('span', { class: 'badge' }, row.split),
      h('span', { class: 'labels' }, 'human ', h('strong', {}, row.human ?? '–'), ' · judge ', h('strong', {}, row.judge ?? (row.status === 'failed' ? 'failed' : '–'))),
      change ? h('span', { class: `badge ${change}` }, change) : null,
      ...rowBadges(row),
      h('span', { class: 'clip muted' }, first),
    ),
    h('div', { class: 'r2 clip muted' }, row.pair ? pairRowLine(row, model.pairwise) : second),
    h('div', { class: `r3 clip ${row.status === 'failed' ? 'err' : 'explanation'}` }, row.status === 'failed' ? row.error ?? 'failed' : row.explanation ?? ''),
  );
}

function renderRows(): void {
  shown = visibleRows(model.rows, model.filters, model.comparison);
  const f = model.filters;
  countLine.textContent = `${shown.length} of ${model.rows.length} rows${f.cell ? ` · human ${f.cell.human}, judge ${f.cell.judge}` : ''}`;
  clearCell.hidden = !f.cell;
  replaceChildren(clearCell, icon('close'), f.cell ? ` cell ${f.cell.human} → ${f.cell.judge}` : '');
  list.setItems(shown);
  list.setActive(shown.findIndex((r) => r.id === model.selectedId));
  renderDetail();
}

function renderDetail(): void {
  // The detail follows the list: a row the filters hide leaves it (and comes back when they show it again). A row
  // relabelled here stays, though its new label moved it out of the filter, so the person sees the label was saved.
  const row = shown.find((r) => r.id === model.selectedId) ?? (model.selectedId !== null && relabelNote.has(model.selectedId) ? model.rows.find((r) => r.id === model.selectedId) : undefined);
  if (!row) return replaceChildren(detail, h('p', { class: 'muted small' }, 'Select a row (↑/↓, Enter) to read it whole. / searches, Esc clears.'));
  if (row.pair && model.pairwise) return replaceChildren(detail, ...pairDetail(row, model.pairwise, (label) => channel.send({ type: 'relabel', exampleId: row.id, label }), relabelNote.has(row.id)));
  replaceChildren(
    detail,
    h('h2', {}, `Row #${row.id} · ${row.split} · ${row.status}`),
    h('div', { class: 'labels' }, 'human ', h('strong', {}, row.human ?? '–'), ' · judge ', h('strong', {}, row.judge ?? '–'), row.latencyMs !== null ? h('span', { class: 'muted' }, ` · ${Math.round(row.latencyMs)} ms${row.cached ? ' (cached)' : ''}`) : null),
    h(
      'div',
      { class: 'relabel', 'data-testid': 'relabel' },
      h('span', { class: 'muted' }, 'Human label: '),
      ...model.labels.map((label) =>
        h('vscode-button', { secondary: label !== row.human, 'data-label': label, onclick: () => label !== row.human && channel.send({ type: 'relabel', exampleId: row.id, label }) }, label),
      ),
      relabelNote.has(row.id) ? h('span', { class: 'muted small' }, ' Saved. The next run scores this row against it (its answer comes from the cache).') : null,
    ),
    h('h3', {}, row.status === 'failed' ? 'Why it failed' : "Judge's explanation"),
    h('pre', { class: 'text', 'data-testid': 'detail-explanation' }, row.status === 'failed' ? row.error ?? '' : row.explanation ?? ''),
    ...row.fields.flatMap(([name, value]) => [h('h3', {}, name), h('pre', { class: 'text' }, value)]),
  );
}

function select_(index: number): void {
  const row = shown[Math.max(0, Math.min(shown.length - 1, index))];
  if (!row) return;
  model.selectedId = row.id;
  saveState();
  list.scrollToIndex(shown.indexOf(row));
  list.refresh();
  list.setActive(shown.indexOf(row));
  renderDetail();
}

list.element.addEventListener('click', (e) => {
  const target = (e.target as HTMLElement).closest('.vrow') as HTMLElement | null;
  if (target?.dataset.index) select_(Number(target.dataset.index));
});
list.element.addEventListener('keydown', (e) => {
  const at = shown.findIndex((r) => r.id === model.selectedId);
  if (e.key === 'ArrowDown') select_(at + 1);
  else if (e.key === 'ArrowUp') select_(at <= 0 ? 0 : at - 1);
  else if (e.key === 'Home') select_(0);
  else if (e.key === 'End') select_(shown.length - 1);
  else if (e.key === 'PageDown') select_(at + 10);
  else if (e.key === 'PageUp') select_(at - 10);
  else if (e.key === 'Enter') detail.scrollIntoView({ block: 'nearest' });
  else return;
  e.preventDefault();
});
document.addEventListener('keydown', (e) => {
  const typing = (e.target as HTMLElement).closest('vscode-textfield, input, textarea');
  if (e.key === '/' && !typing) {
    e.preventDefault();
    search.focus();
  } else if (e.key === 'Escape') {
    if (model.filters.cell || model.filters.search || model.filters.status !== 'all') {
      search.value = '';
      setFilters({ cell: null, search: '', status: 'all' });
    }
    model.selectedId = null;
    list.refresh();
    list.setActive(-1);
    renderDetail();
    list.element.focus();
  }
});

function saveState(): void {
  channel.saveState({ promptPath, filters: model.filters, selectedId: model.selectedId });
}

function showError(message: string): void {
  errorBar.hidden = false;
  replaceChildren(errorBar, icon('error'), ` ${message}`);
}

// ---- messages -----------------------------------------------------------------------------------------------
channel.onMessage((m) => {
  switch (m.type) {
    case 'init':
      Object.assign(model, { promptName: m.promptName, labels: m.labels, model: m.model, concurrency: m.concurrency, labelledRows: m.labelledRows, history: m.history, pairwise: m.pairwise ?? null });
      promptPath = m.promptPath;
      saveState();
      rebuildLabelFilter();
      rebuildStatusFilter();
      renderAll();
      break;
    case 'runStarted':
      model.running = { runId: m.runId, done: 0, total: m.total };
      model.rows = [];
      model.comparison = null;
      errorBar.hidden = true;
      renderAll();
      break;
    case 'rows':
      model.rows = mergeRows(model.rows, m.rows);
      if (model.running) model.running = { ...model.running, done: m.done, total: m.total };
      renderProgress();
      renderRows();
      break;
    case 'run':
      model.run = m.run;
      model.metrics = m.metrics;
      model.usage = m.usage;
      model.pairFigures = m.pairwise ?? null;
      model.rows = m.rows;
      model.running = m.running ? model.running : null;
      if (model.comparison && model.comparison.headRunId !== m.run.runId) model.comparison = null;
      renderAll();
      break;
    case 'history':
      model.history = m.history;
      renderHistory();
      renderCompare();
      break;
    case 'comparison':
      model.comparison = m.comparison;
      if (!m.comparison) showError('There is no earlier run of this prompt to compare with.');
      renderCompare();
      renderRows();
      break;
    case 'relabeled': {
      relabelNote.add(m.exampleId);
      model.rows = model.rows.map((r) =>
        r.id === m.exampleId ? { ...r, human: m.label, status: r.status === 'failed' ? 'failed' : r.judge === m.label ? 'match' : 'mismatch' } : r,
      );
      renderRows();
      break;
    }
    case 'error':
      model.running = null;
      showError(m.message);
      renderAll();
      break;
  }
});

renderAll();
channel.send({ type: 'ready' });
