/** The 11-proof of a burgerservicenummer: 9 digits, weights 9..2 and -1, sum divisible by 11. */
export function isValidBsn(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{9}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(value[i]) * (9 - i);
  sum -= Number(value[8]);
  return sum % 11 === 0 && value !== '000000000';
}

/** How everyone but DUO sees a BSN. */
export function maskBsn(last4: string): string {
  return `*****${last4}`;
}
