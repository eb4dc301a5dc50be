import * as vscode from 'vscode';

export interface ActiveRun {
  readonly promptPath: string;
  readonly cancellation: vscode.CancellationTokenSource;
  done: number;
  total: number;
}

/** The runs in flight, one per prompt file, so lenses and commands can show and cancel them. */
export class ActiveRuns implements vscode.Disposable {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;

  get(promptPath: string): ActiveRun | undefined {
    return this.runs.get(promptPath);
  }

  start(promptPath: string): ActiveRun {
    const run: ActiveRun = { promptPath, cancellation: new vscode.CancellationTokenSource(), done: 0, total: 0 };
    this.runs.set(promptPath, run);
    this.changed.fire(promptPath);
    return run;
  }

  progress(run: ActiveRun, done: number, total: number): void {
    run.done = done;
    run.total = total;
    this.changed.fire(run.promptPath);
  }

  end(run: ActiveRun): void {
    if (this.runs.get(run.promptPath) === run) this.runs.delete(run.promptPath);
    run.cancellation.dispose();
    this.changed.fire(run.promptPath);
  }

  dispose(): void {
    for (const run of this.runs.values()) run.cancellation.cancel();
    this.changed.dispose();
  }
}
