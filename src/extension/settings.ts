import * as vscode from 'vscode';
import { z } from 'zod';

// Each setting is parsed on its own and falls back to its default, so one bad value in
// settings.json never throws away the others.
const fields = {
  baseUrl: z.string().trim().default(''),
  model: z.string().trim().min(1).default('gpt-4o-mini'),
  concurrency: z.number().int().min(1).max(128).default(8),
  requestTimeoutSeconds: z.number().min(1).default(60),
  maxRetries: z.number().int().min(0).max(10).default(4),
  devSplitRatio: z.number().min(0.05).max(0.95).default(0.7),
  cachePath: z.string().trim().min(1).default('.judge-align/cache.sqlite'),
  codeLensEnabled: z.boolean().default(true),
  confirmRunAbove: z.number().int().min(0).default(500),
  prices: z.record(z.string(), z.object({ input: z.number().min(0), output: z.number().min(0) })).default({}),
};

const keys: Record<keyof typeof fields, string> = {
  baseUrl: 'baseUrl',
  model: 'model',
  concurrency: 'concurrency',
  requestTimeoutSeconds: 'requestTimeoutSeconds',
  maxRetries: 'maxRetries',
  devSplitRatio: 'devSplitRatio',
  cachePath: 'cachePath',
  codeLensEnabled: 'codeLens.enabled',
  confirmRunAbove: 'confirmRunAbove',
  prices: 'prices',
};

export type Settings = { [K in keyof typeof fields]: z.output<(typeof fields)[K]> };

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration('judgeAlign', scope);
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(fields)) {
    const raw = config.get(keys[name as keyof typeof fields]);
    const parsed = schema.safeParse(raw === null ? undefined : raw);
    out[name] = parsed.success ? parsed.data : schema.parse(undefined);
  }
  return out as Settings;
}

export function affectsJudgeAlign(e: vscode.ConfigurationChangeEvent, key?: string): boolean {
  return e.affectsConfiguration(key ? `judgeAlign.${key}` : 'judgeAlign');
}
