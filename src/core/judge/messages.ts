import type { JudgeConfig } from './frontMatter';
import type { CompiledTemplate } from './template';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/**
 * The system message states the answer contract and what each label means; the user message is the
 * rendered prompt. Deterministic: the messages are part of the response-cache key.
 */
export function systemMessage(config: JudgeConfig): string {
  const lines = [
    'You are an evaluator. Read the task below and answer with a JSON object {"explanation": string, "label": string}.',
    'Write the explanation first: the reasons for your decision, briefly. Then the label.',
    `The label must be exactly one of: ${config.labels.map((l) => JSON.stringify(l)).join(', ')}.`,
  ];
  const defined = config.labels.filter((l) => config.definitions[l]);
  if (defined.length > 0) {
    lines.push('', 'Labels:');
    for (const l of defined) lines.push(`- ${l}: ${config.definitions[l]}`);
  }
  if (config.system?.trim()) lines.push('', config.system.trim());
  return lines.join('\n');
}

export function buildJudgeMessages(
  config: JudgeConfig,
  template: CompiledTemplate,
  row: Record<string, unknown>,
  system: string = systemMessage(config),
): { messages: ChatMessage[]; missing: string[] } {
  const rendered = template(row);
  return {
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: rendered.text.trim() },
    ],
    missing: rendered.missing,
  };
}
