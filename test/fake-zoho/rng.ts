import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A seeded random stream: the same seed gives the same faults, tokens and list keys. */
export class Rng {
  #gen: RandomGenerator;

  constructor(seed: number) {
    this.#gen = xoroshiro128plus(seed | 0);
  }

  /** True with probability p; draws nothing when p is 0 or 1, so an unused fault does not shift the stream. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return uniformFloat64(this.#gen) < p;
  }

  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += uniformInt(this.#gen, 0, 15).toString(16);
    return out;
  }

  alnum(length: number): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    let out = '';
    for (let i = 0; i < length; i++) out += chars[uniformInt(this.#gen, 0, chars.length - 1)];
    return out;
  }
}
