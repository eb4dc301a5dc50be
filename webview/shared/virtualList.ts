// A list that renders only the rows in view (plus a margin), at a fixed row height, so 10,000+ rows scroll as
// smoothly as 50. Rows are recycled from a pool; rendering one row is the caller's job.
export interface VirtualListOptions<T> {
  readonly rowHeight: number;
  readonly render: (item: T, index: number, el: HTMLElement) => void;
  readonly overscan?: number;
}

export class VirtualList<T> {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private items: readonly T[] = [];
  private frame = 0;

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
    this.renderNow();
  }

  refresh(): void {
    this.renderNow();
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
    const first = Math.max(0, Math.floor(this.element.scrollTop / rowHeight) - overscan);
    const visible = Math.ceil((this.element.clientHeight || 600) / rowHeight) + overscan * 2;
    const last = Math.min(this.items.length, first + visible);
    const needed = last - first;
    while (this.pool.length < needed) {
      const el = document.createElement('div');
      el.className = 'vrow';
      el.setAttribute('role', 'option');
      el.style.height = `${rowHeight}px`;
      this.pool.push(el);
      this.spacer.appendChild(el);
    }
    for (let i = 0; i < this.pool.length; i++) {
      const el = this.pool[i]!;
      const index = first + i;
      if (index < last) {
        el.style.display = '';
        el.style.transform = `translateY(${index * rowHeight}px)`;
        this.options.render(this.items[index]!, index, el);
      } else {
        el.style.display = 'none';
      }
    }
  }
}
