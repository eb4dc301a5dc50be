import type { AlignmentMetrics } from '../metrics/computeMetrics';
import type { ReportInput } from '../judge/runReport';
import { verdictStatus } from '../judge/verdictStatus';
import { formatKappa, formatPercent } from '../format';
import { escapeMarkdownInline } from './markdownText';
import { judgedPairs } from '../pairwise/pairRuns';
import type { Position } from '../pairwise/pairVerdicts';
import { pairOutcome, type JudgedPair } from '../pairwise/positionBias';

/** A run as Markdown: figures per split, confusion, per-label scores, then every mismatch and failure. */
export function markdownReport(input: ReportInput, options: { maxRows?: number } = {}): string {
  const maxRows = options.maxRows ?? 500;
  const { totals } = input;
  const out: string[] = [];
  out.push(`# Judge run #${input.runId}: ${escapeMarkdownInline(input.promptPath)}`, '');
  out.push(
    `${escapeMarkdownInline(input.source)} · dataset \`${input.dataset}\` · split **${input.split}** · status **${input.status}**` +
      (input.startedAt ? ` · ${input.startedAt}` : ''),
    '',
  );
  out.push('| split | scored | agreement | 95% CI | kappa | failed | unlabelled |', '|---|---:|---:|---|---:|---:|---:|');
  for (const [name, m] of Object.entries(totals.metrics) as [string, AlignmentMetrics][]) {
    if (name !== 'all' && m.n === 0 && m.errors === 0) continue;
    const ci = m.agreementCi ? `${formatPercent(m.agreementCi[0])} – ${formatPercent(m.agreementCi[1])}` : '–';
    out.push(`| ${name} | ${m.n} | ${formatPercent(m.agreement)} | ${ci} | ${formatKappa(m.kappa)} | ${m.errors} | ${name === 'all' ? totals.unlabelled : ''} |`);
  }
  out.push('');
  out.push(
    `${totals.requests} judge calls planned: ${totals.requestsMade} sent, ${totals.cacheHits} answered from the cache, ` +
      `${totals.resumedRows} kept from the interrupted run. Tokens: ${totals.promptTokens} in, ${totals.completionTokens} out. ` +
      `${(totals.durationMs / 1000).toFixed(1)} s.`,
    '',
  );
  const all = totals.metrics.all;
  out.push('## Confusion (rows: human, columns: judge)', '');
  const judgeLabels = [...input.labels];
  out.push(`| human \\ judge | ${judgeLabels.map((l) => escapeMarkdownInline(l)).join(' | ')} |`, `|---|${judgeLabels.map(() => '---:').join('|')}|`);
  for (const [human, row] of Object.entries(all.confusion)) {
    out.push(`| **${escapeMarkdownInline(human)}** | ${judgeLabels.map((j) => row[j] ?? 0).join(' | ')} |`);
  }
  out.push('', '## Per label', '', '| label | precision | recall | F1 | support |', '|---|---:|---:|---:|---:|');
  for (const [label, s] of Object.entries(all.perLabel)) {
    out.push(`| ${escapeMarkdownInline(label)} | ${formatPercent(s.precision)} | ${formatPercent(s.recall)} | ${formatKappa(s.f1)} | ${s.support} |`);
  }
  if (all.binary) {
    const b = all.binary;
    out.push(
      '',
      `**Binary (positive = \`${escapeMarkdownInline(b.positive)}\`)**: TPR ${formatPercent(b.tpr)}, TNR ${formatPercent(b.tnr)}, ` +
        `observed pass rate ${formatPercent(b.observedPassRate)}, bias-corrected ${b.estimable ? formatPercent(b.correctedPassRate) : `not estimable (${b.reason ?? 'TPR + TNR ≤ 1'})`}` +
        (b.estimable && b.correctedPassRateCi ? ` (95% CI ${formatPercent(b.correctedPassRateCi[0])} – ${formatPercent(b.correctedPassRateCi[1])})` : ''),
    );
  }
  if (totals.flips) {
    out.push('', `**Repetitions**: ${totals.flips.flipped} of ${totals.flips.examples} ${input.pairwise ? 'pairs' : 'examples'} changed ${input.pairwise ? 'verdict' : 'label'} between repetitions (${formatPercent(totals.flips.flipRate)}).`);
    const unstable = totals.unstableRows ?? [];
    if (unstable.length > 0) out.push('', `Unstable: ${unstable.slice(0, 100).map((id) => escapeMarkdownInline(id, 80)).join(', ')}${unstable.length > 100 ? ` and ${unstable.length - 100} more` : ''}.`);
  }
  if (input.pairwise && totals.pairwise) {
    const p = totals.pairwise;
    out.push(
      '',
      '## Position and length',
      '',
      `${p.position.consistent} of ${p.position.pairs} pairs judged both ways agree across orders (consistency ${formatPercent(p.position.consistency)}). ` +
        `The response shown first won ${p.position.firstShownWins} of ${p.position.decided} decided verdicts (${formatPercent(p.position.firstShownRate)}; 50% is no position bias). ` +
        `As written: ${formatPercent(p.byOrder.original.agreement)} agreement; swapped: ${formatPercent(p.byOrder.swapped.agreement)}. ` +
        `On ${p.verbosity.pairs} pairs of clearly different length the judge picked the longer in ${formatPercent(p.verbosity.judgeLongerRate)}, the humans in ${formatPercent(p.verbosity.humanLongerRate)}.`,
    );
    out.push('', ...pairMismatchLines(input, maxRows), '');
    return out.join('\n');
  }
  const first = input.verdicts.filter((v) => v.repetition === 0);
  const mismatches = first.filter((v) => verdictStatus(v) === 'mismatch');
  const failed = first.filter((v) => verdictStatus(v) === 'failed');
  out.push('', `## Mismatches (${mismatches.length})`, '');
  if (mismatches.length === 0) out.push('None.');
  else {
    out.push('| row | split | human | judge | explanation |', '|---|---|---|---|---|');
    for (const v of mismatches.slice(0, maxRows)) {
      out.push(
        `| ${escapeMarkdownInline(v.exampleId)} | ${v.split} | ${escapeMarkdownInline(v.humanLabel ?? '')} | ${escapeMarkdownInline(v.label ?? '')} | ${escapeMarkdownInline(v.explanation ?? '', 400)} |`,
      );
    }
    if (mismatches.length > maxRows) out.push('', `…and ${mismatches.length - maxRows} more.`);
  }
  out.push('', `## Failed rows (${failed.length})`, '');
  if (failed.length === 0) out.push('None.');
  else {
    out.push('| row | reason |', '|---|---|');
    for (const v of failed.slice(0, maxRows)) out.push(`| ${escapeMarkdownInline(v.exampleId)} | ${escapeMarkdownInline(v.error ?? '', 300)} |`);
    if (failed.length > maxRows) out.push('', `…and ${failed.length - maxRows} more.`);
  }
  out.push('');
  return out.join('\n');
}

/** A pairwise run's disagreements, a pair a row: the humans' choice, the combined verdict, each order's answer. */
function pairMismatchLines(input: ReportInput, maxRows: number): string[] {
  const config = input.pairwise!;
  const judged = judgedPairs(input.verdicts, input.repeat, config).map((pair) => ({ pair, outcome: pairOutcome(pair, config) }));
  const wrong = judged.filter(({ pair, outcome }) => 'value' in outcome && outcome.value !== pair.human);
  const failed = judged.filter(({ outcome }) => 'failed' in outcome);
  const out = [`## Pairs the judge got wrong (${wrong.length})`, ''];
  if (wrong.length === 0) out.push('None.');
  else {
    out.push('| pair | split | human | judge | as written | swapped |', '|---|---|---|---|---|---|');
    const answer = (pair: JudgedPair, position: Position) => pair.orders.find((o) => o.position === position)?.answer ?? '–';
    for (const { pair, outcome } of wrong.slice(0, maxRows)) {
      out.push(`| ${escapeMarkdownInline(pair.id)} | ${pair.split ?? ''} | ${escapeMarkdownInline(pair.human ?? '')} | ${escapeMarkdownInline((outcome as { value: string }).value)} | ${answer(pair, 'original')} | ${answer(pair, 'swapped')} |`);
    }
    if (wrong.length > maxRows) out.push('', `…and ${wrong.length - maxRows} more.`);
  }
  out.push('', `## Failed pairs (${failed.length})`, '');
  if (failed.length === 0) out.push('None.');
  else for (const { pair, outcome } of failed.slice(0, maxRows)) out.push(`- ${escapeMarkdownInline(pair.id)}: ${escapeMarkdownInline((outcome as { failed: string }).failed, 300)}`);
  return out;
}
