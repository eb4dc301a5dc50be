import type { AlignmentMetrics } from '../metrics/computeMetrics';
import type { ReportInput } from '../judge/runReport';
import { verdictStatus } from '../judge/verdictStatus';
import { formatKappa, formatPercent } from '../format';
import { escapeMarkdownInline } from './markdownText';

/** A run as Markdown: figures per split, confusion, per-label scores, then every mismatch and failure. */
export function markdownReport(input: ReportInput, options: { maxRows?: number } = {}): string {
  const maxRows = options.maxRows ?? 500;
  const { totals } = input;
  const out: string[] = [];
  out.push(`# Judge run #${input.runId}: ${escapeMarkdownInline(input.promptPath)}`, '');
  out.push(
    `Model \`${input.model}\` · dataset \`${input.dataset}\` · split **${input.split}** · status **${input.status}**` +
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
    out.push('', `**Repetitions**: ${totals.flips.flipped} of ${totals.flips.examples} examples changed label between repetitions (${formatPercent(totals.flips.flipRate)}).`);
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
