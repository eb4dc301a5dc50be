import type { RunSummaryView } from '../../src/protocol/workbench';

const NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/**
 * Agreement (solid), kappa (dashed) and, for a pairwise judge, consistency across orders (dotted) per run, oldest left. A point is a button: clicking it (or Enter or Space on it)
 * opens that run. Drawn with the theme's colours; no chart library needed for two lines.
 */
export function historyChart(runs: readonly RunSummaryView[], current: number | undefined, open: (runId: number) => void): SVGSVGElement {
  const width = 320;
  const height = 120;
  const pad = { l: 30, r: 8, t: 8, b: 18 };
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'history', role: 'group', 'aria-label': runs.some((r) => r.consistency != null) ? 'Agreement, kappa and consistency per run' : 'Agreement and kappa per run' });
  const x = (i: number) => pad.l + (runs.length <= 1 ? (width - pad.l - pad.r) / 2 : (i * (width - pad.l - pad.r)) / (runs.length - 1));
  const y = (v: number) => pad.t + (1 - Math.max(-0.2, Math.min(1, v))) * (height - pad.t - pad.b) / 1.2;
  for (const tick of [0, 0.5, 1]) {
    root.appendChild(svg('line', { x1: pad.l, x2: width - pad.r, y1: y(tick), y2: y(tick), class: 'grid' }));
    const label = svg('text', { x: 2, y: y(tick) + 3, class: 'axis' });
    label.textContent = tick.toFixed(1);
    root.appendChild(label);
  }
  const series = (pick: (r: RunSummaryView) => number | null, cls: string) => {
    const pts = runs.map((r, i) => [i, pick(r)] as const).filter((p): p is readonly [number, number] => p[1] !== null);
    if (pts.length > 1) root.appendChild(svg('polyline', { points: pts.map(([i, v]) => `${x(i)},${y(v)}`).join(' '), class: `line ${cls}` }));
    for (const [i, v] of pts) {
      const run = runs[i]!;
      const dot = svg('circle', { cx: x(i), cy: y(v), r: run.runId === current ? 5 : 3.5, class: `dot ${cls}${run.runId === current ? ' current' : ''}`, tabindex: 0, role: 'button', 'data-run': run.runId });
      const title = svg('title', {});
      const consistency = run.consistency != null ? `, consistency ${(run.consistency * 100).toFixed(1)}%` : '';
      title.textContent = `Run #${run.runId} (${run.split}, ${run.modelText} at ${run.endpoint}): agreement ${run.agreement === null ? '–' : (run.agreement * 100).toFixed(1) + '%'}, κ ${run.kappa === null ? '–' : run.kappa.toFixed(2)}${consistency}`;
      dot.appendChild(title);
      dot.addEventListener('click', () => open(run.runId));
      dot.setAttribute('aria-label', `${cls === 'kappa' ? 'Kappa point' : 'Agreement point'}, ${title.textContent}: opens the run`);
      dot.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        // Space would scroll the page: a button takes it.
        e.preventDefault();
        open(run.runId);
      });
      root.appendChild(dot);
    }
  };
  series((r) => r.consistency ?? null, 'consistency');
  series((r) => r.kappa, 'kappa');
  series((r) => r.agreement, 'agreement');
  return root;
}
