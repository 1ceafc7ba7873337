/** One measurement of the database's size, as every source reports its history. */
export interface SizePoint {
  /** Epoch milliseconds. */
  t: number;
  bytes: number;
}
