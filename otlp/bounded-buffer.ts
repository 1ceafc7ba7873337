/** A FIFO with a hard cap: pushes beyond it are refused (the caller counts them as dropped). */
export class BoundedBuffer<T> {
  #items: T[] = [];
  constructor(readonly capacity: number) {}

  push(item: T): boolean {
    if (this.#items.length >= this.capacity) return false;
    this.#items.push(item);
    return true;
  }

  /** Everything buffered so far, leaving the buffer empty. */
  take(): T[] {
    const items = this.#items;
    this.#items = [];
    return items;
  }

  get size(): number {
    return this.#items.length;
  }
}
