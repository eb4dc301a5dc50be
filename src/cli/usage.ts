// Every command's usage text, apart from the commands themselves: `judge-align --help` and `<command> --help`
// load this module only, not the cache, the clients or the parsers (CLI startup is measured in `npm run bench`).
import { DEFAULT_KEEP_PER_PROMPT } from '../core/cache/retention';

export const RUN_USAGE = `  judge-align run <file.judge.md> [options]     run the judge over the labelled rows

Options for run:
  --split all|dev|test        which rows (default: the prompt's split, else all)
  --concurrency N             requests in flight (default 8)
  --base-url URL              OpenAI-compatible endpoint (default: prompt, OPENAI_BASE_URL, OpenAI)
  --allow-prompt-endpoint     let a base_url named only in the prompt file receive the rows and OPENAI_API_KEY
                              (without it such a run stops before any request, exit 2; --base-url or
                              OPENAI_BASE_URL naming the same origin allows it too)
  --model NAME                model (default: prompt, else gpt-4o-mini)
  --repeat N                  judge each row N times and report flips
  --fail-under-agreement X    exit 1 when agreement < X (a fraction, 0..1)
  --fail-under-kappa X        exit 1 when Cohen's kappa < X
  --retry-failed              ask again for rows whose earlier answer was unusable (unparseable, a label
                              outside the set); without it such answers are kept and read again, not bought
  --timeout SECONDS           per request (default 60)
  --max-retries N             for 429, 5xx, timeouts (default 4)
  --cache PATH                the SQLite cache (default: .judge-align/cache.sqlite above the prompt, or here)
  --force                     send even when a variable renders an object or list, or every row would get
                              the same prompt (without it such a run stops before any request, exit 2)
  --strict                    treat the prompt's warnings (the ones the editor shows: unknown front matter keys,
                              a {{ that starts no variable, no variables, variables empty in most rows, human labels
                              outside labels) as errors: the run stops before any request, exit 2
  --json                      print one JSON object (metrics.n, metrics.agreement, metrics.kappa,
                              metrics.confusion, metrics.errors, mismatches, failed, ...); a run that fails,
                              before it starts or after, prints {"error": {"name", "message"}, "exitCode"}
`;

export const IMPORT_USAGE = `  judge-align import <file> --dataset NAME [options]
                                                import a .jsonl, .csv, .tsv or .parquet file into the cache

Options for import:
  --dataset NAME              the cache dataset the rows go to (a prompt's \`dataset:\`)
  --id COL                    row id column (default: "id" if present, else the line or row number)
  --input COL, --output COL   the example's input and output (nested JSON as dotted paths: request.messages.0.content)
  --label COL                 the human label column
  --label-name NAME           the annotation name labels are saved under (default: the label column)
  --explanation COL           the labeller's explanation column
  --author NAME               who labelled the file (default: file-import)
  --skip-bad-rows             import every good row and list the bad ones (default: stop at the first bad row)
  --cache PATH                the SQLite cache (default: .judge-align/cache.sqlite here or above)
  --json                      print one JSON object (rows, inserted, updated, unchanged, annotations, skipped, ...)
`;

export const CACHE_USAGE = `  judge-align cache prune [--keep N] [--cache PATH] [--json]
                                                drop what no kept run needs, then VACUUM. Kept: the latest N runs of
                                                each prompt (default ${DEFAULT_KEEP_PER_PROMPT}), the run each of them is compared with
                                                by default (the completed run before it), runs in progress; then the
                                                cached answers no kept run refers to go (re-running an older prompt
                                                version pays for its answers again)`;

export const COMPARE_USAGE = `  judge-align compare <file.judge.md> [--base RUN] [--head RUN] [--force] [--json]
                                                what changed between two runs (default: the last run and the latest
                                                earlier one of the same split, dataset and endpoint; runs that differ
                                                in those are refused unless --force)
`;

export const PULL_USAGE = `  judge-align pull [SOURCE...] [--workspace DIR] [--full] [--json]
                                                pull annotated traces from the sources in judge-align.sources.json
                                                (Phoenix, LangSmith, Langfuse, Arize AX or an AX export file) into the cache;
                                                --full re-reads everything
`;

export const FOOTER = `Environment: OPENAI_API_KEY, OPENAI_BASE_URL; for pull: PHOENIX_API_KEY, LANGSMITH_API_KEY, LANGFUSE_PUBLIC_KEY,
             LANGFUSE_SECRET_KEY, ARIZE_API_KEY.
Exit codes: 0 ok, 1 under a --fail-under threshold, 2 bad usage or prompt/dataset error (or warnings under --strict),
            3 the run failed (every row failed, the endpoint cannot answer, or the cache could not be written), 130 cancelled.
`;

/** Each command's usage, for `judge-align <command> --help`; the whole help lists them all, grouped by command. */
export const USAGE: Record<string, string> = { run: RUN_USAGE, compare: COMPARE_USAGE, pull: PULL_USAGE, import: IMPORT_USAGE, cache: `${CACHE_USAGE}\n` };

export const HELP = `judge-align: align LLM-as-a-judge prompts with human labels

Commands (judge-align <command> --help for one):
${Object.values(USAGE).join('\n')}
${FOOTER}`;

