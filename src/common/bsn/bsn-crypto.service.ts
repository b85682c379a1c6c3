import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

export interface ProtectedBsn {
  /** HMAC-SHA256 blind index: what every match and join uses. */
  hash: Buffer;
  /** AES-256-GCM: iv (12) | tag (16) | ciphertext. */
  ciphertext: Buffer;
  last4: string;
}

/** Encrypts BSNs at rest and computes their blind index. The only place that sees the keys. */
@Injectable()
export class BsnCryptoService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  blindIndex(bsn: string): Buffer {
    return createHmac('sha256', this.config.bsn.indexKey).update(bsn).digest();
  }

  protect(bsn: string): ProtectedBsn {
    return { hash: this.blindIndex(bsn), ciphertext: this.encrypt(bsn), last4: bsn.slice(-4) };
  }

  /** AES-256-GCM: iv (12) | tag (16) | ciphertext. */
  encrypt(bsn: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.config.bsn.encryptionKey, iv);
    const encrypted = Buffer.concat([cipher.update(bsn, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), encrypted]);
  }

  reveal(ciphertext: Buffer): string {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.config.bsn.encryptionKey,
      ciphertext.subarray(0, 12),
    );
    decipher.setAuthTag(ciphertext.subarray(12, 28));
    return Buffer.concat([decipher.update(ciphertext.subarray(28)), decipher.final()]).toString('utf8');
  }
}
