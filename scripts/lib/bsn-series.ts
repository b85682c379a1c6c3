/**
 * The n-th (n >= 0) of a deterministic series of distinct BSNs that pass the 11-proof, for tests and
 * benchmarks. Distinct n give distinct BSNs; the same n always gives the same BSN.
 */
export function validBsn(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 8_000_000)
    throw new Error('validBsn(n) takes 0 <= n < 8,000,000');
  const prefix = String(1_000_000 + n); // seven digits, distinct per n
  for (let eighth = 0; eighth <= 9; eighth++) {
    const digits = `${prefix}${eighth}`;
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
    const check = sum % 11; // sum - check must be divisible by 11
    if (check <= 9) return `${digits}${check}`;
  }
  throw new Error('unreachable: some eighth digit always gives a check digit below 10');
}
