// A list that renders only the rows in view (plus a margin), at a fixed row height, so 10,000+ rows scroll as
// smoothly as 50. Rows are recycled from a pool; rendering one row is the caller's job.
//
// Row k always lives in pool element k % pool size, so scrolling by one row renders only the row that comes into
// view: the others keep their content and position. For screen readers the list is a listbox whose options say
// where they are in the whole list (aria-posinset, aria-setsize), and the list names its active option
// (aria-activedescendant) while that option is rendered.
export interface VirtualListOptions<T> {
  readonly rowHeight: number;
  readonly render: (item: T, index: number, el: HTMLElement) => void;
  readonly overscan?: number;
}

let lists = 0;

export class VirtualList<T> {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  /** The index each pool element shows (-1: none), so an element already showing its row is left alone. */
  private shownIndex: number[] = [];
  private items: readonly T[] = [];
  private active = -1;
  private frame = 0;
  private readonly idPrefix = `vlist${++lists}-row`;

  constructor(private readonly options: VirtualListOptions<T>) {
    this.element = document.createElement('div');
    this.element.className = 'vlist';
    this.element.setAttribute('role', 'listbox');
    this.element.tabIndex = 0;
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.element.appendChild(this.spacer);
    this.element.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  setItems(items: readonly T[]): void {
    this.items = items;
    this.spacer.style.height = `${items.length * this.options.rowHeight}px`;
    this.refresh();
  }

  /** Renders every row in view again (their data or selection changed). */
  refresh(): void {
    this.shownIndex = this.shownIndex.map(() => -1);
    this.renderNow();
  }

  /** The option screen readers announce as active (the selected row), or -1 for none. */
  setActive(index: number): void {
    this.active = index;
    this.updateActive();
  }

  scrollToIndex(index: number): void {
    const top = index * this.options.rowHeight;
    const bottom = top + this.options.rowHeight;
    const view = this.element;
    if (top < view.scrollTop) view.scrollTop = top;
    else if (bottom > view.scrollTop + view.clientHeight) view.scrollTop = bottom - view.clientHeight;
    this.renderNow();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderNow();
    });
  }

  private renderNow(): void {
    const { rowHeight } = this.options;
    const overscan = this.options.overscan ?? 8;
    const visible = Math.ceil((this.element.clientHeight || 600) / rowHeight) + overscan * 2;
    const first = Math.max(0, Math.min(Math.floor(this.element.scrollTop / rowHeight) - overscan, this.items.length - visible));
    const last = Math.min(this.items.length, first + visible);
    if (this.pool.length < visible) {
      // A taller list: a new pool, every row placed again.
      while (this.pool.length < visible) {
        const el = document.createElement('div');
        el.className = 'vrow';
        el.setAttribute('role', 'option');
        el.style.height = `${rowHeight}px`;
        this.pool.push(el);
        this.spacer.appendChild(el);
      }
      this.shownIndex = this.pool.map(() => -1);
    }
    const size = this.pool.length;
    const setSize = String(this.items.length);
    const used = new Set<number>();
    for (let index = first; index < last; index++) {
      const slot = index % size;
      used.add(slot);
      const el = this.pool[slot]!;
      if (this.shownIndex[slot] === index) continue;
      this.shownIndex[slot] = index;
      el.style.display = '';
      el.style.transform = `translateY(${index * rowHeight}px)`;
      el.id = `${this.idPrefix}-${index}`;
      el.setAttribute('aria-posinset', String(index + 1));
      el.setAttribute('aria-setsize', setSize);
      this.options.render(this.items[index]!, index, el);
    }
    for (let slot = 0; slot < size; slot++) {
      if (used.has(slot) || this.shownIndex[slot] === -2) continue;
      this.shownIndex[slot] = -2;
      this.pool[slot]!.style.display = 'none';
      this.pool[slot]!.removeAttribute('id');
    }
    this.updateActive();
  }

  private updateActive(): void {
    const slot = this.active >= 0 && this.pool.length > 0 ? this.active % this.pool.length : -1;
    if (slot >= 0 && this.shownIndex[slot] === this.active) this.element.setAttribute('aria-activedescendant', `${this.idPrefix}-${this.active}`);
    else this.element.removeAttribute('aria-activedescendant');
  }
}
