/** A number from the operating envelope, with its unit and why it is what it is. */
export interface Quantity<U extends string = string> {
  readonly value: number;
  readonly unit: U;
  readonly reason: string;
}

export const q = <U extends string>(value: number, unit: U, reason: string): Quantity<U> =>
  Object.freeze({ value, unit, reason });

/** A warning/critical pair for one alerting signal. */
export interface Threshold<U extends string = string> {
  readonly warning: Quantity<U>;
  readonly critical: Quantity<U>;
}

/** Cloudflare states limits in GB: 1 GB = 10^9 bytes everywhere in this project. */
export const BYTES_PER_GB = 1e9;
