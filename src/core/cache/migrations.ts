/**
 * Schema versions, applied in order inside one transaction; `PRAGMA user_version` records the last one.
 * Never edit a released migration: add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sources(
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    config_json TEXT NOT NULL DEFAULT '{}',
    cursor TEXT,
    synced_at TEXT
  );
  CREATE TABLE datasets(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    source_id INTEGER REFERENCES sources(id),
    created_at TEXT NOT NULL
  );
  CREATE TABLE examples(
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    external_id TEXT NOT NULL,
    input TEXT,
    output TEXT,
    fields_json TEXT NOT NULL DEFAULT '{}',
    link TEXT,
    content_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE(dataset_id, external_id)
  );
  CREATE TABLE annotations(
    id INTEGER PRIMARY KEY,
    example_id INTEGER NOT NULL REFERENCES examples(id),
    name TEXT NOT NULL,
    label TEXT,
    score REAL,
    explanation TEXT,
    annotator_kind TEXT NOT NULL CHECK (annotator_kind IN ('HUMAN', 'LLM', 'CODE')),
    author TEXT NOT NULL,
    note TEXT,
    needs_review INTEGER NOT NULL DEFAULT 0,
    source_ref TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE(example_id, name, author)
  );
  CREATE INDEX annotations_by_name ON annotations(name, example_id);
  CREATE TABLE runs(
    id INTEGER PRIMARY KEY,
    prompt_path TEXT NOT NULL,
    prompt_text TEXT NOT NULL,
    prompt_hash TEXT NOT NULL,
    model TEXT NOT NULL,
    base_url TEXT NOT NULL,
    params_json TEXT NOT NULL DEFAULT '{}',
    dataset TEXT NOT NULL,
    split TEXT NOT NULL CHECK (split IN ('all', 'dev', 'test')),
    repeat INTEGER NOT NULL DEFAULT 1,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'failed', 'interrupted')),
    totals_json TEXT,
    pid INTEGER,
    host TEXT
  );
  CREATE INDEX runs_by_prompt ON runs(prompt_path, id);
  CREATE TABLE verdicts(
    run_id INTEGER NOT NULL REFERENCES runs(id),
    example_id TEXT NOT NULL,
    repetition INTEGER NOT NULL DEFAULT 0,
    split TEXT NOT NULL,
    human_label TEXT,
    label TEXT,
    explanation TEXT,
    raw TEXT,
    error TEXT,
    latency_ms REAL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    cache_key TEXT NOT NULL,
    cached INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, example_id, repetition)
  );
  CREATE TABLE responses(
    cache_key TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    explanation TEXT NOT NULL,
    raw TEXT NOT NULL,
    latency_ms REAL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    created_at TEXT NOT NULL
  );
  `,
  // 2: annotations defined in the editor (not by a prompt file): their kind and labels, per dataset.
  `
  CREATE TABLE label_configs(
    name TEXT NOT NULL,
    dataset_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('categorical', 'binary', 'score')),
    labels_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (dataset_key, name)
  );
  `,
  // 3: a verdict whose answer is its cached response (a re-run, a cache hit, a fresh answer saved with it) refers to
  // the response by `response_id` and keeps neither its raw answer, its explanation nor its cache key: reads take
  // them from the response. Responses get an INTEGER PRIMARY KEY for that, as VACUUM may renumber a plain rowid.
  // The verdicts of older runs that copied their response's text become references; the space is reclaimed by
  // the next compaction (VACUUM). Row order (rowid) is kept: verdicts are listed in the order they were saved.
  `
  CREATE TABLE responses_v3(
    id INTEGER PRIMARY KEY,
    cache_key TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    explanation TEXT NOT NULL,
    raw TEXT NOT NULL,
    latency_ms REAL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    created_at TEXT NOT NULL
  );
  INSERT INTO responses_v3(cache_key, label, explanation, raw, latency_ms, prompt_tokens, completion_tokens, created_at)
    SELECT cache_key, label, explanation, raw, latency_ms, prompt_tokens, completion_tokens, created_at FROM responses ORDER BY rowid;
  DROP TABLE responses;
  ALTER TABLE responses_v3 RENAME TO responses;
  CREATE TABLE verdicts_v3(
    run_id INTEGER NOT NULL REFERENCES runs(id),
    example_id TEXT NOT NULL,
    repetition INTEGER NOT NULL DEFAULT 0,
    split TEXT NOT NULL,
    human_label TEXT,
    label TEXT,
    explanation TEXT,
    raw TEXT,
    error TEXT,
    latency_ms REAL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    cache_key TEXT,
    cached INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    response_id INTEGER REFERENCES responses(id),
    PRIMARY KEY (run_id, example_id, repetition),
    CHECK ((response_id IS NULL) = (cache_key IS NOT NULL))
  );
  INSERT INTO verdicts_v3
    SELECT v.run_id, v.example_id, v.repetition, v.split, v.human_label, v.label,
      CASE WHEN r.id IS NULL THEN v.explanation END, CASE WHEN r.id IS NULL THEN v.raw END, v.error, v.latency_ms,
      v.prompt_tokens, v.completion_tokens, CASE WHEN r.id IS NULL THEN v.cache_key END, v.cached, v.created_at, r.id
    FROM verdicts v
    LEFT JOIN responses r ON v.error IS NULL AND r.cache_key = v.cache_key AND r.raw = v.raw AND r.explanation = v.explanation
    ORDER BY v.rowid;
  DROP TABLE verdicts;
  ALTER TABLE verdicts_v3 RENAME TO verdicts;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Marks the file as ours ('JALG'), so another app's SQLite file is refused, not migrated. */
export const APPLICATION_ID = 0x4a414c47;
