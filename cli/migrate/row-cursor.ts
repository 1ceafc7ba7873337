import type { SecretRow } from "../../worker/db/schema.ts";
import type { SecretStore } from "../../worker/store/store.ts";

/** Walks a store's rows in id order, one bounded scan at a time, so two sides can be merged row by row. */
export class RowCursor {
  private rows: SecretRow[] = [];
  private index = 0;
  private exhausted = false;

  constructor(
    private readonly store: Pick<SecretStore, "scan">,
    private after: string,
    private readonly chunk: number,
  ) {}

  async peek(): Promise<SecretRow | undefined> {
    if (this.index < this.rows.length) return this.rows[this.index];
    if (this.exhausted) return undefined;
    this.rows = await this.store.scan(this.after, this.chunk);
    this.index = 0;
    if (this.rows.length < this.chunk) this.exhausted = true;
    if (this.rows.length > 0) this.after = this.rows[this.rows.length - 1]!.id;
    return this.rows[0];
  }

  advance(): void {
    this.index++;
  }
}
