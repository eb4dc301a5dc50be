import { parseAnswer } from '../src/core/judge/answer';
import type { BenchResult } from './types';

const MB = 1_000_000;
const LABELS = ['yes', 'no'];
/** The same hostile answers as test/unit/judge/boundedAnswers.test.ts: each made to be scanned to its end from every position. */
const HOSTILE: Record<string, string> = {
  'opening braces': '{'.repeat(MB),
  'braces and quotes': '{"'.repeat(MB / 2),
  'unclosed tags': '<label>'.repeat(MB / 7),
  'unclosed fences': '```{'.repeat(MB / 4),
  'words and spaces': `${'maybe '.repeat(MB / 6)}{`,
  'many lines': 'x\n'.repeat(MB / 2),
};
/** A hostile answer may cost this many times a normal answer of its size, at most. */
const TARGET_RATIO = 20;

/**
 * parseAnswer on megabyte answers built to be hostile (unbounded, the worst took minutes of CPU), against the
 * baseline of a normal answer of the same size: a megabyte of reasoning, then the JSON verdict. The ratio is what
 * a hostile answer costs beyond a normal one; bounded parsing keeps it small whatever the answer's size. A short
 * normal answer is timed too, for scale.
 */
export async function benchAnswer(): Promise<BenchResult> {
  const reasoning = 'Step by step, the claim checks out against the passage.\n';
  const normalLong = `${reasoning.repeat(Math.ceil(MB / reasoning.length))}{"explanation": "all claims hold", "label": "no"}`;
  const normalShort = `${reasoning}{"explanation": "all claims hold", "label": "no"}`;
  const baseline = timePerParse(normalLong);
  const short = timePerParse(normalShort);
  const lines = [
    `  normal, 1 MB (base)    ${fmt(baseline)}  (a megabyte of reasoning, then the JSON verdict)`,
    `  normal, short          ${fmt(short)}`,
  ];
  const data: Record<string, number> = { baselineMs: baseline, shortMs: short };
  let worst = 0;
  for (const [name, text] of Object.entries(HOSTILE)) {
    const ms = timePerParse(text);
    const ratio = ms / baseline;
    worst = Math.max(worst, ratio);
    lines.push(`  ${name.padEnd(22)} ${fmt(ms)}  ${ratio.toFixed(1)}x the base`);
    data[`${name}Ms`] = ms;
  }
  lines.push(`  worst ratio to base    ${worst.toFixed(1)}x  (target ≤ ${TARGET_RATIO}x)${worst <= TARGET_RATIO ? '' : '  OVER TARGET'}`);
  data.worstRatio = worst;
  return { name: 'answer parsing, hostile megabyte answers', lines, data };
}

/** Milliseconds per parse: the median of 7 rounds after a warm-up, each round repeated to last at least 20 ms. */
function timePerParse(text: string): number {
  for (let i = 0; i < 3; i++) parseAnswer(text, LABELS);
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    let n = 0;
    const started = performance.now();
    do {
      parseAnswer(text, LABELS);
      n++;
    } while (performance.now() - started < 20);
    rounds.push((performance.now() - started) / n);
  }
  return rounds.sort((a, b) => a - b)[3]!;
}

const fmt = (ms: number) => `${ms.toFixed(3).padStart(9)} ms`;

if (require.main === module) void benchAnswer().then((r) => console.log([`# ${r.name}`, ...r.lines].join('\n')));
