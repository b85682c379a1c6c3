import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { ValidateBy, ValidationOptions } from 'class-validator';

export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn's scale 0-4: 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
/** Built on first use: loading the dictionaries (common passwords, names, words) takes a moment. */
const strength = (): ZxcvbnFactory =>
  (estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs }));

/**
 * The password policy (NIST SP 800-63B): long enough, and not guessable: zxcvbn-ts scores it against
 * lists of common passwords, words and keyboard patterns, and against the account's own e-mail address.
 * No composition rules.
 */
export function isAcceptablePassword(password: string, email: string | undefined): boolean {
  if (password.length < MIN_PASSWORD_LENGTH) return false;
  const own = email
    ? [
        email,
        ...email
          .toLowerCase()
          .split(/[@.+_-]/)
          .filter((part) => part.length > 2),
      ]
    : [];
  return strength().check(password, own).score >= MIN_SCORE;
}

/** On a DTO with an `email` field. The message never echoes the password. */
export function IsAcceptablePassword(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAcceptablePassword',
      validator: {
        validate: (value: unknown, args) =>
          typeof value === 'string' &&
          isAcceptablePassword(value, (args?.object as { email?: unknown }).email as string | undefined),
        defaultMessage: (a) =>
          `${a?.property} must be at least ${MIN_PASSWORD_LENGTH} characters and not a common or guessable password (nor the e-mail address)`,
      },
    },
    options,
  );
}
