// The MT-Bench pairs sample (samples/mtbench-pairs) for tests of pairwise runs: a workspace copy and a scripted
// judge with a position bias whose figures can be worked out by hand.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Responder } from './openaiServer';
import { REPO_ROOT } from './codeServer';
import { tempDir } from './tempDir';

export const PAIR_SAMPLE = path.join(REPO_ROOT, 'samples', 'mtbench-pairs');

export interface SamplePair {
  readonly id: string;
  readonly input: string;
  readonly output_1: string;
  readonly output_2: string;
  readonly preferred: string;
}

export const samplePairs: readonly SamplePair[] = fs
  .readFileSync(path.join(PAIR_SAMPLE, 'mtbench-pairs-100.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as SamplePair);

/** A copy of the sample (dataset and prompt, the prompt edited if asked) with a cache folder. */
export function pairWorkspace(promptEdit: (text: string) => string = (t) => t): { promptPath: string; text: string; cacheFile: string } {
  const dir = tempDir();
  fs.copyFileSync(path.join(PAIR_SAMPLE, 'mtbench-pairs-100.jsonl'), path.join(dir, 'mtbench-pairs-100.jsonl'));
  const text = promptEdit(fs.readFileSync(path.join(PAIR_SAMPLE, 'preference.judge.md'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'preference.judge.md'), text);
  fs.mkdirSync(path.join(dir, '.judge-align'));
  return { promptPath: path.join(dir, 'preference.judge.md'), text, cacheFile: path.join(dir, '.judge-align', 'cache.sqlite') };
}

function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start) + start.length;
  return text.slice(from, text.indexOf(end, from)).trim();
}

/** The pair the sample prompt shows, and which of its fields is response A. */
export function shownPair(userText: string): { pair: SamplePair; first: 'output_1' | 'output_2' } {
  const a = between(userText, '[Response A]: ', '\n\n[Response B]: ');
  const b = between(userText, '[Response B]: ', '\n\nAnswer "A"');
  const pair = samplePairs.find((p) => (p.output_1 === a && p.output_2 === b) || (p.output_1 === b && p.output_2 === a));
  if (!pair) throw new Error('the prompt shows no pair of the sample');
  return { pair, first: pair.output_1 === a ? 'output_1' : 'output_2' };
}

/** Every fourth pair (mt-004, mt-008, ...) gets a judge that always answers "A"; the rest a judge that is right. */
export const biasedPair = (p: SamplePair): boolean => Number(p.id.slice(3)) % 4 === 0;

/** That judge's answer for the prompt: "A" on a biased pair, else the position of the human's choice. */
export function positionBiasedAnswer(userText: string): 'A' | 'B' {
  const { pair, first } = shownPair(userText);
  if (biasedPair(pair)) return 'A';
  return `output_${pair.preferred}` === first ? 'A' : 'B';
}

/** The same judge as a responder, with an explanation naming the pair and the field shown first. */
export const positionBiasedJudge = (): Responder => (input) => {
  const { pair, first } = shownPair(input.userText);
  return { answer: { label: positionBiasedAnswer(input.userText), explanation: `${pair.id}, ${first} shown first` } };
};
