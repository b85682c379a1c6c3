import { BsnCryptoService } from './bsn-crypto.service';
import { isValidBsn, maskBsn } from './bsn';

describe('BSN', () => {
  it.each(['111222333', '123456782', '999999990'])('accepts %s, which passes the 11-proof', (bsn) => {
    expect(isValidBsn(bsn)).toBe(true);
  });

  it.each(['123456789', '12345678', '1234567820', '12345678a', '000000000', 123456782])(
    'refuses %s',
    (bsn) => {
      expect(isValidBsn(bsn)).toBe(false);
    },
  );

  it('masks all but the last four digits', () => {
    expect(maskBsn('6782')).toBe('*****6782');
  });

  it('encrypts with a fresh nonce each time, decrypts, and keeps a stable blind index', () => {
    const crypto = new BsnCryptoService({
      bsn: { encryptionKey: Buffer.alloc(32, 3), indexKey: Buffer.alloc(32, 4) },
    } as never);
    const a = crypto.protect('123456782');
    const b = crypto.protect('123456782');
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.hash.equals(b.hash)).toBe(true);
    expect(a.ciphertext.includes(Buffer.from('123456782'))).toBe(false);
    expect(crypto.reveal(a.ciphertext)).toBe('123456782');
    expect(a.last4).toBe('6782');
  });
});
