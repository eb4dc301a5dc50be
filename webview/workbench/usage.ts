import type { RunUsageView } from '../../src/protocol/workbench';
// The CLI's dollar format, so the two never show one run's cost two ways.
import { formatUsd } from '../../src/core/judge/pricing';

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Tokens at a glance: 950, 41k, 410k, 1.2M. */
export function compactCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${n < 10_000 ? (n / 1000).toFixed(1).replace(/\.0$/, '') : Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** 820 ms below a second, 2.1 s from there. */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The run's cost line for the header, the figures the CLI prints after a run:
 * "1,234 requests (56 cached) · 410k in / 32k out tokens · $0.41 · p50 820 ms / p95 2.1 s".
 */
export function usageText(u: RunUsageView): string {
  const parts = [`${count(u.requests)} request${u.requests === 1 ? '' : 's'} (${count(u.cached)} cached)`];
  const bought = u.promptTokens + u.completionTokens > 0;
  parts.push(`${compactCount(u.promptTokens)} in / ${compactCount(u.completionTokens)} out tokens`);
  // No tokens bought (every answer from the cache) costs nothing; tokens without a price are said to be unknown.
  parts.push(u.usd !== null ? formatUsd(u.usd) : bought ? 'cost unknown (set judgeAlign.prices)' : '$0');
  if (u.latencyMs) parts.push(`p50 ${duration(u.latencyMs.p50)} / p95 ${duration(u.latencyMs.p95)}`);
  return parts.join(' · ');
}
