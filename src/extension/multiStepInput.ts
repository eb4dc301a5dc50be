import * as vscode from 'vscode';

/**
 * VS Code's multi-step quick input pattern: each step is a quick pick or an input box titled with the flow and
 * "(step/total)", with a Back button from the second step on. A step answers `'back'` (Back was pressed) or
 * undefined (Escape, or focus left: the flow stops, nothing is written).
 */
export const BACK = 'back' as const;
export type StepAnswer<T> = T | typeof BACK | undefined;

export interface StepPosition {
  readonly title: string;
  readonly step: number;
  readonly totalSteps: number;
}

/** Runs `steps` in order; Back goes to the previous one. True when the last step finished, false when cancelled. */
export async function runSteps(steps: readonly ((position: StepPosition) => Promise<'next' | typeof BACK | undefined>)[], title: string): Promise<boolean> {
  let i = 0;
  while (i < steps.length) {
    const answer = await steps[i]!({ title, step: i + 1, totalSteps: steps.length });
    if (answer === undefined) return false;
    i = answer === BACK ? Math.max(0, i - 1) : i + 1;
  }
  return true;
}

function place(input: vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[] }, position: StepPosition): void {
  input.title = position.title;
  input.step = position.step;
  input.totalSteps = position.totalSteps;
  input.buttons = position.step > 1 ? [vscode.QuickInputButtons.Back] : [];
  input.ignoreFocusOut = true;
}

export interface PickOneOptions<T extends vscode.QuickPickItem> {
  readonly placeholder: string;
  readonly items: readonly T[];
  readonly active?: T;
  readonly matchOnDescription?: boolean;
  /** Items that arrive later (the cache's datasets): added below the others, the list busy until then. */
  readonly more?: Promise<readonly T[]>;
  /** Work to do on the picked item before the next step (reading a file), with the list busy; false stays here. */
  readonly accept?: (item: T) => Promise<boolean>;
}

export function pickOne<T extends vscode.QuickPickItem>(position: StepPosition, options: PickOneOptions<T>): Promise<StepAnswer<T>> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<T>();
    place(pick, position);
    pick.placeholder = options.placeholder;
    pick.matchOnDescription = options.matchOnDescription ?? true;
    pick.items = options.items;
    if (options.active) pick.activeItems = [options.active];
    let answer: StepAnswer<T>;
    let done = false;
    const finish = (value: StepAnswer<T>) => {
      answer = value;
      done = true;
      pick.hide();
    };
    if (options.more) {
      pick.busy = true;
      void options.more.then(
        (more) => {
          if (done) return;
          const active = pick.activeItems;
          pick.items = [...pick.items, ...more];
          if (active.length > 0) pick.activeItems = active;
          pick.busy = false;
        },
        () => (pick.busy = false),
      );
    }
    pick.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(BACK));
    pick.onDidAccept(async () => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (!item || pick.busy) return;
      if (options.accept) {
        pick.busy = true;
        pick.enabled = false;
        const ok = await options.accept(item).catch(() => false);
        if (done) return;
        pick.busy = false;
        pick.enabled = true;
        if (!ok) return;
      }
      finish(item);
    });
    pick.onDidHide(() => {
      done = true;
      pick.dispose();
      resolve(answer);
    });
    pick.show();
  });
}

export interface PickManyOptions<T extends vscode.QuickPickItem> {
  readonly placeholder: string;
  readonly items: readonly T[];
  readonly selected: readonly T[];
  /** Why this selection cannot go on (shown as the placeholder), or undefined when it can. */
  readonly validate: (selected: readonly T[]) => string | undefined;
}

export function pickMany<T extends vscode.QuickPickItem>(position: StepPosition, options: PickManyOptions<T>): Promise<StepAnswer<T[]>> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<T>();
    place(pick, position);
    pick.canSelectMany = true;
    pick.placeholder = options.placeholder;
    pick.matchOnDescription = true;
    pick.items = options.items;
    pick.selectedItems = options.selected;
    let answer: StepAnswer<T[]>;
    const finish = (value: StepAnswer<T[]>) => {
      answer = value;
      pick.hide();
    };
    pick.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(BACK));
    pick.onDidChangeSelection(() => (pick.placeholder = options.placeholder));
    pick.onDidAccept(() => {
      const problem = options.validate(pick.selectedItems);
      if (problem) {
        pick.placeholder = problem;
        pick.value = '';
        return;
      }
      finish([...pick.selectedItems]);
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(answer);
    });
    pick.show();
  });
}

export interface InputTextOptions {
  readonly prompt: string;
  readonly value: string;
  /** The part of `value` selected at first, so typing replaces it. */
  readonly selection?: readonly [number, number];
  readonly validate: (value: string) => Promise<string | undefined>;
}

export function inputText(position: StepPosition, options: InputTextOptions): Promise<StepAnswer<string>> {
  return new Promise((resolve) => {
    const input = vscode.window.createInputBox();
    place(input, position);
    input.prompt = options.prompt;
    input.value = options.value;
    if (options.selection) input.valueSelection = options.selection;
    let answer: StepAnswer<string>;
    let checked = 0;
    const check = async (value: string): Promise<string | undefined> => {
      const mine = ++checked;
      const problem = await options.validate(value);
      if (mine === checked) input.validationMessage = problem;
      return problem;
    };
    input.onDidChangeValue((v) => void check(v));
    input.onDidTriggerButton((b) => {
      if (b !== vscode.QuickInputButtons.Back) return;
      answer = BACK;
      input.hide();
    });
    input.onDidAccept(async () => {
      const value = input.value;
      input.busy = true;
      const problem = await check(value);
      input.busy = false;
      if (problem) return;
      answer = value;
      input.hide();
    });
    input.onDidHide(() => {
      input.dispose();
      resolve(answer);
    });
    input.show();
    void check(options.value);
  });
}
